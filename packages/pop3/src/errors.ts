import {
  AuthError,
  type MailwireError,
  type MailwireErrorOptions,
  ProtocolError,
  redactSecrets,
  ServerBusyError,
} from "@mailwire/core";
import { Pop3ResponseCode } from "./codec/response-code.js";
import { hasResponseCode, type Pop3StatusLine } from "./codec/status-line.js";

/** Server text kept in errors; RFC 1939 §3 caps replies at 512 octets anyway. */
const MAX_SERVER_MESSAGE = 512;

/**
 * A `-ERR` reply the client has no more specific error for: no such message, message
 * already deleted, command not permitted in this state, `[SYS/PERM]`, `[UTF8]`... The
 * command keyword, the response code and the (redacted) server text are data.
 */
export class Pop3CommandError extends ProtocolError {
  static override readonly kind: string = "Pop3CommandError";
  /** The command keyword that was refused, e.g. `RETR`. Never its arguments. */
  readonly command: string;
  /** The RFC 2449 §8 response code, e.g. `SYS/PERM`, when the server sent one. */
  readonly responseCode: string | undefined;
  /** The server's text after `-ERR` (and the code), with secrets redacted. */
  readonly serverMessage: string;

  constructor(
    message: string,
    options: MailwireErrorOptions & {
      command: string;
      responseCode: string | undefined;
      serverMessage: string;
    },
  ) {
    super(message, {
      ...options,
      details: {
        ...options.details,
        command: options.command,
        responseCode: options.responseCode,
        serverMessage: options.serverMessage,
      },
    });
    this.command = options.command;
    this.responseCode = options.responseCode;
    this.serverMessage = options.serverMessage;
  }
}

export interface ErrorContext {
  /** The command keyword, e.g. `RETR` (never arguments: they may be secrets). */
  readonly command: string;
  /** True while authenticating: a plain -ERR then means "credentials refused" (RFC 1939 §7). */
  readonly authenticating?: boolean | undefined;
  /** LOGIN-DELAY seconds from CAPA, to turn `[LOGIN-DELAY]` into retryAfterMs (RFC 2449 §8.1.2). */
  readonly loginDelaySeconds?: number | undefined;
  /** Secrets sent in this exchange; removed from the server text if it echoes them. */
  readonly secrets?: readonly (string | undefined)[] | undefined;
  /** The underlying error, when this one re-classifies another (a SASL AuthError). */
  readonly cause?: unknown;
}

/**
 * The typed error for a `-ERR` reply. Callers branch on `code`:
 * - `[IN-USE]`, `[LOGIN-DELAY]`, `[SYS/TEMP]` → ServerBusyError MW_SERVER_BUSY (retryable;
 *   RFC 2449 §8.1, RFC 3206 §4 say a later attempt may succeed),
 * - `[AUTH]`, or any -ERR while authenticating → AuthError MW_AUTH_FAILED (never retried with
 *   the same password),
 * - anything else → Pop3CommandError MW_PROTOCOL.
 * `details.responseCode` and `details.serverMessage` are set in every case.
 */
export function errorFromStatus(status: Pop3StatusLine, context: ErrorContext): MailwireError {
  const serverMessage = redactSecrets(status.text, context.secrets ?? []).slice(0, MAX_SERVER_MESSAGE);
  const responseCode = status.responseCode;
  const details = { command: context.command, responseCode, serverMessage };
  const cause = context.cause === undefined ? {} : { cause: context.cause };
  const said = `${context.command} refused: ${responseCode ? `[${responseCode}] ` : ""}${serverMessage}`;

  if (
    hasResponseCode(status, Pop3ResponseCode.IN_USE) ||
    hasResponseCode(status, Pop3ResponseCode.LOGIN_DELAY) ||
    hasResponseCode(status, Pop3ResponseCode.SYS_TEMP)
  ) {
    const retryAfterMs =
      hasResponseCode(status, Pop3ResponseCode.LOGIN_DELAY) && context.loginDelaySeconds !== undefined
        ? context.loginDelaySeconds * 1000
        : undefined;
    return new ServerBusyError(said, { ...cause, details, retryAfterMs });
  }
  if (
    hasResponseCode(status, Pop3ResponseCode.AUTH) ||
    (context.authenticating && responseCode === undefined)
  ) {
    return new AuthError(said, { ...cause, details });
  }
  return new Pop3CommandError(said, {
    ...cause,
    command: context.command,
    responseCode,
    serverMessage,
  });
}
