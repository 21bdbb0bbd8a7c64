import { describe, expect, it } from "vitest";
import { decodeAvPairs } from "../src/ntlm/av-pairs.js";
import { ntowfV2, rc4 } from "../src/ntlm/crypto.js";
import { decodeAuthenticate, encodeChallenge } from "../src/ntlm/messages.js";
import { type VerifyInput, verifyAuthenticate } from "../src/ntlm/verify-authenticate.js";
import { hex, msNlmp424 } from "./helpers/vectors.js";

// MS-NLMP 4.2.4: user "User", domain "Domain", password "Password", ServerChallenge 0123456789abcdef.
const account = {
  lookup: (user: string, domain: string) => (user === "User" && domain === "Domain" ? "Password" : undefined),
};
const base: VerifyInput = {
  challenge: hex(msNlmp424.challenge_message),
  serverChallenge: hex("0123456789abcdef"),
  authenticate: hex(msNlmp424.authenticate_message),
  account,
  channelBindingPolicy: "when-supported",
  requireMic: false,
};

describe("NTLMv2 verification against MS-NLMP 4.2.4", () => {
  it("computes the spec's NTOWFv2", () => {
    expect(Buffer.from(ntowfV2("Password", "User", "Domain")).toString("hex")).toBe(msNlmp424.ntowfv2);
  });

  it("re-encodes the spec's CHALLENGE_MESSAGE byte for byte", () => {
    const spec = hex(msNlmp424.challenge_message);
    const infoOffset = Buffer.from(spec).readUInt32LE(44);
    const encoded = encodeChallenge({
      flags: 0xe28a8233,
      serverChallenge: hex("0123456789abcdef"),
      targetName: new Uint8Array(Buffer.from("Server", "utf16le")),
      targetInfo: spec.subarray(infoOffset),
      version: spec.subarray(48, 56),
    });
    expect(Buffer.from(encoded).toString("hex")).toBe(msNlmp424.challenge_message);
  });

  it("accepts the spec's AUTHENTICATE_MESSAGE and recovers RandomSessionKey", () => {
    const result = verifyAuthenticate(base);
    expect(result).toMatchObject({ ok: true, user: "User", domain: "Domain", workstation: "COMPUTER" });
    if (result.ok) expect(Buffer.from(result.exportedSessionKey).toString("hex")).toBe("55".repeat(16));
  });

  it("rejects a tampered NTProofStr, a wrong password, and another server challenge", () => {
    const tampered = hex(msNlmp424.authenticate_message);
    tampered[0x84] = tampered[0x84]! ^ 1; // first NTProofStr byte
    expect(verifyAuthenticate({ ...base, authenticate: tampered })).toMatchObject({
      ok: false,
      reason: "bad-response",
    });
    const tamperedBlob = hex(msNlmp424.authenticate_message);
    tamperedBlob[0x84 + 16 + 24] = 0x41; // inside the client's AV pairs
    expect(verifyAuthenticate({ ...base, authenticate: tamperedBlob })).toMatchObject({
      ok: false,
      reason: "bad-response",
    });
    expect(verifyAuthenticate({ ...base, account: { lookup: () => "password" } })).toMatchObject({
      ok: false,
      reason: "bad-response",
    });
    expect(verifyAuthenticate({ ...base, serverChallenge: hex("0123456789abcdee") })).toMatchObject({
      ok: false,
    });
    expect(verifyAuthenticate({ ...base, account: { lookup: () => undefined } })).toMatchObject({
      reason: "unknown-user",
    });
  });

  it("requires a MIC when the CHALLENGE carried a timestamp, and channel bindings when told to", () => {
    expect(verifyAuthenticate({ ...base, requireMic: true })).toMatchObject({
      ok: false,
      reason: "mic-missing",
    });
    expect(
      verifyAuthenticate({ ...base, channelBindingPolicy: "required", channelBinding: new Uint8Array(16) }),
    ).toMatchObject({
      ok: false,
      reason: "channel-binding-missing",
    });
  });

  it("rejects clock skew beyond the limit (the spec example's Time is 1601)", () => {
    expect(verifyAuthenticate({ ...base, maxClockSkewMs: 36 * 3_600_000 })).toMatchObject({
      ok: false,
      reason: "clock-skew",
    });
  });

  it("rejects NTLMv1, anonymous and malformed messages", () => {
    const v1 = Buffer.from(hex(msNlmp424.authenticate_message));
    v1.writeUInt16LE(24, 20);
    v1.writeUInt16LE(24, 22);
    expect(verifyAuthenticate({ ...base, authenticate: v1 })).toMatchObject({ ok: false, reason: "ntlmv1" });
    const anonymous = Buffer.from(hex(msNlmp424.authenticate_message));
    anonymous.writeUInt16LE(0, 20); // NtChallengeResponseLen
    anonymous.writeUInt16LE(0, 36); // UserNameLen
    expect(verifyAuthenticate({ ...base, authenticate: anonymous })).toMatchObject({
      ok: false,
      reason: "anonymous",
    });
    const pointsOutside = Buffer.from(hex(msNlmp424.authenticate_message));
    pointsOutside.writeUInt32LE(0xffff, 24);
    expect(verifyAuthenticate({ ...base, authenticate: pointsOutside })).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    expect(verifyAuthenticate({ ...base, authenticate: new Uint8Array(10) })).toMatchObject({
      ok: false,
      reason: "malformed",
    });
  });

  it("decodes the AUTHENTICATE fields and AV pairs", () => {
    const message = decodeAuthenticate(hex(msNlmp424.authenticate_message));
    expect(message.flags >>> 0).toBe(0xe2888235);
    expect(decodeAvPairs(message.ntChallengeResponse.subarray(16 + 28)).map((p) => p.id)).toEqual([2, 1]);
    expect(rc4(hex("0123456789abcdef"), rc4(hex("0123456789abcdef"), hex("00ff")))).toEqual(hex("00ff"));
  });
});
