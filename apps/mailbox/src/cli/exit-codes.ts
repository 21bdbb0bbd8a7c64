/**
 * The `mailbox` CLI's exit codes, stable for scripts (README "Exit codes" lists them).
 * Chosen by the error's stable `code`, never by its message.
 */
export const ExitCode = {
  OK: 0,
  /** Something unexpected: a bug, or an error without a mailwire code. */
  FAILURE: 1,
  /** Bad arguments, unknown command, no profile, missing password source. */
  USAGE: 2,
  /** The server refused the credentials, or no safe way to send them. */
  AUTH: 3,
  /** The server cannot be reached and the local store could not serve the request (or a sync was cut short). */
  OFFLINE: 4,
  /** No such folder or message. */
  NOT_FOUND: 5,
  /** The protocol cannot do this (POP3 has one folder, no move). */
  UNSUPPORTED: 6,
  /** The server broke the protocol, TLS failed, or a response could not be decoded. */
  PROTOCOL: 7,
  /** Stopped by Ctrl-C / SIGTERM. */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const BY_CODE: Readonly<Record<string, ExitCode>> = {
  MW_INVALID_ARGUMENT: ExitCode.USAGE,
  MW_AUTH_FAILED: ExitCode.AUTH,
  MW_AUTH_UNSUPPORTED: ExitCode.AUTH,
  MW_INSECURE_AUTH_REFUSED: ExitCode.AUTH,
  MW_CONNECTION: ExitCode.OFFLINE,
  MW_CONNECTION_CLOSED: ExitCode.OFFLINE,
  MW_TIMEOUT: ExitCode.OFFLINE,
  MW_SERVER_BUSY: ExitCode.OFFLINE,
  MW_NO_ENDPOINT: ExitCode.OFFLINE,
  MW_NOT_FOUND: ExitCode.NOT_FOUND,
  MW_INVALID_ID: ExitCode.NOT_FOUND,
  MW_UNSUPPORTED_OPERATION: ExitCode.UNSUPPORTED,
  MW_PROTOCOL: ExitCode.PROTOCOL,
  MW_PARSE: ExitCode.PROTOCOL,
  MW_LIMIT_EXCEEDED: ExitCode.PROTOCOL,
  MW_TLS: ExitCode.PROTOCOL,
  MW_TLS_PRINCIPAL_MISMATCH: ExitCode.PROTOCOL,
  MW_STARTTLS_UNAVAILABLE: ExitCode.PROTOCOL,
  MW_STARTTLS_INJECTION: ExitCode.PROTOCOL,
  MW_HTTP_STATUS: ExitCode.PROTOCOL,
  MW_REDIRECT_REFUSED: ExitCode.PROTOCOL,
  MW_ABORTED: ExitCode.INTERRUPTED,
};

export function exitCodeFor(code: string | undefined): ExitCode {
  return (code && BY_CODE[code]) || ExitCode.FAILURE;
}
