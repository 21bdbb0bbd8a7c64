import { describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import { createSaslMechanism } from "../../src/sasl/create-sasl-mechanism.js";
import { NtlmMechanism } from "../../src/sasl/ntlm-mechanism.js";
import { SaslMechanismName } from "../../src/sasl/sasl-mechanism.js";
import { SaslMechanismTraits } from "../../src/sasl/sasl-mechanism-traits.js";
import { EMPTY } from "./helpers.js";

// The mechanism only sequences NtlmClient's messages; a stand-in records what it is asked
// for so these tests pin the SASL steps, not the NTLM bytes (those are src/ntlm's tests).
const calls: unknown[] = [];
vi.mock("../../src/ntlm/index.js", () => ({
  NtlmClient: class {
    constructor(options: unknown) {
      calls.push(["new", options]);
    }
    createNegotiate() {
      return new Uint8Array([0x4e, 0x01]);
    }
    createAuthenticate(challenge: Uint8Array) {
      calls.push(["authenticate", [...challenge]]);
      return new Uint8Array([0x4e, 0x03]);
    }
  },
}));

describe("NtlmMechanism", () => {
  it("sends NEGOTIATE first, then AUTHENTICATE for the server's CHALLENGE", () => {
    calls.length = 0;
    const mechanism = new NtlmMechanism({ username: "user", password: "Password", domain: "Domain" });
    expect(mechanism.clientFirst).toBe(true);
    expect(mechanism.exposesReusableSecret).toBe(false);
    expect([...mechanism.respond(EMPTY)]).toEqual([0x4e, 0x01]);
    expect([...mechanism.respond(new Uint8Array([0x4e, 0x02]))]).toEqual([0x4e, 0x03]);
    expect(calls).toEqual([
      ["new", { username: "user", password: "Password", domain: "Domain" }],
      ["authenticate", [0x4e, 0x02]],
    ]);
    expect(() => mechanism.respond(new Uint8Array([1]))).toThrowError(
      expect.objectContaining({ code: ErrorCode.PROTOCOL }),
    );
  });

  it("refuses an empty CHALLENGE", () => {
    const mechanism = new NtlmMechanism({ username: "user", password: "Password" });
    mechanism.respond(EMPTY);
    expect(() => mechanism.respond(EMPTY)).toThrowError(
      expect.objectContaining({ code: ErrorCode.PROTOCOL }),
    );
  });

  it("passes only the NTLM options the caller set (exactOptionalPropertyTypes)", () => {
    calls.length = 0;
    createSaslMechanism(
      SaslMechanismName.NTLM,
      { kind: "password", username: "u", password: "p" },
      { ntlm: { workstation: "WS", targetName: "imap/mail.contoso.com" } },
    );
    expect(calls).toEqual([
      ["new", { username: "u", password: "p", workstation: "WS", targetName: "imap/mail.contoso.com" }],
    ]);
  });
});

describe("SaslMechanismTraits", () => {
  it("agrees with every mechanism object's own flags and name", () => {
    for (const name of Object.values(SaslMechanismName)) {
      const traits = SaslMechanismTraits[name];
      const credentials =
        traits.credential === "password"
          ? ({ kind: "password", username: "u", password: "p" } as const)
          : ({ kind: "oauth2", username: "u", token: () => "t" } as const);
      const mechanism = createSaslMechanism(name, credentials);
      expect(mechanism.name).toBe(name);
      expect(mechanism.exposesReusableSecret, name).toBe(traits.exposesReusableSecret);
    }
  });

  it("refuses to build a mechanism for the wrong kind of credentials", () => {
    expect(() =>
      createSaslMechanism(SaslMechanismName.PLAIN, { kind: "oauth2", username: "u", token: () => "t" }),
    ).toThrowError(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
  });
});
