import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import { saslprep } from "../../src/sasl/saslprep.js";

describe("saslprep (RFC 4013)", () => {
  // RFC 4013 §3, examples 1-5.
  it.each([
    ["I\u00ADX", "IX", "1: SOFT HYPHEN mapped to nothing"],
    ["user", "user", "2: no transformation"],
    ["USER", "USER", "3: case preserved"],
    ["\u00AA", "a", "4: output is NFKC"],
    ["\u2168", "IX", "5: output is NFKC, matches #1"],
  ])("maps %j to %j (example %s)", (input, output) => {
    expect(saslprep(input)).toBe(output);
  });

  it("rejects example 6, U+0007, as a prohibited character", () => {
    expect(() => saslprep("\u0007")).toThrowError(
      expect.objectContaining({
        code: ErrorCode.INVALID_ARGUMENT,
        details: expect.objectContaining({ codePoint: "U+0007" }),
      }),
    );
  });

  it("rejects example 7, U+0627 U+0031, by the bidirectional rule", () => {
    expect(() => saslprep("\u0627\u0031")).toThrowError(
      expect.objectContaining({ details: { rule: "RFC 3454 §6" } }),
    );
  });

  it("maps non-ASCII spaces to SPACE and drops zero-width characters", () => {
    expect(saslprep("a\u00A0b\u3000c\u2003d")).toBe("a b c d");
    expect(saslprep("pass\u200Bword\uFEFF\u200D")).toBe("password");
  });

  it("rejects private use, non-characters, lone surrogates, tags and display controls", () => {
    for (const bad of [
      "\uE000",
      "\uFFFF",
      "\u{1FFFE}",
      "\uD800",
      "x\uDC00",
      "\u{E0041}",
      "\u202E",
      "\u2FF0",
      "\u0085",
    ]) {
      expect(() => saslprep(bad), JSON.stringify(bad)).toThrowError(
        expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
      );
    }
  });

  it("accepts right-to-left text that starts and ends right-to-left, and astral letters", () => {
    expect(saslprep("\u0627\u0031\u0628")).toBe("\u0627\u0031\u0628");
    expect(saslprep("\u05D0\u05D1")).toBe("\u05D0\u05D1");
    expect(saslprep("\u{1D400}")).toBe("A"); // MATHEMATICAL BOLD CAPITAL A, NFKC
    expect(() => saslprep("\u0627a\u0628")).toThrow(); // RandALCat mixed with LCat
  });
});
