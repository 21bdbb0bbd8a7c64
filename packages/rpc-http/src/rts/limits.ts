// Bounds for RPC over HTTP v2 parsing. Every length read from the wire is checked against
// one of these before anything is allocated for it.

/**
 * Largest PDU the framer accepts on the OUT channel. frag_length is a u16 ([C706] 12.6.1),
 * so no DCE/RPC PDU can be larger; RTS PDUs are far smaller.
 */
export const MAX_PDU_SIZE = 0xffff;

/**
 * Most commands one RTS PDU may claim. The largest PDU in [MS-RPCH] 2.2.4 has 7 commands;
 * the bound keeps a hostile NumberOfCommands from driving a long loop, and frag_length
 * bounds the bytes anyway.
 */
export const MAX_RTS_COMMANDS = 64;

/** [MS-RPCH] 2.2.3.5.8: Padding ConformanceCount is at most 0xFFFF. */
export const MAX_PADDING = 0xffff;

/** [MS-RPCH] 2.2.3.5.1: ReceiveWindowSize between 8 KB and 256 KB. */
export const MIN_RECEIVE_WINDOW = 8 * 1024;
export const MAX_RECEIVE_WINDOW = 256 * 1024;

/** [MS-RPCH] 2.2.3.5.5 / 2.2.2.1: channel lifetime and IN channel Content-Length, 128 KB..2 GB. */
export const MIN_CHANNEL_LIFETIME = 128 * 1024;
export const MAX_CHANNEL_LIFETIME = 0x80000000;

/** [MS-RPCH] 2.2.3.5.3: ConnectionTimeout between 120 s and 4 h (milliseconds). */
export const MIN_CONNECTION_TIMEOUT_MS = 120_000;
export const MAX_CONNECTION_TIMEOUT_MS = 14_400_000;
