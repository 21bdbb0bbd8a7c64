import { randomBytes } from "node:crypto";
import { AuthError, ErrorCode, InvalidArgumentError } from "../errors/index.js";
import { AUTHENTICATE_MIC_OFFSET, encodeAuthenticate, MIC_LENGTH } from "./authenticate-message.js";
import { AvId, type AvPair, encodeAvPairs, findAvPair, MsvAvFlag, textAvPair, u32AvPair } from "./av-pair.js";
import { decodeChallenge } from "./challenge-message.js";
import { channelBindingsHash } from "./channel-bindings.js";
import { hasFlag, NegotiateFlag } from "./negotiate-flags.js";
import { encodeNegotiate } from "./negotiate-message.js";
import { computeMic, computeNtlmV2Response, encryptRandomSessionKey, ntowfv2 } from "./ntlmv2.js";
import { NtlmSessionSecurity } from "./session-security.js";
import { parseNtlmUserName } from "./user-name.js";
import { DEFAULT_NTLM_VERSION, type NtlmVersion } from "./version.js";

export interface NtlmCredentials {
  /** `user`, `DOMAIN\user` or a UPN `user@contoso.com` (see parseNtlmUserName). */
  username: string;
  password: string;
  domain?: string | undefined;
  /** Sent as Workstation; empty by default so the host name is not disclosed. */
  workstation?: string | undefined;
}

export interface NtlmClientOptions extends NtlmCredentials {
  /** The server's DER certificate; enables channel binding (MsvAvChannelBindings). */
  serverCertificate?: Uint8Array;
  /** SPN for MsvAvTargetName, e.g. "HTTP/mail.contoso.com". */
  targetName?: string;
  // Determinism for tests only:
  clientChallenge?: Uint8Array;
  /** FILETIME used when the server sends no MsvAvTimestamp. */
  timestamp?: bigint;
  exportedSessionKey?: Uint8Array;
  /** VERSION structure to send (debugging only, MS-NLMP 2.2.2.10). */
  version?: NtlmVersion;
}

const F = NegotiateFlag;

/**
 * What the NEGOTIATE_MESSAGE asks for (MS-NLMP 3.1.5.1.1): the mandatory UNICODE,
 * REQUEST_TARGET, NTLM and ALWAYS_SIGN; extended session security (no LM); signing and
 * sealing with 128- and 56-bit keys and key exchange, which DCE/RPC packet privacy needs;
 * VERSION. Never LM_KEY, never DATAGRAM.
 */
export const NTLM_CLIENT_NEGOTIATE_FLAGS: number =
  (F.NTLMSSP_NEGOTIATE_UNICODE |
    F.NTLMSSP_REQUEST_TARGET |
    F.NTLMSSP_NEGOTIATE_SIGN |
    F.NTLMSSP_NEGOTIATE_SEAL |
    F.NTLMSSP_NEGOTIATE_NTLM |
    F.NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
    F.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
    F.NTLMSSP_NEGOTIATE_VERSION |
    F.NTLMSSP_NEGOTIATE_128 |
    F.NTLMSSP_NEGOTIATE_KEY_EXCH |
    F.NTLMSSP_NEGOTIATE_56) >>>
  0;

/**
 * The AUTHENTICATE flags: what the server chose among what we asked for, plus TARGET_INFO
 * (server-set, echoed as Windows does), keeping our REQUEST_TARGET. A flag the server sets
 * that we never requested (LM_KEY, DATAGRAM...) is dropped.
 */
export function negotiatedFlags(challengeFlags: number): number {
  const accepted = NTLM_CLIENT_NEGOTIATE_FLAGS | F.NTLMSSP_NEGOTIATE_TARGET_INFO;
  return ((challengeFlags & accepted) | F.NTLMSSP_REQUEST_TARGET) >>> 0;
}

/** FILETIME for now: 100 ns ticks since 1601-01-01 UTC. */
function filetimeNow(): bigint {
  return BigInt(Date.now()) * 10_000n + 116_444_736_000_000_000n;
}

/**
 * One NTLMv2 client handshake (MS-NLMP 3.1.5.1): createNegotiate(), then
 * createAuthenticate(challenge). NTLMv1 and LM responses are never produced: a server that
 * does not offer what NTLMv2 needs gets AuthError MW_AUTH_UNSUPPORTED.
 *
 * Downgrades of the negotiated flags (say, 128-bit keys stripped from the CHALLENGE) are
 * caught by the MIC, which covers all three messages. MS-NLMP has the client send a MIC when
 * the server sends MsvAvTimestamp, as current Windows servers do.
 */
