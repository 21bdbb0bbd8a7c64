import { ByteReader } from "../bytes/byte-reader.js";
import { ByteWriter } from "../bytes/byte-writer.js";
import { utf16le } from "../bytes/encoding.js";
import { md4 } from "../crypto/md4.js";
import { hmacMd5 } from "../crypto/md5.js";
import { rc4 } from "../crypto/rc4.js";
import { InvalidArgumentError, ParseError } from "../errors/error-classes.js";
import { type AvPair, decodeAvPairs } from "./av-pair.js";
import { ntlmUppercase } from "./user-name.js";

/*
 * NTLMv2 response computation, MS-NLMP 3.3.2. Pure functions: the caller supplies every
 * nonce and time, so servers, simulators and tests can use them as well as the client.
 */

/**
 * The NT hash, MD4(UNICODE(Passwd)) (MS-NLMP 3.3.1 NTOWFv1). Exported because NTOWFv2 is
 * keyed with it and a verifier may store it instead of the password. NTLMv1 responses are
 * never computed from it here.
 */
export function ntowfv1(password: string): Uint8Array {
  return md4(utf16le(password));
}

/** NTOWFv2 = HMAC_MD5(MD4(UNICODE(Passwd)), UNICODE(Uppercase(User) || UserDom)). */
export function ntowfv2(password: string, user: string, userDomain: string): Uint8Array {
  return ntowfv2FromNtHash(ntowfv1(password), user, userDomain);
}

/** NTOWFv2 from a stored NT hash instead of the password. */
export function ntowfv2FromNtHash(ntHash: Uint8Array, user: string, userDomain: string): Uint8Array {
  return hmacMd5(ntHash, utf16le(ntlmUppercase(user) + userDomain));
}

/** LMOWFv2 is defined as NTOWFv2 (MS-NLMP 3.3.2). */
export function lmowfv2(password: string, user: string, userDomain: string): Uint8Array {
  return ntowfv2(password, user, userDomain);
}

export interface NtlmV2ClientChallengeInit {
  /** FILETIME: 100 ns ticks since 1601-01-01 UTC. */
  readonly timestamp: bigint;
  /** 8-byte client nonce. */
  readonly clientChallenge: Uint8Array;
  /** The encoded AV pair list, including MsvAvEOL. */
  readonly avPairs: Uint8Array;
}

/**
 * `temp` of MS-NLMP 3.3.2, the NTLMv2_CLIENT_CHALLENGE structure of 2.2.2.7:
 * Responserversion(1)=1, HiResponserversion(1)=1, Z(6), Time, ClientChallenge, Z(4), AvPairs, Z(4).
 */
export function encodeNtlmV2ClientChallenge(init: NtlmV2ClientChallengeInit): Uint8Array {
  checkLength(init.clientChallenge, 8, "ClientChallenge");
  return new ByteWriter(32 + init.avPairs.length)
    .u8(1)
    .u8(1)
    .zeros(6)
    .u64(BigInt.asUintN(64, init.timestamp))
    .bytes(init.clientChallenge)
    .zeros(4)
    .bytes(init.avPairs)
    .zeros(4)
    .finish()
    .slice();
}

export interface NtlmV2ResponseParts {
  readonly ntProofStr: Uint8Array;
  readonly respType: number;
  readonly hiRespType: number;
  readonly timestamp: bigint;
  readonly clientChallenge: Uint8Array;
  readonly avPairs: AvPair[];
}

/** Splits an NTLMv2_RESPONSE (2.2.2.8) for a verifier. Throws ParseError on malformed input. */
export function decodeNtlmV2Response(ntChallengeResponse: Uint8Array): NtlmV2ResponseParts {
  const reader = new ByteReader(ntChallengeResponse);
  const ntProofStr = reader.bytesCopy(16);
  const respType = reader.u8();
  const hiRespType = reader.u8();
  if (respType !== 1) throw new ParseError(`NTLMv2 RespType must be 1, got ${respType}`, { offset: 16 });
  reader.skip(6);
  const timestamp = reader.u64();
  const clientChallenge = reader.bytesCopy(8);
  reader.skip(4);
  const avPairs = decodeAvPairs(reader.bytesView(reader.remaining));
  return { ntProofStr, respType, hiRespType, timestamp, clientChallenge, avPairs };
}

