/**
 * Every stable error code mailwire throws. Callers branch on `error.code`, never on
 * message text; docs/errors.md describes each one. Codes are never renamed once published.
 */
export const ErrorCode = {
  /** A caller passed an option or argument that can never work. */
  INVALID_ARGUMENT: "MW_INVALID_ARGUMENT",
  /** The server rejected the credentials. Never retried with the same password. */
  AUTH_FAILED: "MW_AUTH_FAILED",
  /** Client and server share no usable authentication method. */
  AUTH_UNSUPPORTED: "MW_AUTH_UNSUPPORTED",
  /** Sending this secret would expose it (plaintext auth over an unencrypted transport). */
  INSECURE_AUTH_REFUSED: "MW_INSECURE_AUTH_REFUSED",
  /** TLS handshake or certificate verification failed. */
  TLS: "MW_TLS",
  /** The server's certificate does not carry the expected principal name. */
  TLS_PRINCIPAL_MISMATCH: "MW_TLS_PRINCIPAL_MISMATCH",
  /** STARTTLS was required but the server does not offer it, or refused it. */
  STARTTLS_UNAVAILABLE: "MW_STARTTLS_UNAVAILABLE",
  /** The server sent bytes after the STARTTLS reply and before the handshake (response injection). */
  STARTTLS_INJECTION: "MW_STARTTLS_INJECTION",
  /** A connect, read, response or idle deadline passed. */
  TIMEOUT: "MW_TIMEOUT",
  /** The caller's AbortSignal fired. */
  ABORTED: "MW_ABORTED",
  /** The connection could not be opened, or broke. */
  CONNECTION: "MW_CONNECTION",
  /** The peer closed the connection while a reply was expected. */
  CONNECTION_CLOSED: "MW_CONNECTION_CLOSED",
  /** The peer answered in a way the protocol does not allow. */
  PROTOCOL: "MW_PROTOCOL",
  /** Bytes could not be decoded: truncated, malformed or inconsistent. */
  PARSE: "MW_PARSE",
  /** Input exceeded a configured bound (line length, message size, nesting...). */
  LIMIT_EXCEEDED: "MW_LIMIT_EXCEEDED",
  /** The server is throttling or unavailable; `retryAfterMs` says when to come back. */
  SERVER_BUSY: "MW_SERVER_BUSY",
  /** An HTTP response had a status the caller did not accept. */
  HTTP_STATUS: "MW_HTTP_STATUS",
  /** A redirect was refused because it left the trusted domain without the caller's consent. */
  REDIRECT_REFUSED: "MW_REDIRECT_REFUSED",
  /** The object was used after close() or destroy(). */
  CLOSED: "MW_CLOSED",
  /**
   * The protocol in use has no way to do the operation (POP3 has no folders to move a message
   * to; IMAP and POP3 cannot send without an SMTP submission endpoint). Thrown by the mailbox
   * layer, which also reports it up front in its capabilities.
   */
  UNSUPPORTED_OPERATION: "MW_UNSUPPORTED_OPERATION",
  /** An id (folder, message, attachment) that was not handed out by this session, or is garbled. */
  INVALID_ID: "MW_INVALID_ID",
  /** The settings (or Autodiscover) name no endpoint for the protocol asked for. */
  NO_ENDPOINT: "MW_NO_ENDPOINT",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
