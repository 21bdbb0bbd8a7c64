import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/bytes/encoding.js";
import { hmacMd5 } from "../../src/crypto/md5.js";
import { Rc4 } from "../../src/crypto/rc4.js";
import {
  AvId,
  computeNtlmV2Response,
  decodeAuthenticate,
  decodeChallenge,
  decodeNtlmV2Response,
  deriveSealingKey,
  deriveSigningKey,
  describeFlags,
  encodeAuthenticate,
  encodeAvPairs,
  encodeChallenge,
  encryptRandomSessionKey,
  lmowfv2,
  NtlmClient,
  NtlmSessionSecurity,
  negotiatedFlags,
  ntowfv2,
  summarizeTargetInfo,
} from "../../src/ntlm/index.js";
import { common, ntlmv2Vector } from "./vectors.js";

// [MS-NLMP] 4.2.4 NTLMv2 Authentication, reproduced byte for byte from the spec's values.
const c = common();
const v = ntlmv2Vector();
const hex = (value: string) => fromHex(value);
// VERSION 0501280a0000000f from the example's AUTHENTICATE_MESSAGE: 5.1 build 2600, revision 15.
const exampleVersion = {
  productMajorVersion: 5,
  productMinorVersion: 1,
  productBuild: 2600,
  ntlmRevision: 15,
};

describe("MS-NLMP 4.2.4.1 calculations", () => {
  it("NTOWFv2 and LMOWFv2", () => {
    expect(toHex(ntowfv2(c.password, c.user, c.user_domain))).toBe(v.ntowfv2);
    expect(toHex(lmowfv2(c.password, c.user, c.user_domain))).toBe(v.lmowfv2);
  });

  it("temp, NTProofStr, LMv2, session base key (4.2.4.1.2 - 4.2.4.2.2)", () => {
    const challenge = decodeChallenge(hex(v.challenge_message));
    const response = computeNtlmV2Response({
      responseKeyNT: hex(v.ntowfv2),
      responseKeyLM: hex(v.lmowfv2),
      serverChallenge: challenge.serverChallenge,
      clientChallenge: hex(c.client_challenge),
      timestamp: BigInt(`0x${c.time}`),
      avPairs: encodeAvPairs(challenge.targetInfo),
    });
    expect(toHex(response.temp)).toBe(v.temp);
    expect(toHex(response.ntProofStr)).toBe(v.nt_proof_str);
    expect(toHex(response.ntChallengeResponse)).toBe(v.nt_proof_str + v.temp);
    expect(toHex(response.lmChallengeResponse)).toBe(v.lmv2_response);
    expect(toHex(response.sessionBaseKey)).toBe(v.session_base_key);
    // 3.4.5.1: for NTLMv2 the KeyExchangeKey is the SessionBaseKey.
    expect(v.key_exchange_key).toBe(v.session_base_key);
  });

  it("encrypted session key (4.2.4.2.3)", () => {
    const encrypted = encryptRandomSessionKey(hex(v.key_exchange_key), hex(c.random_session_key));
    expect(toHex(encrypted)).toBe(v.encrypted_session_key);
  });
});