export interface NtlmV2ResponseInit {
  /** NTOWFv2 of the user. */
  readonly responseKeyNT: Uint8Array;
  /** LMOWFv2 of the user; equal to responseKeyNT, kept separate to mirror the spec. */
  readonly responseKeyLM?: Uint8Array;
  readonly serverChallenge: Uint8Array;
  readonly clientChallenge: Uint8Array;
  readonly timestamp: bigint;
  /** The AV pairs to put in `temp` (the client's copy of TargetInfo), encoded with MsvAvEOL. */
  readonly avPairs: Uint8Array;
}

export interface NtlmV2Response {
  readonly temp: Uint8Array;
  readonly ntProofStr: Uint8Array;
  /** NTProofStr || temp. */
  readonly ntChallengeResponse: Uint8Array;
  /** LMv2: HMAC_MD5(ResponseKeyLM, ServerChallenge || ClientChallenge) || ClientChallenge. */
  readonly lmChallengeResponse: Uint8Array;
  /** HMAC_MD5(ResponseKeyNT, NTProofStr); for NTLMv2 it is also the KeyExchangeKey (3.4.5.1). */
  readonly sessionBaseKey: Uint8Array;
}

/** ComputeResponse() of MS-NLMP 3.3.2 for a named user (the anonymous case is not supported). */
export function computeNtlmV2Response(init: NtlmV2ResponseInit): NtlmV2Response {
  checkLength(init.responseKeyNT, 16, "ResponseKeyNT");
  checkLength(init.serverChallenge, 8, "ServerChallenge");
  const temp = encodeNtlmV2ClientChallenge(init);
  const ntProofStr = hmacMd5(init.responseKeyNT, init.serverChallenge, temp);
  const ntChallengeResponse = new Uint8Array(16 + temp.length);
  ntChallengeResponse.set(ntProofStr, 0);
  ntChallengeResponse.set(temp, 16);
  const lmChallengeResponse = computeLmV2Response(
    init.responseKeyLM ?? init.responseKeyNT,
    init.serverChallenge,
    init.clientChallenge,
  );
  const sessionBaseKey = hmacMd5(init.responseKeyNT, ntProofStr);
  return { temp, ntProofStr, ntChallengeResponse, lmChallengeResponse, sessionBaseKey };
}

/** LMv2_RESPONSE (2.2.2.4). */
export function computeLmV2Response(
  responseKeyLM: Uint8Array,
  serverChallenge: Uint8Array,
  clientChallenge: Uint8Array,
): Uint8Array {
  checkLength(clientChallenge, 8, "ClientChallenge");
  const out = new Uint8Array(24);
  out.set(hmacMd5(responseKeyLM, serverChallenge, clientChallenge), 0);
  out.set(clientChallenge, 16);
  return out;
}

/**
 * EncryptedRandomSessionKey = RC4K(KeyExchangeKey, ExportedSessionKey) (3.1.5.1.2); the
 * server applies the same function to recover the key (3.2.5.1.2).
 */
export function encryptRandomSessionKey(
  keyExchangeKey: Uint8Array,
  exportedSessionKey: Uint8Array,
): Uint8Array {
  checkLength(exportedSessionKey, 16, "session key");
  return rc4(keyExchangeKey, exportedSessionKey);
}

/** MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE-with-zero-MIC) (3.1.5.1.2). */
export function computeMic(
  exportedSessionKey: Uint8Array,
  negotiateMessage: Uint8Array,
  challengeMessage: Uint8Array,
  authenticateMessageWithZeroMic: Uint8Array,
): Uint8Array {
  return hmacMd5(exportedSessionKey, negotiateMessage, challengeMessage, authenticateMessageWithZeroMic);
}

function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) {
    throw new InvalidArgumentError(`${what} must be ${length} bytes, got ${bytes.length}`);
  }
}
