// Public surface of @mailwire/core. Names are listed explicitly (no `export *`) so that
// every addition is a deliberate, reviewable API change.
export {
  type CallOptions,
  type Deadline,
  deadline,
  raceAbort,
  sleep,
  throwIfAborted,
  toAbortError,
} from "./abort/abort.js";
export { ByteReader } from "./bytes/byte-reader.js";
export { ByteWriter } from "./bytes/byte-writer.js";
export { concatBytes, equalBytes, fromHex, fromUtf16le, toHex, utf16le } from "./bytes/encoding.js";
export { ChannelName, publish } from "./diagnostics/channels.js";
export { type Logger, silentLogger } from "./diagnostics/logger.js";
export {
  isSecretHeader,
  REDACTED,
  redactCommandLine,
  redactHeaders,
  redactSecrets,
} from "./diagnostics/redact.js";
export {
  AbortError,
  AuthError,
  ClosedError,
  ConnectionError,
  ErrorCode,
  HttpStatusError,
  InvalidArgumentError,
  isMailwireError,
  LimitExceededError,
  MailwireError,
  type MailwireErrorOptions,
  ParseError,
  ProtocolError,
  RedirectRefusedError,
  ServerBusyError,
  TimeoutError,
  TlsError,
} from "./errors/index.js";
