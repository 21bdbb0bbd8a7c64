// Public surface of @mailwire/rpc-http. Names are listed explicitly (no `export *`) so that
// every addition is a deliberate, reviewable API change.
export { RpcHttpError } from "./rpc-http-error.js";
// RPC over HTTP v2 ([MS-RPCH]): RTS PDU codec and the OUT-channel PDU framer.
export { MAX_PDU_SIZE } from "./rts/limits.js";
export { PduFramer } from "./rts/pdu-framer.js";
export type { RtsCommand, RtsNumberCommand } from "./rts/rts-command.js";
export { ForwardDestination, RtsCommandType, RtsFlag } from "./rts/rts-constants.js";
export { decodeRtsPdu, encodeRtsPdu, isRtsPdu, type RtsPdu } from "./rts/rts-pdu.js";
export {
  connA1,
  connA2,
  connA3,
  connB1,
  connB2,
  connB3,
  connC,
  echo,
  expectRtsPdu,
  flowControlAck,
  flowControlAckWithDestination,
  inR1A1,
  inR2A4,
  inR2A5,
  matchRtsPdu,
  outR2A2,
  ping,
  RTS_PDU_SHAPES,
  type RtsPduName,
} from "./rts/rts-pdus.js";
export type { PduTransport } from "./transport/pdu-transport.js";
