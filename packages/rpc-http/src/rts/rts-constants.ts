// Wire constants of RPC over HTTP v2 RTS PDUs ([MS-RPCH] 2.2.3), with the spec's mnemonics.

/** PTYPE of an RTS PDU in the C706 common header ([MS-RPCH] 2.2.3.6.1). */
export const RTS_PTYPE = 20;

/** C706 12.6.3.1: PFC_FIRST_FRAG | PFC_LAST_FRAG, the only flags an RTS PDU carries. */
export const PFC_FIRST_LAST = 0x03;

/** C706 12.6: little-endian integers, ASCII characters, IEEE floats. */
export const DREP_LITTLE_ENDIAN = 0x10;

/** Size of the C706 common header plus Flags and NumberOfCommands ([MS-RPCH] 2.2.3.6.1). */
export const RTS_HEADER_SIZE = 20;

/** Size of the C706 connection-oriented common header every PDU starts with. */
export const COMMON_HEADER_SIZE = 16;

/** [MS-RPCH] 2.2.3.6.1 RTS header Flags. */
export const RtsFlag = {
  NONE: 0x0000,
  PING: 0x0001,
  OTHER_CMD: 0x0002,
  RECYCLE_CHANNEL: 0x0004,
  IN_CHANNEL: 0x0008,
  OUT_CHANNEL: 0x0010,
  EOF: 0x0020,
  ECHO: 0x0040,
} as const;

/** [MS-RPCH] 2.2.3.5 command types. */
export const RtsCommandType = {
  ReceiveWindowSize: 0,
  FlowControlAck: 1,
  ConnectionTimeout: 2,
  Cookie: 3,
  ChannelLifetime: 4,
  ClientKeepalive: 5,
  Version: 6,
  Empty: 7,
  Padding: 8,
  NegativeANCE: 9,
  ANCE: 10,
  ClientAddress: 11,
  AssociationGroupId: 12,
  Destination: 13,
  PingTrafficSentNotify: 14,
} as const;
export type RtsCommandTypeName = keyof typeof RtsCommandType;

/** [MS-RPCH] 2.2.3.3 forward destinations of the Destination command. */
export const ForwardDestination = {
  FDClient: 0,
  FDInProxy: 1,
  FDServer: 2,
  FDOutProxy: 3,
} as const;

/** [MS-RPCH] 2.2.3.2 ClientAddress AddressType. */
export const ClientAddressType = {
  IPv4: 0,
  IPv6: 1,
} as const;

/** [MS-RPCH] 2.2.3.5.7: the Version command SHOULD carry 1. */
export const RPCH_PROTOCOL_VERSION = 1;

/** Bytes of an RTS cookie ([MS-RPCH] 2.2.3.1: a 16-byte UUID). */
export const COOKIE_SIZE = 16;
