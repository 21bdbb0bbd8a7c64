import { timingSafeEqual } from "node:crypto";
import { decodeAvPairs, findAvPair } from "./av-pairs.js";
import {
  AUTHENTICATE_MIC_OFFSET,
  AvId,
  CLIENT_CHALLENGE_FIXED_LENGTH,
  MIC_LENGTH,
  MSV_AV_FLAGS_MIC_PRESENT,
  NegotiateFlags,
  NTLMV1_RESPONSE_LENGTH,
} from "./constants.js";
import { hmacMd5, ntowfV2, rc4 } from "./crypto.js";
import { decodeAuthenticate } from "./messages.js";

// The server half of NTLMv2 (MS-NLMP 3.2.5.1.2 and 3.3.2), written from the spec so that the
// simulator checks the client independently of the client's own code.

export interface NtlmAccount {
  /** Returns the password when `user`/`domain` (as the client sent them) name a known account. */
  lookup(user: string, domain: string): string | undefined;
}

export interface VerifyInput {
  negotiate?: Uint8Array;
  challenge: Uint8Array;
  serverChallenge: Uint8Array;
  authenticate: Uint8Array;
  account: NtlmAccount;
  /** Expected MsvAvChannelBindings value; undefined when the transport has none. */
  channelBinding?: Uint8Array;
  channelBindingPolicy: "off" | "when-supported" | "required";
  /** The CHALLENGE carried MsvAvTimestamp, so the client SHOULD have sent a MIC (MS-NLMP 3.1.5.1.2). */
  requireMic: boolean;
  /** When set, the client's NTLMv2 timestamp must lie within this many ms of `now` (3.2.5.1.2, MaxLifetime). */
  maxClockSkewMs?: number;
  now?: number;
}

export type VerifyFailure =
  | "malformed"
  | "anonymous"
  | "ntlmv1"
  | "unknown-user"
  | "bad-response"
  | "mic-missing"
  | "bad-mic"
  | "channel-binding-missing"
  | "bad-channel-binding"
  | "clock-skew";

export type VerifyResult =
  | {
      ok: true;
      user: string;
      domain: string;
      workstation: string;
      exportedSessionKey: Uint8Array;
      flags: number;
    }
  | { ok: false; reason: VerifyFailure; detail?: string };

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);
const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

/** MS-NLMP 2.2.2.9 FILETIME: 100 ns ticks since 1601-01-01. */
function filetimeToMs(bytes: Uint8Array): number {
  const ticks = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readBigUInt64LE(0);
  return Number(ticks / 10_000n) - 11_644_473_600_000;
}

export function verifyAuthenticate(input: VerifyInput): VerifyResult {
  let message: ReturnType<typeof decodeAuthenticate>;
  try {
    message = decodeAuthenticate(input.authenticate);
  } catch (error) {
    return { ok: false, reason: "malformed", detail: (error as Error).message };
  }
  const nt = message.ntChallengeResponse;
  if (message.userName === "" && nt.length === 0) return { ok: false, reason: "anonymous" };
  // NTLMv1 and LM-only responses are refused outright, as Exchange with LmCompatibilityLevel 5 does.
  if (nt.length <= NTLMV1_RESPONSE_LENGTH) return { ok: false, reason: "ntlmv1" };
  if (nt.length < 16 + CLIENT_CHALLENGE_FIXED_LENGTH)
    return { ok: false, reason: "malformed", detail: "NTLMv2 response too short" };

  const password = input.account.lookup(message.userName, message.domainName);
  if (password === undefined) return { ok: false, reason: "unknown-user" };

  // MS-NLMP 2.2.2.8 NTLMv2_RESPONSE: NTProofStr (16) then the NTLMv2_CLIENT_CHALLENGE ("temp" in 3.3.2).
  const ntProofStr = nt.subarray(0, 16);
  const temp = nt.subarray(16);
  // 3.2.5.1.2: "NTLM servers SHOULD support NTLM clients which incorrectly use NIL for the UserDom".
  const candidates = [message.domainName, ...(message.domainName === "" ? [] : [""])];
  let responseKeyNt: Uint8Array | undefined;
  for (const domain of candidates) {
    const key = ntowfV2(password, message.userName, domain);
    if (equal(hmacMd5(key, input.serverChallenge, temp), ntProofStr)) {
      responseKeyNt = key;
      break;
    }
  }
  if (!responseKeyNt) return { ok: false, reason: "bad-response" };

  let avPairs: ReturnType<typeof decodeAvPairs>;
  try {
    avPairs = decodeAvPairs(temp.subarray(CLIENT_CHALLENGE_FIXED_LENGTH));
  } catch (error) {
    return { ok: false, reason: "malformed", detail: (error as Error).message };
  }

  // 3.3.2: SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr); for NTLMv2 KeyExchangeKey = SessionBaseKey (3.4.5.1).
  const keyExchangeKey = hmacMd5(responseKeyNt, ntProofStr);
  const exportedSessionKey =
    message.flags & NegotiateFlags.NTLMSSP_NEGOTIATE_KEY_EXCH &&
    message.encryptedRandomSessionKey.length === 16
      ? rc4(keyExchangeKey, message.encryptedRandomSessionKey)
      : keyExchangeKey;

  // 3.2.5.1.2: a MIC is present when MsvAvFlags has bit 0x2; it covers all three messages with the MIC zeroed.
  const avFlags = findAvPair(avPairs, AvId.MsvAvFlags);
  const micPresent =
    avFlags !== undefined &&
    avFlags.length >= 4 &&
    (Buffer.from(avFlags).readUInt32LE(0) & MSV_AV_FLAGS_MIC_PRESENT) !== 0;
  if (micPresent) {
    if (input.authenticate.length < AUTHENTICATE_MIC_OFFSET + MIC_LENGTH || !input.negotiate) {
      return {
        ok: false,
        reason: "bad-mic",
        detail: input.negotiate ? "message too short for a MIC" : "no NEGOTIATE seen",
      };
    }
    const mic = input.authenticate.slice(AUTHENTICATE_MIC_OFFSET, AUTHENTICATE_MIC_OFFSET + MIC_LENGTH);
    const zeroed = Uint8Array.from(input.authenticate);
    zeroed.fill(0, AUTHENTICATE_MIC_OFFSET, AUTHENTICATE_MIC_OFFSET + MIC_LENGTH);
    if (!equal(hmacMd5(exportedSessionKey, input.negotiate, input.challenge, zeroed), mic))
      return { ok: false, reason: "bad-mic" };
  } else if (input.requireMic) return { ok: false, reason: "mic-missing" };

  // Extended Protection (MS-NLMP 3.2.5.1.2, MsvAvChannelBindings): all-zero means "client has none".
  if (input.channelBindingPolicy !== "off") {
    const sent = findAvPair(avPairs, AvId.MsvAvChannelBindings);
    const absent = sent === undefined || isZero(sent);
    if (absent && input.channelBindingPolicy === "required")
      return { ok: false, reason: "channel-binding-missing" };
    if (!absent && (input.channelBinding === undefined || !equal(sent, input.channelBinding))) {
      return { ok: false, reason: "bad-channel-binding" };
    }
  }

  if (input.maxClockSkewMs !== undefined) {
    const clientTime = filetimeToMs(temp.subarray(8, 16)); // 2.2.2.7 TimeStamp
    if (Math.abs(clientTime - (input.now ?? Date.now())) > input.maxClockSkewMs)
      return { ok: false, reason: "clock-skew" };
  }

  return {
    ok: true,
    user: message.userName,
    domain: message.domainName,
    workstation: message.workstation,
    exportedSessionKey,
    flags: message.flags,
  };
}
