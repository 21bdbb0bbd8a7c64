import { toAbortError } from "../abort/abort.js";
import {
  AbortError,
  ClosedError,
  ConnectionError,
  InvalidArgumentError,
  ProtocolError,
  TimeoutError,
  TlsError,
} from "../errors/error-classes.js";
import { ErrorCode } from "../errors/error-codes.js";
import { isMailwireError, type MailwireError } from "../errors/mailwire-error.js";
import { WIRE_BODY_TIMEOUT, WIRE_HEADERS_TIMEOUT } from "./connection/node/wire-timeout.js";

/**
 * Errors raised while opening a connection, before any byte of the request was written.
 * The retry policy may repeat those even for requests that are not idempotent.
 */
const notSent = new WeakSet<object>();

export function markNotSent<T>(error: T): T {
  if (typeof error === "object" && error !== null) notSent.add(error);
  return error;
}

export interface ErrorContext {
  /** Method and URL without credentials or query, for the message. */
  readonly target: string;
  readonly signal?: AbortSignal | undefined;
}

/** Node's codes for certificate and handshake failures (node:tls, OpenSSL). */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|UNABLE_TO_)/;

/** The `code` of an error from undici, node:http, node:net or node:tls (undefined when it has none). */
export function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** True for an error node:tls raises for a certificate or handshake failure (incl. a peer's alert). */
export function isTlsFailure(error: unknown): boolean {
  const code = errorCode(error);
  return typeof code === "string" && TLS_CODE.test(code);
}

/** Turns anything undici, node:http or node:net throws into a MailwireError; never lets the raw error escape. */
export function toMailwireError(error: unknown, context: ErrorContext): MailwireError {
  if (isMailwireError(error)) return error;
  if (context.signal?.aborted) return toAbortError(context.signal);
  const sent = typeof error === "object" && error !== null && notSent.has(error) ? false : undefined;
  return mapError(error, context.target, sent);
}

function mapError(error: unknown, target: string, requestSent: false | undefined): MailwireError {
  const raw = errorCode(error);
  const code = typeof raw === "string" ? raw : "";
  const options = { cause: error, details: { transportCode: code || undefined, requestSent } };
  // undici's ProxyAgent reports a proxy that refused the CONNECT ("Proxy response (407) !== 200")
  // as a RequestAbortedError, though nobody aborted (a real abort was handled by the caller).
  if (code === "UND_ERR_ABORTED" && error instanceof Error && /^proxy response/i.test(error.message)) {
    return new ConnectionError(`${target}: the proxy refused the tunnel`, options);
  }
  // The only URL parsed this late is a proxy's (the request's was checked up front). node's
  // TypeError keeps the whole input, user:password included, so it is not kept as the cause.
  if (code === "ERR_INVALID_URL") {
    return new ConnectionError(`${target}: the proxy URL is not a valid URL`, { details: options.details });
  }
  // undici 7's parser error carries no code when llhttp's error has no name in its table.
  if (error instanceof Error && error.name === "HTTPParserError") {
    return new ProtocolError(`${target}: malformed response`, options);
  }
  switch (code) {
    case "UND_ERR_CONNECT_TIMEOUT":
      return new TimeoutError(`${target}: connect timed out`, { ...options, phase: "connect" });
    case "UND_ERR_HEADERS_TIMEOUT":
    case WIRE_HEADERS_TIMEOUT:
      return new TimeoutError(`${target}: no response headers in time`, { ...options, phase: "headers" });
    case "UND_ERR_BODY_TIMEOUT":
    case WIRE_BODY_TIMEOUT:
      return new TimeoutError(`${target}: response body stalled`, { ...options, phase: "body" });
    case "UND_ERR_ABORTED":
    case "UND_ERR_ABORT":
    case "ABORT_ERR":
      return new AbortError(undefined, options);
    case "UND_ERR_CLOSED":
    case "UND_ERR_DESTROYED":
      return new ClosedError(`${target}: the HTTP client is closed`, options);
    case "UND_ERR_INVALID_ARG":
    case "ERR_INVALID_CHAR":
    case "ERR_INVALID_HTTP_TOKEN":
    case "ERR_HTTP_INVALID_HEADER_VALUE":
    case "ERR_UNESCAPED_CHARACTERS":
      return new InvalidArgumentError(`${target}: invalid request`, options);
    case "UND_ERR_SOCKET":
    case "ECONNRESET":
    case "EPIPE":
      return new ConnectionError(`${target}: the server closed the connection`, {
        ...options,
        code: ErrorCode.CONNECTION_CLOSED,
      });
    case "UND_ERR_HEADERS_OVERFLOW":
    case "UND_ERR_RES_CONTENT_LENGTH_MISMATCH":
    case "UND_ERR_RES_EXCEEDED_MAX_SIZE":
    case "HPE_INVALID_CONSTANT":
      return new ProtocolError(`${target}: malformed response`, options);
    default:
      break;
  }
  // node:http's parser (llhttp) names each malformation HPE_*.
  if (code.startsWith("HPE_")) return new ProtocolError(`${target}: malformed response`, options);
  if (TLS_CODE.test(code)) return new TlsError(`${target}: TLS failed (${code})`, options);
  if (code === "ECONNREFUSED") return new ConnectionError(`${target}: connection refused`, options);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new ConnectionError(`${target}: host not found`, options);
  }
  if (error instanceof Error && /proxy/i.test(error.message)) {
    return new ConnectionError(`${target}: the proxy refused the tunnel`, options);
  }
  return new ConnectionError(`${target}: request failed (${code || "unknown"})`, options);
}
