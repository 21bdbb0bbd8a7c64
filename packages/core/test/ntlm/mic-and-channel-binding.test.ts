import { describe, expect, it } from "vitest";
import { equalBytes, fromHex, toHex } from "../../src/bytes/encoding.js";
import { hmacMd5 } from "../../src/crypto/md5.js";
import { ErrorCode } from "../../src/errors/index.js";
import {
  AUTHENTICATE_MIC_OFFSET,
  AvId,
  computeMic,
  decodeAuthenticate,
  decodeNtlmV2Response,
  encryptRandomSessionKey,
  findAvPair,
  MIC_LENGTH,
  MsvAvFlag,
  NegotiateFlag,
  NtlmClient,
  type NtlmClientOptions,
  NtlmSessionSecurity,
  negotiatedFlags,
  ntowfv2,
  summarizeTargetInfo,
} from "../../src/ntlm/index.js";
import { certificates } from "./certificates.fixture.js";
import {
  MODERN_CHALLENGE_FLAGS,
  MODERN_SERVER_CHALLENGE,
  MODERN_SERVER_TIME,
  modernChallenge,
} from "./modern-challenge.js";

const certificate = certificates["rsa-sha256"];
const certDer = new Uint8Array(Buffer.from(certificate?.der ?? "", "base64"));
const exportedSessionKey = fromHex("0f0e0d0c0b0a09080706050403020100");
const base: NtlmClientOptions = {
  username: "CONTOSO\\alice",
  password: "Pa55w.rd!",
  workstation: "WS01",
  clientChallenge: fromHex("a1a2a3a4a5a6a7a8"),
  exportedSessionKey,
};

function handshake(options: NtlmClientOptions, challenge = modernChallenge()) {
  const client = new NtlmClient(options);
  const negotiate = client.createNegotiate();
  const authenticate = client.createAuthenticate(challenge);
  return { client, negotiate, challenge, authenticate, message: decodeAuthenticate(authenticate) };
}

/** What a server does with the AUTHENTICATE_MESSAGE (MS-NLMP 3.2.5.1.2), with our exported primitives. */
function verifyAsServer(
  password: string,
  negotiate: Uint8Array,
  challenge: Uint8Array,
  authenticate: Uint8Array,
): Uint8Array {
  const message = decodeAuthenticate(authenticate);
  const parts = decodeNtlmV2Response(message.ntChallengeResponse);
  const responseKey = ntowfv2(password, message.userName, message.domain);
  const temp = message.ntChallengeResponse.subarray(16);
  const proof = hmacMd5(responseKey, MODERN_SERVER_CHALLENGE, temp);
  if (!equalBytes(proof, parts.ntProofStr)) throw new Error("NTProofStr mismatch");
  const sessionBaseKey = hmacMd5(responseKey, parts.ntProofStr);
  // RC4 is its own inverse: the server recovers the key with the same function.
  const exported = encryptRandomSessionKey(sessionBaseKey, message.encryptedRandomSessionKey);
  const zeroed = authenticate.slice();
  zeroed.fill(0, AUTHENTICATE_MIC_OFFSET, AUTHENTICATE_MIC_OFFSET + MIC_LENGTH);
  const mic = computeMic(exported, negotiate, challenge, zeroed);
  if (!message.mic || !equalBytes(mic, message.mic)) throw new Error("MIC mismatch");
  return exported;
}