describe("MS-NLMP 4.2.4.3 messages", () => {
  it("decodes the CHALLENGE_MESSAGE", () => {
    const challenge = decodeChallenge(hex(v.challenge_message));
    expect(challenge.flags).toBe(Number(v.challenge_flags_u32));
    expect(describeFlags(challenge.flags).sort()).toEqual([...v.challenge_flags_names].sort());
    expect(toHex(challenge.serverChallenge)).toBe(c.server_challenge);
    expect(challenge.targetName).toBe(c.server_name);
    expect(challenge.version).toEqual({
      productMajorVersion: 6,
      productMinorVersion: 0,
      productBuild: 6000,
      ntlmRevision: 15,
    });
    expect(challenge.targetInfo.map((pair) => [pair.id, toHex(pair.value)])).toEqual([
      [AvId.MsvAvNbDomainName, v.av_pair_2_netbios_domain_name],
      [AvId.MsvAvNbComputerName, v.av_pair_1_netbios_server_name],
    ]);
    expect(summarizeTargetInfo(challenge.targetInfo)).toEqual({
      nbDomainName: "Domain",
      nbComputerName: "Server",
    });
  });

  it("re-encodes the CHALLENGE_MESSAGE byte for byte", () => {
    const challenge = decodeChallenge(hex(v.challenge_message));
    const encoded = encodeChallenge({
      flags: challenge.flags,
      serverChallenge: challenge.serverChallenge,
      targetName: challenge.targetName,
      targetInfo: challenge.targetInfo,
      ...(challenge.version ? { version: challenge.version } : {}),
    });
    expect(toHex(encoded)).toBe(v.challenge_message);
  });

  it("builds the (pre-MIC) AUTHENTICATE_MESSAGE byte for byte from the example's fields and flags", () => {
    const encoded = encodeAuthenticate({
      flags: Number(v.authenticate_message_fields.negotiate_flags_u32),
      lmChallengeResponse: hex(v.lmv2_response),
      ntChallengeResponse: hex(v.nt_proof_str + v.temp),
      domain: c.user_domain,
      userName: c.user,
      workstation: c.workstation_name,
      encryptedRandomSessionKey: hex(v.encrypted_session_key),
      version: exampleVersion,
    });
    expect(toHex(encoded)).toBe(v.authenticate_message);
  });

  it("decodes the AUTHENTICATE_MESSAGE (no MIC in this example)", () => {
    const message = decodeAuthenticate(hex(v.authenticate_message));
    const fields = v.authenticate_message_fields;
    expect(message.flags).toBe(Number(fields.negotiate_flags_u32));
    expect(message.mic).toBeUndefined();
    expect(fields.mic_present).toBe(false);
    expect(message.version).toEqual(exampleVersion);
    expect(message.domain).toBe(c.user_domain);
    expect(message.userName).toBe(c.user);
    expect(message.workstation).toBe(c.workstation_name);
    expect(toHex(message.lmChallengeResponse)).toBe(v.lmv2_response);
    expect(toHex(message.encryptedRandomSessionKey)).toBe(v.encrypted_session_key);
    const parts = decodeNtlmV2Response(message.ntChallengeResponse);
    expect(toHex(parts.ntProofStr)).toBe(v.nt_proof_str);
    expect(parts.timestamp).toBe(0n);
    expect(toHex(parts.clientChallenge)).toBe(c.client_challenge);
  });

  it("NtlmClient reproduces the example byte for byte given its inputs (no timestamp, so no MIC)", () => {
    const client = new NtlmClient({
      username: c.user,
      password: c.password,
      domain: c.user_domain,
      workstation: c.workstation_name,
      clientChallenge: hex(c.client_challenge),
      timestamp: 0n,
      exportedSessionKey: hex(c.random_session_key),
      version: exampleVersion,
    });
    client.createNegotiate();
    const authenticate = client.createAuthenticate(hex(v.challenge_message));
    expect(negotiatedFlags(Number(v.challenge_flags_u32))).toBe(
      Number(v.authenticate_message_fields.negotiate_flags_u32),
    );
    expect(toHex(authenticate)).toBe(v.authenticate_message);
  });
});

describe("MS-NLMP 4.2.4.4 GSS_WrapEx", () => {
  const w = v.gss_wrapex_4_2_4_4;
  const flags = Number(v.authenticate_message_fields.negotiate_flags_u32);
  const exportedSessionKey = hex(c.random_session_key);

  it("derives the client sealing and signing keys", () => {
    expect(toHex(deriveSealingKey(flags, exportedSessionKey, "client"))).toBe(w.client_seal_key);
    expect(toHex(deriveSigningKey(flags, exportedSessionKey, "client") as Uint8Array)).toBe(
      w.client_sign_key,
    );
  });

  it("checksum steps: HMAC_MD5(SigningKey, SeqNum || Message)[0..7], then RC4 after the message", () => {
    const checksum = hmacMd5(hex(w.client_sign_key), hex(w.seqnum), hex(w.plaintext)).subarray(0, 8);
    expect(toHex(checksum)).toBe(w.checksum_hmac_md5_first8);
    const handle = new Rc4(hex(w.client_seal_key));
    expect(toHex(handle.update(hex(w.plaintext)))).toBe(w.sealed_data);
    expect(toHex(handle.update(checksum))).toBe(w.checksum_rc4);
  });

  it("seal() gives the sealed data and signature", () => {
    const security = new NtlmSessionSecurity({ flags, exportedSessionKey, role: "client" });
    const { sealed, signature } = security.seal(hex(w.plaintext));
    expect(toHex(sealed)).toBe(w.sealed_data);
    expect(toHex(signature)).toBe(w.signature);
  });

  it("the session security from NtlmClient.createAuthenticate gives the same values", () => {
    const client = new NtlmClient({
      username: c.user,
      password: c.password,
      domain: c.user_domain,
      clientChallenge: hex(c.client_challenge),
      timestamp: 0n,
      exportedSessionKey,
    });
    expect(client.sessionSecurity).toBeUndefined();
    client.createNegotiate();
    client.createAuthenticate(hex(v.challenge_message));
    const sealed = client.sessionSecurity?.seal(hex(w.plaintext));
    expect(sealed && toHex(sealed.sealed)).toBe(w.sealed_data);
    expect(sealed && toHex(sealed.signature)).toBe(w.signature);
  });

  it("a server-side handle unseals what the client sealed", () => {
    const server = new NtlmSessionSecurity({ flags, exportedSessionKey, role: "server" });
    expect(toHex(server.unseal(hex(w.sealed_data), hex(w.signature)))).toBe(w.plaintext);
  });
});
