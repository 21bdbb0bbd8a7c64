/**
 * NEGOTIATE flags, MS-NLMP 2.2.2.5, under the spec's mnemonics. Bit letters in the spec run
 * from W (most significant) to A (least); the values here are the little-endian u32 masks.
 */
export const NegotiateFlag = {
  /** A: strings are UTF-16LE. */
  NTLMSSP_NEGOTIATE_UNICODE: 0x0000_0001,
  /** B: strings are in the OEM code page. */
  NTLM_NEGOTIATE_OEM: 0x0000_0002,
  /** C: the CHALLENGE must carry TargetName. */
  NTLMSSP_REQUEST_TARGET: 0x0000_0004,
  /** D: message integrity (signing). */
  NTLMSSP_NEGOTIATE_SIGN: 0x0000_0010,
  /** E: message confidentiality (sealing). */
  NTLMSSP_NEGOTIATE_SEAL: 0x0000_0020,
  /** F: connectionless mode. */
  NTLMSSP_NEGOTIATE_DATAGRAM: 0x0000_0040,
  /** G: LAN Manager session key (v1 only; never requested here). */
  NTLMSSP_NEGOTIATE_LM_KEY: 0x0000_0080,
  /** H: NTLM v1 session security; MUST be set by both sides. */
  NTLMSSP_NEGOTIATE_NTLM: 0x0000_0200,
  /** J: anonymous connection. */
  NTLMSSP_NEGOTIATE_ANONYMOUS: 0x0000_0800,
  /** K: NEGOTIATE carries DomainName. */
  NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED: 0x0000_1000,
  /** L: NEGOTIATE carries Workstation. */
  NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED: 0x0000_2000,
  /** M: a session key is generated even without SIGN/SEAL (needed for the MIC). */
  NTLMSSP_NEGOTIATE_ALWAYS_SIGN: 0x0000_8000,
  /** N: TargetName is a domain name. */
  NTLMSSP_TARGET_TYPE_DOMAIN: 0x0001_0000,
  /** O: TargetName is a server name. */
  NTLMSSP_TARGET_TYPE_SERVER: 0x0002_0000,
  /** P: extended session security (HMAC-MD5 signatures, per-direction keys). */
  NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY: 0x0008_0000,
  /** Q: identify-level token. */
  NTLMSSP_NEGOTIATE_IDENTIFY: 0x0010_0000,
  /** R: use the LMOWF for the session key (v1 only). */
  NTLMSSP_REQUEST_NON_NT_SESSION_KEY: 0x0040_0000,
  /** S: the CHALLENGE carries TargetInfo (AV pairs). */
  NTLMSSP_NEGOTIATE_TARGET_INFO: 0x0080_0000,
  /** T: the Version field is populated. */
  NTLMSSP_NEGOTIATE_VERSION: 0x0200_0000,
  /** U: 128-bit session keys. */
  NTLMSSP_NEGOTIATE_128: 0x2000_0000,
  /** V: explicit key exchange (EncryptedRandomSessionKey). */
  NTLMSSP_NEGOTIATE_KEY_EXCH: 0x4000_0000,
  /** W: 56-bit session keys. */
  NTLMSSP_NEGOTIATE_56: 0x8000_0000,
} as const;

export type NegotiateFlagName = keyof typeof NegotiateFlag;

export function hasFlag(flags: number, flag: number): boolean {
  return (flags & flag) >>> 0 === flag >>> 0;
}

/** The mnemonics of the known flags set in `flags`, most significant first (for logs and tests). */
export function describeFlags(flags: number): NegotiateFlagName[] {
  const names = Object.keys(NegotiateFlag) as NegotiateFlagName[];
  return names
    .filter((name) => hasFlag(flags, NegotiateFlag[name]))
    .sort((a, b) => NegotiateFlag[b] - NegotiateFlag[a]);
}
