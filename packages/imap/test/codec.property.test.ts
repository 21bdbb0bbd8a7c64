import { ErrorCode } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  deserializeWatchState,
  formatSequenceSet,
  MAX_UID,
  mapImapError,
  parseResponseText,
  parseSequenceSet,
  serializeWatchState,
} from "../src/index.js";

const uid = fc.integer({ min: 1, max: MAX_UID });

describe("sequence sets (RFC 9051 §9)", () => {
  it("format then parse gives the sorted, de-duplicated UIDs", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5_000 }), { maxLength: 300 }), (uids) => {
        const expected = [...new Set(uids)].sort((a, b) => a - b);
        const text = formatSequenceSet(uids);
        expect(parseSequenceSet(text)).toEqual(expected);
        if (expected.length > 0) expect(text).toMatch(/^\d+(?::\d+)?(?:,\d+(?::\d+)?)*$/);
      }),
    );
  });

  it("collapses runs", () => {
    expect(formatSequenceSet([3, 1, 2, 7, 9, 10, 10])).toBe("1:3,7,9:10");
    expect(parseSequenceSet("10:9,1")).toEqual([1, 9, 10]);
  });

  it("never throws anything but ParseError on arbitrary input, and caps the count", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseSequenceSet(text, 10_000);
        } catch (error) {
          expect(error).toMatchObject({ code: ErrorCode.PARSE });
        }
      }),
    );
    expect(() => parseSequenceSet(`1:${MAX_UID}`)).toThrow(/more than/);
    fc.assert(
      fc.property(uid, (value) => {
        expect(parseSequenceSet(String(value))).toEqual([value]);
      }),
    );
  });
});

describe("response text (RFC 9051 §7.1)", () => {
  it("splits tag, status, code and text", () => {
    expect(parseResponseText("A1 NO [AUTHENTICATIONFAILED] Authentication failed.")).toEqual({
      responseCode: "AUTHENTICATIONFAILED",
      responseCodeArgument: undefined,
      text: "Authentication failed.",
    });
    expect(parseResponseText("[COPYUID 38505 304,319:320 3956:3958] Done")).toMatchObject({
      responseCode: "COPYUID",
      responseCodeArgument: "38505 304,319:320 3956:3958",
    });
    expect(parseResponseText("NO no code here").responseCode).toBeUndefined();
  });

  it("never throws and bounds what it keeps", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), (text) => {
        const parsed = parseResponseText(text);
        expect(parsed.text.length).toBeLessThanOrEqual(512);
        if (parsed.responseCode !== undefined) expect(parsed.responseCode).toMatch(/^[^\s\]]{1,64}$/);
      }),
    );
  });

  it("finds any atom code behind any status line", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z][A-Z0-9-]{0,20}$/),
        fc.constantFrom("NO", "BAD", "OK", "BYE"),
        fc.stringMatching(/^[a-z ]{0,40}$/),
        (code, status, text) => {
          expect(parseResponseText(`T1 ${status} [${code}] ${text}`)).toMatchObject({
            responseCode: code,
            text: text.trim(),
          });
        },
      ),
    );
  });
});

describe("watch state persistence", () => {
  it("round-trips through JSON", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 2n ** 32n - 1n }),
        fc.option(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), { nil: undefined }),
        fc.dictionary(
          fc.integer({ min: 1, max: 100_000 }).map(String),
          fc.subarray(["\\Seen", "\\Flagged", "$Label1"]),
          {
            maxKeys: 50,
          },
        ),
        (uidValidity, highestModseq, table) => {
          const messages = new Map(
            Object.entries(table).map(([key, flags]) => [Number(key), [...flags].sort()]),
          );
          const state = { uidValidity, highestModseq, messages };
          const copy = deserializeWatchState(JSON.parse(JSON.stringify(serializeWatchState(state))));
          expect(copy.uidValidity).toBe(uidValidity);
          expect(copy.highestModseq).toBe(highestModseq);
          expect([...copy.messages].sort((a, b) => a[0] - b[0])).toEqual(
            [...messages].sort((a, b) => a[0] - b[0]),
          );
        },
      ),
    );
  });
});

describe("mapImapError", () => {
  const secrets = ["s3cret-pass"];
  it("auth failures keep the response code and lose the password", () => {
    const error = mapImapError(
      Object.assign(new Error("Command failed"), {
        authenticationFailed: true,
        response: "3 NO [AUTHENTICATIONFAILED] Bad password s3cret-pass",
      }),
      { operation: "AUTH=PLAIN", secrets },
    );
    expect(error).toMatchObject({
      code: ErrorCode.AUTH_FAILED,
      details: { responseCode: "AUTHENTICATIONFAILED" },
    });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain("s3cret-pass");
  });

  it.each([
    [{ code: "GREETING_TIMEOUT" }, ErrorCode.TIMEOUT],
    [{ code: "ECONNREFUSED" }, ErrorCode.CONNECTION],
    [{ code: "NoConnection" }, ErrorCode.CONNECTION_CLOSED],
    [{ code: "STARTTLS_INJECTION", tlsFailed: true }, ErrorCode.STARTTLS_INJECTION],
    [{ tlsFailed: true, message: "Server does not support STARTTLS" }, ErrorCode.STARTTLS_UNAVAILABLE],
    [{ code: "DEPTH_ZERO_SELF_SIGNED_CERT" }, ErrorCode.TLS],
    [{ code: "ETHROTTLE", throttleReset: 5000 }, ErrorCode.SERVER_BUSY],
    [{ code: "LiteralTooLarge" }, ErrorCode.LIMIT_EXCEEDED],
    [{ responseStatus: "NO", responseText: "[UNAVAILABLE] try later" }, ErrorCode.SERVER_BUSY],
    [{ responseStatus: "NO", responseText: "[NONEXISTENT] no such mailbox" }, ErrorCode.PROTOCOL],
  ])("%j → %s", (shape, code) => {
    const error = mapImapError(
      Object.assign(new Error(String((shape as { message?: string }).message ?? "x")), shape),
      {
        operation: "test",
      },
    );
    expect(error.code).toBe(code);
  });
});