describe("MIC (MS-NLMP 3.1.5.1.2) when the server sends MsvAvTimestamp", () => {
  it("adds MsvAvFlags 0x2, sends Z(24) for LMv2, uses the server's time, and a MIC that recomputes", () => {
    const { negotiate, challenge, authenticate, message } = handshake(base);
    expect(message.flags).toBe(negotiatedFlags(MODERN_CHALLENGE_FLAGS));
    expect(toHex(message.lmChallengeResponse)).toBe("00".repeat(24));
    expect(message.userName).toBe("alice");
    expect(message.domain).toBe("CONTOSO");
    expect(message.workstation).toBe("WS01");

    const parts = decodeNtlmV2Response(message.ntChallengeResponse);
    expect(parts.timestamp).toBe(MODERN_SERVER_TIME);
    expect(toHex(parts.clientChallenge)).toBe("a1a2a3a4a5a6a7a8");
    const summary = summarizeTargetInfo(parts.avPairs);
    expect(summary.flags).toBe(MsvAvFlag.MIC_PRESENT);
    expect(summary.timestamp).toBe(MODERN_SERVER_TIME);
    expect(summary.nbComputerName).toBe("MAIL01");
    expect(summary.channelBindings).toBeUndefined();
    expect(summary.targetName).toBeUndefined();

    // Recompute: HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE with MIC zeroed).
    const zeroed = authenticate.slice();
    zeroed.fill(0, AUTHENTICATE_MIC_OFFSET, AUTHENTICATE_MIC_OFFSET + MIC_LENGTH);
    expect(message.mic && toHex(message.mic)).toBe(
      toHex(computeMic(exportedSessionKey, negotiate, challenge, zeroed)),
    );
    expect(toHex(computeMic(exportedSessionKey, negotiate, challenge, zeroed))).toBe(
      toHex(hmacMd5(exportedSessionKey, negotiate, challenge, zeroed)),
    );
    expect(toHex(verifyAsServer("Pa55w.rd!", negotiate, challenge, authenticate))).toBe(
      toHex(exportedSessionKey),
    );
  });

  it("a MIC made for one CHALLENGE does not verify against a tampered one (flag downgrade)", () => {
    const { negotiate, authenticate } = handshake(base);
    const downgraded = modernChallenge(MODERN_CHALLENGE_FLAGS & ~NegotiateFlag.NTLMSSP_NEGOTIATE_128);
    expect(() => verifyAsServer("Pa55w.rd!", negotiate, downgraded, authenticate)).toThrow("MIC mismatch");
  });

  it("a wrong password fails the server's NTProofStr check", () => {
    const { negotiate, challenge, authenticate } = handshake(base);
    expect(() => verifyAsServer("wrong", negotiate, challenge, authenticate)).toThrow("NTProofStr mismatch");
  });

  it("merges MIC_PRESENT into an MsvAvFlags the server already sent", () => {
    const { challenge } = handshake(base);
    // Rebuild the challenge with MsvAvFlags 0x1 added to TargetInfo.
    const flagsPair = { id: AvId.MsvAvFlags, value: fromHex("01000000") };
    const withFlags = modernChallengeWith(flagsPair);
    expect(withFlags.length).toBeGreaterThan(challenge.length);
    const { message } = handshake(base, withFlags);
    const pairs = decodeNtlmV2Response(message.ntChallengeResponse).avPairs;
    expect(pairs.filter((pair) => pair.id === AvId.MsvAvFlags)).toHaveLength(1);
    expect(summarizeTargetInfo(pairs).flags).toBe(
      MsvAvFlag.MIC_PRESENT | MsvAvFlag.ACCOUNT_AUTHENTICATION_CONSTRAINED,
    );
  });

  it("the server-side session security interoperates with the client's", () => {
    const { client, negotiate, challenge, authenticate } = handshake(base);
    const exported = verifyAsServer("Pa55w.rd!", negotiate, challenge, authenticate);
    const server = new NtlmSessionSecurity({
      flags: decodeAuthenticate(authenticate).flags,
      exportedSessionKey: exported,
      role: "server",
    });
    const request = new TextEncoder().encode("EcDoConnectEx");
    const sealed = client.sessionSecurity?.seal(request);
    expect(sealed).toBeDefined();
    if (!sealed) return;
    expect(server.unseal(sealed.sealed, sealed.signature)).toEqual(request);
    const reply = server.seal(new TextEncoder().encode("ok"));
    expect(new TextDecoder().decode(client.sessionSecurity?.unseal(reply.sealed, reply.signature))).toBe(
      "ok",
    );
  });

  it("without determinism options, client challenge and session key are random", () => {
    const plain = { username: "alice", password: "x", domain: "CONTOSO" };
    const a = handshake(plain).message;
    const b = handshake(plain).message;
    expect(toHex(a.encryptedRandomSessionKey)).not.toBe(toHex(b.encryptedRandomSessionKey));
    expect(toHex(decodeNtlmV2Response(a.ntChallengeResponse).clientChallenge)).not.toBe(
      toHex(decodeNtlmV2Response(b.ntChallengeResponse).clientChallenge),
    );
  });
});

function modernChallengeWith(extra: { id: number; value: Uint8Array }): Uint8Array {
  const bytes = modernChallenge();
  // Splice the pair in front of MsvAvEOL: TargetInfo is the last payload field.
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const infoLength = view.getUint16(40, true);
  const out = new Uint8Array(bytes.length + 4 + extra.value.length);
  out.set(bytes.subarray(0, bytes.length - 4), 0);
  const at = bytes.length - 4;
  const outView = new DataView(out.buffer);
  outView.setUint16(at, extra.id, true);
  outView.setUint16(at + 2, extra.value.length, true);
  out.set(extra.value, at + 4);
  outView.setUint16(40, infoLength + 4 + extra.value.length, true);
  outView.setUint16(42, infoLength + 4 + extra.value.length, true);
  return out;
}

