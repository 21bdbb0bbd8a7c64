import { buildChallenge, type ChallengeIdentity } from "../ntlm/build-challenge.js";
import { MessageType } from "../ntlm/constants.js";
import { decodeNegotiate } from "../ntlm/messages.js";
import { type VerifyFailure, verifyAuthenticate } from "../ntlm/verify-authenticate.js";

// The per-connection NTLM state machine over HTTP (MS-NTHT 2: the NEGOTIATE and AUTHENTICATE
// requests travel on one connection, and the connection stays authenticated afterwards).

export interface NtlmSettings {
  /** Fixed ServerChallenge (8 bytes) for reproducible tests; random per handshake otherwise. */
  serverChallenge?: Uint8Array;
  /** Put MsvAvTimestamp in the CHALLENGE (default true), which obliges the client to send a MIC. */
  timestamp: boolean;
  /**
   * Refuse an AUTHENTICATE without a MIC (default false). MS-NLMP 3.1.5.1.2 says a client SHOULD
   * send one when the CHALLENGE has MsvAvTimestamp, and Windows servers accept clients (curl,
   * older libraries) that do not, so strictness is opt-in. A MIC that is present is always checked.
   */
  requireMic?: boolean;
  /** Extended Protection: "when-supported" checks bindings a client sends, "required" also demands them. */
  channelBinding: "off" | "when-supported" | "required";
  /** Reject NTLMv2 timestamps further than this from now (default 36 h, MS-NLMP MaxLifetime); only with `timestamp`. */
  maxClockSkewMs: number;
}

export interface PendingHandshake {
  negotiate: Uint8Array;
  challenge: Uint8Array;
  serverChallenge: Uint8Array;
  requireMic: boolean;
  checkClock: boolean;
}

export type NtlmStep =
  | { kind: "challenge"; token: Uint8Array; pending: PendingHandshake }
  | { kind: "authenticated"; user: string; domain: string }
  | { kind: "failed"; reason: VerifyFailure | "no-handshake" | "unexpected-message" };

export interface NtlmStepInput {
  token: Uint8Array;
  pending: PendingHandshake | undefined;
  settings: NtlmSettings;
  identity: ChallengeIdentity;
  lookup(user: string, domain: string): string | undefined;
  channelBinding: Uint8Array;
  now: number;
}

export function ntlmStep(input: NtlmStepInput): NtlmStep {
  const type = input.token.length >= 12 ? Buffer.from(input.token).readUInt32LE(8) : 0;
  if (type === MessageType.NtLmNegotiate) {
    let flags: number;
    try {
      flags = decodeNegotiate(input.token).flags;
    } catch {
      return { kind: "failed", reason: "malformed" };
    }
    const { bytes, serverChallenge } = buildChallenge(flags, input.identity, {
      timestamp: input.settings.timestamp,
      now: input.now,
      ...(input.settings.serverChallenge === undefined
        ? {}
        : { serverChallenge: input.settings.serverChallenge }),
    });
    return {
      kind: "challenge",
      token: bytes,
      pending: {
        negotiate: input.token,
        challenge: bytes,
        serverChallenge,
        requireMic: input.settings.requireMic ?? false,
        checkClock: input.settings.timestamp,
      },
    };
  }
  if (type !== MessageType.NtLmAuthenticate) return { kind: "failed", reason: "unexpected-message" };
  if (!input.pending) return { kind: "failed", reason: "no-handshake" };
  const result = verifyAuthenticate({
    negotiate: input.pending.negotiate,
    challenge: input.pending.challenge,
    serverChallenge: input.pending.serverChallenge,
    authenticate: input.token,
    account: { lookup: input.lookup },
    channelBinding: input.channelBinding,
    channelBindingPolicy: input.settings.channelBinding,
    requireMic: input.pending.requireMic,
    ...(input.pending.checkClock ? { maxClockSkewMs: input.settings.maxClockSkewMs } : {}),
    now: input.now,
  });
  return result.ok
    ? { kind: "authenticated", user: result.user, domain: result.domain }
    : { kind: "failed", reason: result.reason };
}
