import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import { PlainMechanism } from "../../src/sasl/plain-mechanism.js";
import { EMPTY, text } from "./helpers.js";

describe("PlainMechanism (RFC 4616)", () => {
  it("encodes the RFC 4616 §4 example without authzid: NUL tim NUL tanstaaftanstaaf", () => {
    const mechanism = new PlainMechanism({ username: "tim", password: "tanstaaftanstaaf" });
    expect(mechanism.name).toBe("PLAIN");
    expect(mechanism.clientFirst).toBe(true);
    expect(mechanism.exposesReusableSecret).toBe(true);
    const response = mechanism.respond(EMPTY);
    expect(text(response)).toBe("\0tim\0tanstaaftanstaaf");
    expect(response.length).toBe(21); // the RFC's {21} literal
  });

  it("encodes the RFC 4616 §4 example with authzid: Ursel NUL Kurt NUL xipj3plmq", () => {
    const mechanism = new PlainMechanism({
      username: "Kurt",
      password: "xipj3plmq",
      authorizationId: "Ursel",
    });
    const response = mechanism.respond(EMPTY);
    expect(text(response)).toBe("Ursel\0Kurt\0xipj3plmq");
    expect(response.length).toBe(20);
  });

  it("encodes non-ASCII as UTF-8", () => {
    const mechanism = new PlainMechanism({ username: "jürgen", password: "pässwört" });
    expect([...mechanism.respond(EMPTY)].slice(0, 4)).toEqual([0, 0x6a, 0xc3, 0xbc]);
  });

  it("refuses NUL inside a field without echoing the value", () => {
    expect(() => new PlainMechanism({ username: "tim", password: "tans\0taaf" })).toThrowError(
      expect.objectContaining({
        code: ErrorCode.INVALID_ARGUMENT,
        message: "PLAIN: password must not contain NUL",
      }),
    );
  });

  it("rejects a second challenge", () => {
    const mechanism = new PlainMechanism({ username: "tim", password: "tanstaaftanstaaf" });
    mechanism.respond(EMPTY);
    expect(() => mechanism.respond(EMPTY)).toThrowError(
      expect.objectContaining({ code: ErrorCode.PROTOCOL }),
    );
  });
});
