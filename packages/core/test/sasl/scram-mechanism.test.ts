import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import { ScramMechanism } from "../../src/sasl/scram-mechanism.js";
import { bytes, EMPTY, text } from "./helpers.js";

// RFC 5802 §5, SCRAM-SHA-1, user "user", password "pencil".
const SHA1 = {
  clientNonce: "fyko+d2lbbFgONRv9qkxdawL",
  clientFirst: "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
  serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
  clientFinal: "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
  serverFinal: "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
};

// RFC 7677 §3, SCRAM-SHA-256, user "user", password "pencil".
const SHA256 = {
  clientNonce: "rOprNGfwEbeRWgbNEkqO",
  clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
  serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  clientFinal:
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

function sha1(overrides: Partial<ConstructorParameters<typeof ScramMechanism>[0]> = {}) {
  return new ScramMechanism({
    mechanism: "SCRAM-SHA-1",
    username: "user",
    password: "pencil",
    clientNonce: SHA1.clientNonce,
    ...overrides,
  });
}

/** A server-first message for the RFC 5802 nonce with another salt/iteration count. */
const serverFirstWith = (fields: string) => bytes(`r=${SHA1.clientNonce}3rfcNHYJY1ZVvWVs7j,${fields}`);

describe("ScramMechanism", () => {
  it("reproduces the RFC 5802 §5 SCRAM-SHA-1 exchange, server final as a challenge", async () => {
    const mechanism = sha1();
    expect(mechanism.name).toBe("SCRAM-SHA-1");
    expect(mechanism.clientFirst).toBe(true);
    expect(mechanism.exposesReusableSecret).toBe(false);
    expect(text(await mechanism.respond(EMPTY))).toBe(SHA1.clientFirst);
    expect(text(await mechanism.respond(bytes(SHA1.serverFirst)))).toBe(SHA1.clientFinal);
    expect(await mechanism.respond(bytes(SHA1.serverFinal))).toEqual(EMPTY);
    expect(() => mechanism.verifyServerFinal(undefined)).not.toThrow();
  });

  it("reproduces the RFC 7677 §3 SCRAM-SHA-256 exchange, server final as additional data", async () => {
    const mechanism = new ScramMechanism({
      mechanism: "SCRAM-SHA-256",
      username: "user",
      password: "pencil",
      clientNonce: SHA256.clientNonce,
    });
    expect(text(await mechanism.respond(EMPTY))).toBe(SHA256.clientFirst);
    expect(text(await mechanism.respond(bytes(SHA256.serverFirst)))).toBe(SHA256.clientFinal);
    expect(() => mechanism.verifyServerFinal(bytes(SHA256.serverFinal))).not.toThrow();
  });

  it("rejects a tampered server signature", async () => {
    const mechanism = sha1();
    await mechanism.respond(EMPTY);
    await mechanism.respond(bytes(SHA1.serverFirst));
    const tampered = SHA1.serverFinal.replace("rmF9", "rmF8");
    await expect(mechanism.respond(bytes(tampered))).rejects.toMatchObject({
      name: "AuthError",
      code: ErrorCode.AUTH_FAILED,
      details: { reason: "server-signature-mismatch" },
    });
    expect(() => mechanism.verifyServerFinal(undefined)).toThrowError(
      expect.objectContaining({ code: ErrorCode.AUTH_FAILED }),
    );
  });

  it("rejects the SCRAM-SHA-256 signature for SCRAM-SHA-1 and a signature of the wrong length", async () => {
    const mechanism = sha1();
    await mechanism.respond(EMPTY);
    await mechanism.respond(bytes(SHA1.serverFirst));
    expect(() => mechanism.verifyServerFinal(bytes(SHA256.serverFinal))).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: "server-signature-mismatch" }) }),
    );
  });

  it("fails when the server reports success without ever sending its signature", async () => {
    const mechanism = sha1();
    await mechanism.respond(EMPTY);
    await mechanism.respond(bytes(SHA1.serverFirst));
    expect(() => mechanism.verifyServerFinal(undefined)).toThrowError(
      expect.objectContaining({
        code: ErrorCode.AUTH_FAILED,
        details: expect.objectContaining({ reason: "server-signature-missing" }),
      }),
    );
    const early = sha1();
    await early.respond(EMPTY);
    expect(() => early.verifyServerFinal(bytes(SHA1.serverFinal))).toThrowError(
      expect.objectContaining({ code: ErrorCode.AUTH_FAILED }),
    );
  });

  it("surfaces a server-error-value (e=) as AuthError details", async () => {
    const mechanism = sha1();
    await mechanism.respond(EMPTY);
    await mechanism.respond(bytes(SHA1.serverFirst));
    await expect(mechanism.respond(bytes("e=invalid-proof"))).rejects.toMatchObject({
      code: ErrorCode.AUTH_FAILED,
      details: { scramError: "invalid-proof" },
    });
    expect(mechanism.failureDetails()).toEqual({ scramError: "invalid-proof" });
  });

  it("escapes , and = in the user name (RFC 5802 §5.1) and sends the authzid in the gs2 header", async () => {
    const mechanism = sha1({ username: "a,b=c", authorizationId: "ad=min" });
    expect(text(await mechanism.respond(EMPTY))).toBe(`n,a=ad=3Dmin,n=a=2Cb=3Dc,r=${SHA1.clientNonce}`);
    const final = text(await mechanism.respond(bytes(SHA1.serverFirst)));
    expect(final.startsWith(`c=${Buffer.from("n,a=ad=3Dmin,").toString("base64")},`)).toBe(true);
  });

  it("SASLpreps the user name (RFC 4013 §3 example 5)", async () => {
    const mechanism = sha1({ username: "\u2168" });
    expect(text(await mechanism.respond(EMPTY))).toBe(`n,,n=IX,r=${SHA1.clientNonce}`);
  });

  it("refuses a password SASLprep rejects without naming its characters", () => {
    expect(() => sha1({ password: "pen\u0007cil" })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT, details: { field: "password" } }),
    );
    expect(() => sha1({ password: "\u00AD" })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
  });

  it("generates a fresh printable nonce when none is injected", async () => {
    const a = text(
      await new ScramMechanism({ mechanism: "SCRAM-SHA-256", username: "u", password: "p" }).respond(EMPTY),
    );
    const b = text(
      await new ScramMechanism({ mechanism: "SCRAM-SHA-256", username: "u", password: "p" }).respond(EMPTY),
    );
    expect(a).toMatch(/^n,,n=u,r=[\x21-\x2b\x2d-\x7e]{32}$/);
    expect(a).not.toBe(b);
    expect(() => sha1({ clientNonce: "has,comma" })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
  });

  describe("against a hostile server-first-message", () => {
    const cases: [string, Uint8Array, Record<string, unknown>][] = [
      [
        "too few iterations",
        serverFirstWith("s=QSXCR+Q6sek8bf92,i=4095"),
        { code: ErrorCode.AUTH_FAILED, details: expect.objectContaining({ reason: "iterations-too-low" }) },
      ],
      [
        "too many iterations",
        serverFirstWith("s=QSXCR+Q6sek8bf92,i=2000001"),
        { code: ErrorCode.LIMIT_EXCEEDED },
      ],
      [
        "absurd iteration text",
        serverFirstWith("s=QSXCR+Q6sek8bf92,i=99999999999999"),
        { code: ErrorCode.PROTOCOL },
      ],
      ["iteration count zero", serverFirstWith("s=QSXCR+Q6sek8bf92,i=0"), { code: ErrorCode.PROTOCOL }],
      ["a short salt", serverFirstWith("s=QSXC,i=4096"), { code: ErrorCode.AUTH_FAILED }],
      ["salt that is not base64", serverFirstWith("s=QSX!R+Q6sek8bf92,i=4096"), { code: ErrorCode.PARSE }],
      [
        "nonce not extending ours",
        bytes("r=someoneelse123,s=QSXCR+Q6sek8bf92,i=4096"),
        { code: ErrorCode.AUTH_FAILED, details: expect.objectContaining({ reason: "nonce-mismatch" }) },
      ],
      [
        "nonce equal to ours",
        bytes(`r=${SHA1.clientNonce},s=QSXCR+Q6sek8bf92,i=4096`),
        { code: ErrorCode.AUTH_FAILED },
      ],
      ["a mandatory extension", bytes(`m=ext,${SHA1.serverFirst}`), { code: ErrorCode.PROTOCOL }],
      ["missing salt", bytes(`r=${SHA1.clientNonce}xyz,i=4096`), { code: ErrorCode.PROTOCOL }],
      ["garbage", bytes("hello"), { code: ErrorCode.PROTOCOL }],
      ["invalid UTF-8", new Uint8Array([0x72, 0x3d, 0xff]), { code: ErrorCode.PARSE }],
      ["an oversized message", bytes(`r=${"x".repeat(20_000)}`), { code: ErrorCode.LIMIT_EXCEEDED }],
    ];
    it.each(cases)("rejects %s", async (_label, serverFirst, expected) => {
      const mechanism = sha1();
      await mechanism.respond(EMPTY);
      await expect(mechanism.respond(serverFirst)).rejects.toMatchObject(expected);
    });

    it("lets the caller lower the iteration floor explicitly", async () => {
      const mechanism = sha1({ minIterations: 1024 });
      await mechanism.respond(EMPTY);
      await expect(mechanism.respond(serverFirstWith("s=QSXCR+Q6sek8bf92,i=1024"))).resolves.toBeInstanceOf(
        Uint8Array,
      );
    });
  });
});
