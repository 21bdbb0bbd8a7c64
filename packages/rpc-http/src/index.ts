// Public surface of @mailwire/rpc-http. Names are listed explicitly (no `export *`) so that
// every addition is a deliberate, reviewable API change.

// DCE/RPC (C706 chapter 12, MS-RPCE), NDR 2.0, EMSMDB (MS-OXCRPC) and ncacn_ip_tcp.
export {
  createRpcSession,
  createRpcSessionOver,
  type RpcSession,
  type RpcSessionCommonOptions,
  type RpcSessionOptions,
} from "./client/create-session.js";
export { EmsmdbRpcTransport, type EmsmdbRpcTransportOptions } from "./client/emsmdb-rpc-transport.js";
export { NspiRpcClient, type NspiRpcClientOptions } from "./client/nspi-rpc-client.js";
export type { PduTransportFactory, PduTransportRequest } from "./client/pdu-transport-factory.js";
export {
  type RpcAuthOptions,
  type RpcBindOptions,
  type RpcCallOptions,
  RpcConnection,
  type RpcConnectionStats,
} from "./client/rpc-connection.js";
export {
  AuthLevel,
  AuthType,
  NDR_TRANSFER_SYNTAX,
  PacketType,
  PfcFlag,
  type SyntaxId,
} from "./dcerpc/constants.js";
export { RpcBindError, RpcFaultError } from "./dcerpc/errors.js";
export { FaultStatus, faultStatusName } from "./dcerpc/fault-status.js";
export { DceRpcLimits } from "./dcerpc/limits.js";
export { type CommonHeader, decodeCommonHeader, decodePdu } from "./dcerpc/pdu-decode.js";
export { encodePdu } from "./dcerpc/pdu-encode.js";
export type { AuthVerifier, Pdu } from "./dcerpc/pdu-types.js";
export { DEFAULT_CLIENT_VERSION, type MapiVersion } from "./emsmdb/client-version.js";
export { EmsmdbError } from "./emsmdb/emsmdb-error.js";
export {
  ASYNC_EMSMDB_INTERFACE,
  AsyncEmsmdbOpnum,
  EMSMDB_INTERFACE,
  EmsmdbOpnum,
} from "./emsmdb/interfaces.js";
// RPC over HTTP v2 client: the virtual connection (IN + OUT channel) as a PduTransport.
export { connectRpcOverHttp } from "./http/connect-rpc-over-http.js";
export {
  type RpcOverHttpOptions,
  type RpcOverHttpTimeouts,
  RpcServerPort,
} from "./http/rpc-over-http-options.js";
export {
  type RpcHttpAutodiscoverSettings,
  rpcOverHttpTarget,
} from "./http/rpc-over-http-target.js";
export {
  type RpcOverHttpTransportFactoryOptions,
  rpcOverHttpTransportFactory,
} from "./http/rpc-over-http-transport-factory.js";
export { NSPI_INTERFACE, NspiConst, NspiOpnum } from "./nspi/interfaces.js";
export { NspiError } from "./nspi/nspi-error.js";
export { type NspiProperty, type NspiRow, type NspiValue, rowMap } from "./nspi/property-rows.js";
export { FuzzyLevel, type NspiFilter, PID_TAG_ANR, Relop } from "./nspi/restriction.js";
export type { NspiStat } from "./nspi/stat.js";
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
  outR1A3,
  outR1A7,
  outR1A11,
  outR2A2,
  outR2A6,
  outR2A7,
  outR2B3,
  ping,
  RTS_PDU_SHAPES,
  type RtsPduName,
} from "./rts/rts-pdus.js";
export { type EndpointLookupOptions, lookupTcpEndpoint } from "./tcp/endpoint-mapper.js";
export { TcpPduTransport, type TcpPduTransportOptions } from "./tcp/tcp-pdu-transport.js";
export { type TcpTransportFactoryOptions, tcpTransportFactory } from "./tcp/tcp-transport-factory.js";
export type { PduTransport } from "./transport/pdu-transport.js";
