import {
  AuthError,
  ConnectionError,
  ErrorCode,
  isMailwireError,
  LimitExceededError,
  type MailwireError,
  type MailwireErrorOptions,
  ProtocolError,
  redactSecrets,
  ServerBusyError,
  TimeoutError,
  TlsError,
} from "@mailwire/core";
import { parseResponseText } from "./codec/response-code.js";

/**
 * A tagged NO or BAD the client has no more specific error for (no such mailbox, over quota,
 * permission denied...). The status, RFC 5530 response code and server text are data.
 */
export class ImapCommandError extends ProtocolError {
  static override readonly kind: string = "ImapCommandError";
  /** `NO` or `BAD` (RFC 9051 §7.1.2, §7.1.3). */
  readonly status: string;
  /** RFC 5530 response code, e.g. `NONEXISTENT`, `OVERQUOTA`, when the server sent one. */
  readonly responseCode: string | undefined;
  readonly serverMessage: string;

  constructor(
    message: string,
    options: MailwireErrorOptions & {
      status: string;
      responseCode: string | undefined;
      serverMessage: string;
    },
  ) {
    super(message, {
      ...options,
      details: {
        ...options.details,
        status: options.status,
        responseCode: options.responseCode,
        serverMessage: options.serverMessage,
      },
    });
    this.status = options.status;
    this.responseCode = options.responseCode;
    this.serverMessage = options.serverMessage;
  }
}

/** RFC 5530 codes that mean "the credentials were not accepted". */
const AUTH_CODES = new Set(["AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED", "PRIVACYREQUIRED"]);
/** RFC 5530 §3: UNAVAILABLE is temporary; INUSE and LIMIT likewise ask the client to come back. */
const BUSY_CODES = new Set(["UNAVAILABLE", "INUSE", "LIMIT"]);
/** Node's certificate verification failures (OpenSSL X509_V_ERR_* names, plus Node's own). */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|UNABLE_TO_|CERT_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/;
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
  "ProxyError",
]);

export interface MapErrorContext {
  /** What we were doing, e.g. `connect`, `FETCH`, `APPEND`; goes into the message and details. */
  readonly operation: string;
  /** The session's password/tokens, removed from any server text that echoes them. */
  readonly secrets?: Iterable<string | undefined> | undefined;
}

interface ImapflowErrorShape {
  message?: unknown;
  code?: unknown;
  authenticationFailed?: unknown;
  tlsFailed?: unknown;
  serverResponseCode?: unknown;
  response?: unknown;
  responseStatus?: unknown;
  responseText?: unknown;
  throttleReset?: unknown;
  reason?: unknown;
  details?: unknown;
}

/**
 * Turns whatever imapflow (or Node underneath it) threw into one of core's MailwireError
 * classes, keeping the IMAP response code as data. The original error is kept as `cause` only
 * after its message is redacted; imapflow's own error objects can carry the parsed response.
 */
