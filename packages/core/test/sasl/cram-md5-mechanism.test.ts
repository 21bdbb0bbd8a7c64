import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import { CramMd5Mechanism } from "../../src/sasl/cram-md5-mechanism.js";
import { base64, EMPTY, fromBase64, text } from "./helpers.js";

describe("CramMd5Mechanism (RFC 2195)", () => {
  it("reproduces the RFC 2195 §2 example", () => {
    const mechanism = new CramMd5Mechanism({ username: "tim", password: "tanstaaftanstaaf" });
    expect(mechanism.clientFirst).toBe(false);
    expect(mechanism.exposesReusableSecret).toBe(false);
    // S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+
    const challenge = fromBase64("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");
    expect(text(challenge)).toBe("<1896.697170952@postoffice.reston.mci.net>");
    const response = mechanism.respond(challenge);
    expect(text(response)).toBe("tim b913a602c7eda7a495b4e6e7334d3890");
    // C: dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw
    expect(base64(response)).toBe("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
  });

  it("refuses an empty challenge (a replayable digest) and a second challenge", () => {
    expect(() => new CramMd5Mechanism({ username: "tim", password: "x" }).respond(EMPTY)).toThrowError(
      expect.objectContaining({ code: ErrorCode.PROTOCOL }),
    );
    const mechanism = new CramMd5Mechanism({ username: "tim", password: "x" });
    mechanism.respond(new Uint8Array([0x3c, 0x3e]));
    expect(() => mechanism.respond(new Uint8Array([0x3c, 0x3e]))).toThrowError(
      expect.objectContaining({ code: ErrorCode.PROTOCOL }),
    );
  });
});
