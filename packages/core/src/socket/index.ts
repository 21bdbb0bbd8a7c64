// The socket transport for line protocols. Explicit names only; the package index re-exports them.
export { type DotDecodeResult, type DotDecoderOptions, DotTerminatedDecoder } from "./codec/dot-decoder.js";
export { LineReader, type LineReaderOptions } from "./codec/line-reader.js";
export { type ConnectOptions, connect } from "./connect.js";
export type {
  CollectReadOptions,
  LineConnectionOptions,
  RawBytesConsumer,
  RawReadOptions,
  ReadLineOptions,
  StartTlsOptions,
  StreamReadOptions,
  WriteLineOptions,
  WriteOptions,
} from "./connection-options.js";
export {
  type ResolvedSocketTimeouts,
  SocketLimits,
  SocketTimeoutDefaults,
  type SocketTimeouts,
} from "./limits.js";
export { LineConnection } from "./line-connection.js";
export type { TlsSessionInfo } from "./tls-handshake.js";
export type { SocketTlsOptions } from "./tls-options.js";