export function mapImapError(error: unknown, context: MapErrorContext): MailwireError {
  if (isMailwireError(error)) return error;
  const raw = (
    typeof error === "object" && error !== null ? error : { message: String(error) }
  ) as ImapflowErrorShape;
  const secrets = [...(context.secrets ?? [])];
  const clean = (text: string): string => redactSecrets(text, secrets);
  const code = typeof raw.code === "string" ? raw.code : undefined;
  const message = clean(typeof raw.message === "string" ? raw.message : "IMAP error");
  const responseString =
    typeof raw.response === "string"
      ? raw.response
      : typeof raw.responseText === "string"
        ? raw.responseText
        : undefined;
  const parsed = responseString === undefined ? undefined : parseResponseText(clean(responseString));
  const responseCode =
    (typeof raw.serverResponseCode === "string" ? raw.serverResponseCode.toUpperCase() : undefined) ??
    codeFromParsedResponse(raw.response) ??
    parsed?.responseCode;
  const serverMessage = parsed?.text ?? (typeof raw.reason === "string" ? clean(raw.reason) : undefined);
  const details = {
    operation: context.operation,
    ...(code !== undefined && { imapflowCode: code }),
    ...(responseCode !== undefined && { responseCode }),
    ...(serverMessage !== undefined && serverMessage !== "" && { serverMessage }),
    ...(typeof raw.responseStatus === "string" && { status: raw.responseStatus }),
  };
  const cause = sanitizedCause(error, message);
  const suffix = serverMessage ? `: ${serverMessage}` : "";

  if (raw.authenticationFailed === true || (responseCode !== undefined && AUTH_CODES.has(responseCode))) {
    return new AuthError(`IMAP login refused${suffix}`, { cause, details });
  }
  if (code === "STARTTLS_INJECTION") {
    return new TlsError(message, { code: ErrorCode.STARTTLS_INJECTION, cause, details });
  }
  if (
    raw.tlsFailed === true &&
    /does not support STARTTLS|STARTTLS is not possible after a PREAUTH/i.test(message)
  ) {
    return new TlsError("The server does not offer STARTTLS, and TLS is required", {
      code: ErrorCode.STARTTLS_UNAVAILABLE,
      cause,
      details,
    });
  }
  if (raw.tlsFailed === true || (code !== undefined && TLS_CODE.test(code))) {
    return new TlsError(`TLS failed during ${context.operation}: ${message}`, { cause, details });
  }
  if (
    code === "CONNECT_TIMEOUT" ||
    code === "GREETING_TIMEOUT" ||
    code === "UPGRADE_TIMEOUT" ||
    code === "ETIMEOUT"
  ) {
    const phase =
      code === "CONNECT_TIMEOUT"
        ? "connect"
        : code === "GREETING_TIMEOUT"
          ? "greeting"
          : code === "UPGRADE_TIMEOUT"
            ? "tls"
            : "idle";
    return new TimeoutError(`IMAP ${phase} timed out`, { phase, cause, details });
  }
  if (code === "ETHROTTLE" || (responseCode !== undefined && BUSY_CODES.has(responseCode))) {
    const retryAfterMs = typeof raw.throttleReset === "number" ? raw.throttleReset : undefined;
    return new ServerBusyError(`IMAP server busy during ${context.operation}${suffix}`, {
      retryAfterMs,
      cause,
      details,
    });
  }
  if (
    code === "LineTooLarge" ||
    code === "LiteralTooLarge" ||
    code === "ResponseTooLarge" ||
    code === "MAX_IMAP_NESTING_REACHED"
  ) {
    return new LimitExceededError(`IMAP response over a limit: ${message}`, { limit: code, cause, details });
  }
  if (code === "NoConnection" || code === "EConnectionClosed" || code === "StateLogout") {
    return new ConnectionError(`IMAP connection closed during ${context.operation}${suffix}`, {
      code: ErrorCode.CONNECTION_CLOSED,
      cause,
      details,
    });
  }
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return new ConnectionError(`IMAP connection failed during ${context.operation}: ${message}`, {
      cause,
      details,
    });
  }
  if (raw.responseStatus === "NO" || raw.responseStatus === "BAD") {
    return new ImapCommandError(`${context.operation} failed (${raw.responseStatus})${suffix}`, {
      status: raw.responseStatus,
      responseCode,
      serverMessage: serverMessage ?? "",
      cause,
      details,
    });
  }
  return new ProtocolError(`IMAP ${context.operation} failed: ${message}`, { cause, details });
}

/** imapflow keeps the parsed tagged response: attributes[0].section[0] is the code atom. */
function codeFromParsedResponse(response: unknown): string | undefined {
  if (typeof response !== "object" || response === null) return undefined;
  const attributes = (response as { attributes?: unknown }).attributes;
  if (!Array.isArray(attributes)) return undefined;
  const section = (attributes[0] as { section?: unknown } | undefined)?.section;
  if (!Array.isArray(section)) return undefined;
  const value = (section[0] as { value?: unknown } | undefined)?.value;
  return typeof value === "string" ? value.toUpperCase().trim() : undefined;
}

/** A plain Error with the (already redacted) message and code, never imapflow's object graph. */
function sanitizedCause(error: unknown, message: string): Error {
  const cause = new Error(message);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") Object.assign(cause, { code });
  return cause;
}
