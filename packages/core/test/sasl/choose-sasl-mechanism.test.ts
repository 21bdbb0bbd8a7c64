import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import { chooseSaslMechanism, type SaslSelectionOptions } from "../../src/sasl/choose-sasl-mechanism.js";
import type { SaslCredentials } from "../../src/sasl/sasl-mechanism.js";

const password: SaslCredentials = { kind: "password", username: "tim", password: "tanstaaftanstaaf" };
const oauth: SaslCredentials = { kind: "oauth2", username: "tim@example.com", token: async () => "token" };
const ALL_PASSWORD = ["LOGIN", "PLAIN", "CRAM-MD5", "NTLM", "SCRAM-SHA-1", "SCRAM-SHA-256", "GSSAPI"];

const choose = (options: Partial<SaslSelectionOptions> & Pick<SaslSelectionOptions, "offered">) =>
  chooseSaslMechanism({ credentials: password, transportEncrypted: true, ...options });

describe("chooseSaslMechanism", () => {
  it("prefers SCRAM-SHA-256 > SCRAM-SHA-1 > NTLM > CRAM-MD5 > PLAIN > LOGIN for passwords", () => {
    const offered = [...ALL_PASSWORD];
    const picks: string[] = [];
    while (offered.length > 1) {
      const pick = choose({ offered });
      picks.push(pick);
      offered.splice(offered.indexOf(pick), 1);
    }
    expect(picks).toEqual(["SCRAM-SHA-256", "SCRAM-SHA-1", "NTLM", "CRAM-MD5", "PLAIN", "LOGIN"]);
  });

  it("prefers OAUTHBEARER > XOAUTH2 for tokens, and never picks a password mechanism for them", () => {
    expect(choose({ credentials: oauth, offered: ["XOAUTH2", "PLAIN", "OAUTHBEARER"] })).toBe("OAUTHBEARER");
    expect(choose({ credentials: oauth, offered: ["XOAUTH2", "PLAIN"] })).toBe("XOAUTH2");
    expect(choose({ offered: ["XOAUTH2", "PLAIN"] })).toBe("PLAIN");
  });

  it("matches advertised names case-insensitively", () => {
    expect(choose({ offered: ["plain", "scram-sha-1"] })).toBe("SCRAM-SHA-1");
  });

  it("refuses PLAIN and LOGIN over cleartext with MW_INSECURE_AUTH_REFUSED", () => {
    expect(() => choose({ offered: ["PLAIN", "LOGIN"], transportEncrypted: false })).toThrowError(
      expect.objectContaining({
        name: "AuthError",
        code: ErrorCode.INSECURE_AUTH_REFUSED,
        details: { refused: ["PLAIN", "LOGIN"], offered: ["PLAIN", "LOGIN"] },
      }),
    );
  });

  it("refuses bearer tokens over cleartext", () => {
    expect(() =>
      choose({ credentials: oauth, offered: ["OAUTHBEARER", "XOAUTH2"], transportEncrypted: false }),
    ).toThrowError(expect.objectContaining({ code: ErrorCode.INSECURE_AUTH_REFUSED }));
  });

  it("uses a mechanism that keeps the secret off the wire over cleartext", () => {
    expect(choose({ offered: ["PLAIN", "CRAM-MD5"], transportEncrypted: false })).toBe("CRAM-MD5");
    expect(choose({ offered: ["PLAIN", "NTLM"], transportEncrypted: false })).toBe("NTLM");
  });

  it("allows cleartext secrets only when the caller opts in", () => {
    expect(choose({ offered: ["LOGIN", "PLAIN"], transportEncrypted: false, allowInsecureAuth: true })).toBe(
      "PLAIN",
    );
    expect(
      choose({
        credentials: oauth,
        offered: ["XOAUTH2"],
        transportEncrypted: false,
        allowInsecureAuth: true,
      }),
    ).toBe("XOAUTH2");
  });

  it("lets the caller force mechanisms, in the caller's order, still subject to the cleartext rule", () => {
    expect(choose({ offered: ALL_PASSWORD, force: ["plain"] })).toBe("PLAIN");
    expect(choose({ offered: ALL_PASSWORD, force: ["LOGIN", "PLAIN"] })).toBe("LOGIN");
    expect(() => choose({ offered: ALL_PASSWORD, force: ["PLAIN"], transportEncrypted: false })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INSECURE_AUTH_REFUSED }),
    );
    expect(() => choose({ offered: ["SCRAM-SHA-1"], force: ["PLAIN"] })).toThrowError(
      expect.objectContaining({ code: ErrorCode.AUTH_UNSUPPORTED }),
    );
  });

  it("rejects forcing an unknown mechanism or one that does not fit the credentials", () => {
    expect(() => choose({ offered: ["GSSAPI"], force: ["GSSAPI"] })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
    expect(() => choose({ offered: ["XOAUTH2"], force: ["XOAUTH2"] })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
  });

  it("honours exclusions", () => {
    expect(choose({ offered: ALL_PASSWORD, exclude: ["scram-sha-256", "SCRAM-SHA-1"] })).toBe("NTLM");
  });

  it("reports MW_AUTH_UNSUPPORTED with what the server offered when nothing fits", () => {
    let caught: unknown;
    try {
      choose({ offered: ["GSSAPI", "KERBEROS_V4"] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      name: "AuthError",
      code: ErrorCode.AUTH_UNSUPPORTED,
      details: {
        offered: ["GSSAPI", "KERBEROS_V4"],
        supported: ["SCRAM-SHA-256", "SCRAM-SHA-1", "NTLM", "CRAM-MD5", "PLAIN", "LOGIN"],
      },
    });
    expect((caught as Error).message).toContain("GSSAPI, KERBEROS_V4");
    expect(() => choose({ credentials: oauth, offered: [] })).toThrowError(/offered none/);
    expect(() => choose({ offered: ["PLAIN"], exclude: ["PLAIN"] })).toThrowError(
      expect.objectContaining({
        code: ErrorCode.AUTH_UNSUPPORTED,
        details: expect.objectContaining({ excluded: ["PLAIN"] }),
      }),
    );
  });

  it("sanitizes hostile advertised names before quoting them", () => {
    expect(() => choose({ offered: ["X\r\nY", "Z".repeat(100)] })).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ offered: ["X??Y", "Z".repeat(40)] }) }),
    );
  });
});