describe("channel binding and target name (MS-NLMP 2.2.2.1, RFC 5929)", () => {
  it("adds MsvAvChannelBindings = MD5(gss_channel_bindings_struct) and MsvAvTargetName", () => {
    const { message } = handshake({
      ...base,
      serverCertificate: certDer,
      targetName: "HTTP/mail.contoso.com",
    });
    const pairs = decodeNtlmV2Response(message.ntChallengeResponse).avPairs;
    const summary = summarizeTargetInfo(pairs);
    expect(summary.channelBindings && toHex(summary.channelBindings)).toBe(certificate?.bindingsHash);
    expect(summary.targetName).toBe("HTTP/mail.contoso.com");
    expect(summary.flags).toBe(MsvAvFlag.MIC_PRESENT);
    expect(findAvPair(pairs, AvId.MsvAvEOL)).toBeUndefined();
  });

  it("binds even when the server sends no timestamp (no MIC then)", () => {
    const v = { ...base, serverCertificate: certDer, timestamp: 1n };
    const challenge = modernChallenge(MODERN_CHALLENGE_FLAGS);
    const withoutTimestamp = stripTimestamp(challenge);
    const { message } = handshake(v, withoutTimestamp);
    expect(message.mic).toBeUndefined();
    const pairs = decodeNtlmV2Response(message.ntChallengeResponse).avPairs;
    expect(findAvPair(pairs, AvId.MsvAvFlags)).toBeUndefined();
    expect(findAvPair(pairs, AvId.MsvAvChannelBindings)).toBeDefined();
    expect(decodeNtlmV2Response(message.ntChallengeResponse).timestamp).toBe(1n);
    expect(toHex(message.lmChallengeResponse)).not.toBe("00".repeat(24));
  });

  it("an unusable certificate is an error before anything is sent", () => {
    const ed = new Uint8Array(Buffer.from(certificates.ed25519?.der ?? "", "base64"));
    const client = new NtlmClient({ ...base, serverCertificate: ed });
    client.createNegotiate();
    expect(() => client.createAuthenticate(modernChallenge())).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
  });
});

function stripTimestamp(challenge: Uint8Array): Uint8Array {
  // The timestamp pair (4 + 8 bytes) sits just before MsvAvEOL at the end.
  const out = new Uint8Array(challenge.length - 12);
  out.set(challenge.subarray(0, challenge.length - 16), 0);
  out.set(challenge.subarray(challenge.length - 4), challenge.length - 16);
  const view = new DataView(out.buffer);
  const infoLength = view.getUint16(40, true) - 12;
  view.setUint16(40, infoLength, true);
  view.setUint16(42, infoLength, true);
  return out;
}

describe("NtlmClient usage errors", () => {
  it("createAuthenticate needs createNegotiate first, and runs once", () => {
    const client = new NtlmClient(base);
    expect(() => client.createAuthenticate(modernChallenge())).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
    client.createNegotiate();
    expect(() => client.createNegotiate()).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
    expect(() => client.createAuthenticate(fromHex("00"))).toThrowError(
      expect.objectContaining({ code: ErrorCode.PARSE }),
    );
    client.createAuthenticate(modernChallenge());
    expect(() => client.createAuthenticate(modernChallenge())).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
  });

  it("rejects bad determinism options and empty usernames", () => {
    expect(() => new NtlmClient({ ...base, clientChallenge: new Uint8Array(7) })).toThrow();
    expect(() => new NtlmClient({ ...base, exportedSessionKey: new Uint8Array(15) })).toThrow();
    expect(() => new NtlmClient({ ...base, username: "" })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
  });

  it("refuses a challenge without extended session security or Unicode", () => {
    for (const drop of [
      NegotiateFlag.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY,
      NegotiateFlag.NTLMSSP_NEGOTIATE_UNICODE,
      NegotiateFlag.NTLMSSP_NEGOTIATE_TARGET_INFO,
    ]) {
      const client = new NtlmClient(base);
      client.createNegotiate();
      expect(() => client.createAuthenticate(modernChallenge(MODERN_CHALLENGE_FLAGS & ~drop))).toThrowError(
        expect.objectContaining({ name: "AuthError", code: ErrorCode.AUTH_UNSUPPORTED }),
      );
    }
  });
});
