// Wire constants from MS-NLMP, with the spec's mnemonics.

/** MS-NLMP 2.2.1: every message starts with "NTLMSSP\0". */
export const NTLMSSP_SIGNATURE = Uint8Array.from([0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00]);

/** MS-NLMP 2.2.1: MessageType. */
export const MessageType = {
  NtLmNegotiate: 1,
  NtLmChallenge: 2,
  NtLmAuthenticate: 3,
} as const;

/** MS-NLMP 2.2.2.5 NEGOTIATE flags. */
export const NegotiateFlags = {
  NTLMSSP_NEGOTIATE_UNICODE: 0x0000_0001,
  NTLM_NEGOTIATE_OEM: 0x0000_0002,
  NTLMSSP_REQUEST_TARGET: 0x0000_0004,
  NTLMSSP_NEGOTIATE_SIGN: 0x0000_0010,
  NTLMSSP_NEGOTIATE_SEAL: 0x0000_0020,
  NTLMSSP_NEGOTIATE_LM_KEY: 0x0000_0080,
  NTLMSSP_NEGOTIATE_NTLM: 0x0000_0200,
  NTLMSSP_NEGOTIATE_ALWAYS_SIGN: 0x0000_8000,
  NTLMSSP_TARGET_TYPE_DOMAIN: 0x0001_0000,
  NTLMSSP_TARGET_TYPE_SERVER: 0x0002_0000,
  NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY: 0x0008_0000,
  NTLMSSP_NEGOTIATE_IDENTIFY: 0x0010_0000,
  NTLMSSP_NEGOTIATE_TARGET_INFO: 0x0080_0000,
  NTLMSSP_NEGOTIATE_VERSION: 0x0200_0000,
  NTLMSSP_NEGOTIATE_128: 0x2000_0000,
  NTLMSSP_NEGOTIATE_KEY_EXCH: 0x4000_0000,
  NTLMSSP_NEGOTIATE_56: 0x8000_0000,
} as const;

/** MS-NLMP 2.2.2.1 AV_PAIR AvId values. */
export const AvId = {
  MsvAvEOL: 0x0000,
  MsvAvNbComputerName: 0x0001,
  MsvAvNbDomainName: 0x0002,
  MsvAvDnsComputerName: 0x0003,
  MsvAvDnsDomainName: 0x0004,
  MsvAvDnsTreeName: 0x0005,
  MsvAvFlags: 0x0006,
  MsvAvTimestamp: 0x0007,
  MsvAvSingleHost: 0x0008,
  MsvAvTargetName: 0x0009,
  MsvAvChannelBindings: 0x000a,
} as const;

/** MS-NLMP 2.2.2.1 MsvAvFlags bit: "the client is providing message integrity in the MIC field". */
export const MSV_AV_FLAGS_MIC_PRESENT = 0x0000_0002;

/** MS-NLMP 2.2.1.3: Version (8 bytes) ends at 72 and the MIC (16 bytes) follows it. */
export const AUTHENTICATE_MIC_OFFSET = 72;
export const MIC_LENGTH = 16;
/** MS-NLMP 2.2.2.7: NTLMv2_CLIENT_CHALLENGE's fixed part before AvPairs is 28 bytes. */
export const CLIENT_CHALLENGE_FIXED_LENGTH = 28;
/** An NTLMv1 (or LM) response is exactly 24 bytes (MS-NLMP 2.2.2.3/2.2.2.6). */
export const NTLMV1_RESPONSE_LENGTH = 24;
