import { randomBytes } from "node:crypto";
import { type AvPair, encodeAvPairs } from "./av-pairs.js";
import { AvId, NegotiateFlags as F } from "./constants.js";
import { utf16le } from "./crypto.js";
import { encodeChallenge } from "./messages.js";

// The server's CHALLENGE (MS-NLMP 3.2.5.1.1): flags answering the client's NEGOTIATE, a fresh
// 8-byte ServerChallenge, and TargetInfo naming the server the way an Exchange box does.

export interface ChallengeIdentity {
  netbiosDomain: string;
  netbiosComputer: string;
  dnsDomain: string;
  dnsComputer: string;
}

export interface ChallengeOptions {
  /** Fixed ServerChallenge for tests (8 bytes); random per handshake otherwise. */
  serverChallenge?: Uint8Array;
  /** Send MsvAvTimestamp (the client then SHOULD send a MIC). */
  timestamp: boolean;
  now: number;
}

/** Windows 10 / Server 2016+ product version, NTLMSSP_REVISION_W2K3 (MS-NLMP 2.2.2.10). */
const VERSION = Uint8Array.from([10, 0, 0x61, 0x4a, 0, 0, 0, 0x0f]);

/** Flags a client may ask for that this server grants by echoing them. */
const ECHOED =
  F.NTLMSSP_NEGOTIATE_UNICODE |
  F.NTLMSSP_NEGOTIATE_SIGN |
  F.NTLMSSP_NEGOTIATE_SEAL |
  F.NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
  F.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
  F.NTLMSSP_NEGOTIATE_IDENTIFY |
  F.NTLMSSP_NEGOTIATE_VERSION |
  F.NTLMSSP_NEGOTIATE_128 |
  F.NTLMSSP_NEGOTIATE_KEY_EXCH |
  F.NTLMSSP_NEGOTIATE_56;

export function challengeFlags(negotiateFlags: number): number {
  let flags = (negotiateFlags & ECHOED) | F.NTLMSSP_NEGOTIATE_NTLM | F.NTLMSSP_NEGOTIATE_TARGET_INFO;
  if (negotiateFlags & F.NTLMSSP_REQUEST_TARGET)
    flags |= F.NTLMSSP_REQUEST_TARGET | F.NTLMSSP_TARGET_TYPE_DOMAIN;
  if (!(flags & F.NTLMSSP_NEGOTIATE_UNICODE)) flags |= F.NTLM_NEGOTIATE_OEM;
  return flags >>> 0;
}

/** MS-NLMP 2.2.2.9 FILETIME, little-endian. */
export function filetime(ms: number): Uint8Array {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE((BigInt(Math.round(ms)) + 11_644_473_600_000n) * 10_000n);
  return new Uint8Array(out);
}

export function buildChallenge(
  negotiateFlags: number,
  identity: ChallengeIdentity,
  options: ChallengeOptions,
): { bytes: Uint8Array; serverChallenge: Uint8Array } {
  const flags = challengeFlags(negotiateFlags);
  const text = (value: string) =>
    flags & F.NTLMSSP_NEGOTIATE_UNICODE ? utf16le(value) : new Uint8Array(Buffer.from(value, "latin1"));
  const pairs: AvPair[] = [
    { id: AvId.MsvAvNbDomainName, value: utf16le(identity.netbiosDomain) },
    { id: AvId.MsvAvNbComputerName, value: utf16le(identity.netbiosComputer) },
    { id: AvId.MsvAvDnsDomainName, value: utf16le(identity.dnsDomain) },
    { id: AvId.MsvAvDnsComputerName, value: utf16le(identity.dnsComputer) },
    { id: AvId.MsvAvDnsTreeName, value: utf16le(identity.dnsDomain) },
  ];
  if (options.timestamp) pairs.push({ id: AvId.MsvAvTimestamp, value: filetime(options.now) });
  const serverChallenge = options.serverChallenge ?? new Uint8Array(randomBytes(8));
  const bytes = encodeChallenge({
    flags,
    serverChallenge,
    targetName: flags & F.NTLMSSP_REQUEST_TARGET ? text(identity.netbiosDomain) : new Uint8Array(0),
    targetInfo: encodeAvPairs(pairs),
    version: VERSION,
  });
  return { bytes, serverChallenge };
}