export class NtlmClient {
  readonly #options: NtlmClientOptions;
  readonly #userName: string;
  readonly #domain: string;
  #negotiateMessage: Uint8Array | undefined;
  #sessionSecurity: NtlmSessionSecurity | undefined;
  #done = false;

  constructor(options: NtlmClientOptions) {
    if (typeof options.password !== "string") throw new InvalidArgumentError("NTLM needs a password string");
    const identity = parseNtlmUserName(options.username, options.domain);
    this.#userName = identity.userName;
    this.#domain = identity.domain;
    if (options.clientChallenge !== undefined && options.clientChallenge.length !== 8) {
      throw new InvalidArgumentError("clientChallenge must be 8 bytes");
    }
    if (options.exportedSessionKey !== undefined && options.exportedSessionKey.length !== 16) {
      throw new InvalidArgumentError("exportedSessionKey must be 16 bytes");
    }
    this.#options = { ...options };
  }

  /** Session security after createAuthenticate (undefined before). */
  get sessionSecurity(): NtlmSessionSecurity | undefined {
    return this.#sessionSecurity;
  }

  /** The NEGOTIATE_MESSAGE (type 1). Its bytes are kept: the MIC covers them. */
  createNegotiate(): Uint8Array {
    if (this.#negotiateMessage !== undefined) {
      throw new InvalidArgumentError("createNegotiate() was already called on this NtlmClient");
    }
    this.#negotiateMessage = encodeNegotiate({
      flags: NTLM_CLIENT_NEGOTIATE_FLAGS,
      version: this.#options.version ?? DEFAULT_NTLM_VERSION,
    });
    return this.#negotiateMessage.slice();
  }

  /**
   * The AUTHENTICATE_MESSAGE (type 3) for the server's CHALLENGE_MESSAGE (type 2).
   * Throws ParseError / LimitExceededError for a malformed challenge, AuthError
   * MW_AUTH_UNSUPPORTED when NTLMv2 cannot be used.
   */
  createAuthenticate(challengeMessage: Uint8Array): Uint8Array {
    const negotiateMessage = this.#negotiateMessage;
    if (negotiateMessage === undefined) {
      throw new InvalidArgumentError("createNegotiate() must come before createAuthenticate()");
    }
    if (this.#done)
      throw new InvalidArgumentError("createAuthenticate() was already called on this NtlmClient");
    const challengeBytes = challengeMessage.slice();
    const challenge = decodeChallenge(challengeBytes);
    const flags = negotiatedFlags(challenge.flags);
    requireNtlmV2(challenge.flags, challenge.targetInfo);
    this.#done = true;

    const options = this.#options;
    const serverTimestamp = findAvPair(challenge.targetInfo, AvId.MsvAvTimestamp);
    const withMic = serverTimestamp !== undefined;
    // 3.1.5.1.2: Time is the server's MsvAvTimestamp when there is one.
    const timestamp = serverTimestamp
      ? new DataView(serverTimestamp.value.buffer, serverTimestamp.value.byteOffset, 8).getBigUint64(0, true)
      : (options.timestamp ?? filetimeNow());
    const avPairs = clientAvPairs(challenge.targetInfo, {
      mic: withMic,
      channelBindings: options.serverCertificate && channelBindingsHash(options.serverCertificate),
      targetName: options.targetName,
    });

    const responseKey = ntowfv2(options.password, this.#userName, this.#domain);
    const response = computeNtlmV2Response({
      responseKeyNT: responseKey,
      responseKeyLM: responseKey,
      serverChallenge: challenge.serverChallenge,
      clientChallenge: options.clientChallenge ?? new Uint8Array(randomBytes(8)),
      timestamp,
      avPairs: encodeAvPairs(avPairs),
    });
    // 3.1.5.1.2: with MsvAvTimestamp the client SHOULD send Z(24) instead of LMv2.
    const lmChallengeResponse = withMic ? new Uint8Array(24) : response.lmChallengeResponse;

    // 3.4.5.1: for NTLMv2 the KeyExchangeKey is the SessionBaseKey.
    const keyExchangeKey = response.sessionBaseKey;
    let exportedSessionKey: Uint8Array = keyExchangeKey;
    let encryptedRandomSessionKey: Uint8Array = new Uint8Array(0);
    if (
      hasFlag(flags, F.NTLMSSP_NEGOTIATE_KEY_EXCH) &&
      (hasFlag(flags, F.NTLMSSP_NEGOTIATE_SIGN) || hasFlag(flags, F.NTLMSSP_NEGOTIATE_SEAL))
    ) {
      exportedSessionKey = options.exportedSessionKey?.slice() ?? new Uint8Array(randomBytes(16));
      encryptedRandomSessionKey = encryptRandomSessionKey(keyExchangeKey, exportedSessionKey);
    }

    const authenticate = encodeAuthenticate({
      flags,
      lmChallengeResponse,
      ntChallengeResponse: response.ntChallengeResponse,
      domain: this.#domain,
      userName: this.#userName,
      workstation: options.workstation ?? "",
      encryptedRandomSessionKey,
      version: options.version ?? DEFAULT_NTLM_VERSION,
      ...(withMic ? { mic: new Uint8Array(MIC_LENGTH) } : {}),
    });
    if (withMic) {
      const mic = computeMic(exportedSessionKey, negotiateMessage, challengeBytes, authenticate);
      authenticate.set(mic, AUTHENTICATE_MIC_OFFSET);
    }
    this.#sessionSecurity = new NtlmSessionSecurity({ flags, exportedSessionKey, role: "client" });
    return authenticate;
  }
}

/**
 * Refuses anything that would need NTLMv1/LM or v1-era session security:
 * - no UNICODE: OEM strings need an out-of-band code page (2.2), and every NTLMv2 server speaks Unicode;
 * - no TargetInfo: the NTLMv2 response embeds the server's AV pairs (3.3.2);
 * - no extended session security: signing would fall back to NTLMv1 CRC32 (3.4.4.1);
 * - no MsvAvNbComputerName/MsvAvNbDomainName: 3.1.5.1.2 requires a logon failure when
 *   integrity or confidentiality is wanted, which this client always requests.
 */
function requireNtlmV2(challengeFlags: number, targetInfo: readonly AvPair[]): void {
  const missing: string[] = [];
  if (!hasFlag(challengeFlags, F.NTLMSSP_NEGOTIATE_UNICODE)) missing.push("NTLMSSP_NEGOTIATE_UNICODE");
  if (!hasFlag(challengeFlags, F.NTLMSSP_NEGOTIATE_TARGET_INFO) || targetInfo.length === 0) {
    missing.push("TargetInfo");
  } else {
    if (!findAvPair(targetInfo, AvId.MsvAvNbComputerName)) missing.push("MsvAvNbComputerName");
    if (!findAvPair(targetInfo, AvId.MsvAvNbDomainName)) missing.push("MsvAvNbDomainName");
  }
  if (!hasFlag(challengeFlags, F.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
    missing.push("NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY");
  }
  if (missing.length > 0) {
    throw new AuthError(
      `The server does not offer NTLMv2 (missing ${missing.join(", ")}); NTLMv1 and LM are never used`,
      { code: ErrorCode.AUTH_UNSUPPORTED, details: { missing } },
    );
  }
}

interface ClientAvPairOptions {
  readonly mic: boolean;
  readonly channelBindings: Uint8Array | undefined;
  readonly targetName: string | undefined;
}

/**
 * The client's copy of TargetInfo for `temp` (3.1.5.1.2): the server's pairs, with
 * MsvAvFlags bit 0x2 set when a MIC is sent, plus MsvAvChannelBindings and MsvAvTargetName
 * when the caller supplied them. A server-sent pair of a kind we add is replaced.
 */
export function clientAvPairs(serverPairs: readonly AvPair[], options: ClientAvPairOptions): AvPair[] {
  const replaced = new Set<number>();
  const added: AvPair[] = [];
  if (options.mic) {
    const existing = findAvPair(serverPairs, AvId.MsvAvFlags);
    const previous = existing
      ? new DataView(existing.value.buffer, existing.value.byteOffset, 4).getUint32(0, true)
      : 0;
    replaced.add(AvId.MsvAvFlags);
    added.push(u32AvPair(AvId.MsvAvFlags, previous | MsvAvFlag.MIC_PRESENT));
  }
  if (options.channelBindings !== undefined) {
    replaced.add(AvId.MsvAvChannelBindings);
    added.push({ id: AvId.MsvAvChannelBindings, value: options.channelBindings });
  }
  if (options.targetName !== undefined) {
    if (options.targetName.length > 0x7fff)
      throw new InvalidArgumentError("targetName is too long for an AV pair");
    replaced.add(AvId.MsvAvTargetName);
    added.push(textAvPair(AvId.MsvAvTargetName, options.targetName));
  }
  return [...serverPairs.filter((pair) => !replaced.has(pair.id)), ...added];
}
