import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import { LoginMechanism } from "../../src/sasl/login-mechanism.js";
import { fromBase64, text } from "./helpers.js";

describe("LoginMechanism", () => {
  it("answers the Username: and Password: prompts in order", () => {
    const mechanism = new LoginMechanism({ username: "tim", password: "tanstaaf" });
    expect(mechanism.clientFirst).toBe(false);
    expect(mechanism.exposesReusableSecret).toBe(true);
    // "VXNlcm5hbWU6" and "UGFzc3dvcmQ6" are the base64 prompts servers send.
    expect(text(mechanism.respond(fromBase64("VXNlcm5hbWU6")))).toBe("tim");
    expect(text(mechanism.respond(fromBase64("UGFzc3dvcmQ6")))).toBe("tanstaaf");
    expect(() => mechanism.respond(fromBase64("UGFzc3dvcmQ6"))).toThrowError(
      expect.objectContaining({ code: ErrorCode.PROTOCOL }),
    );
  });
});
