import { ErrorCode, isMailwireError, MailwireError, redactSecrets, throwIfAborted } from "@mailwire/core";
import type { ProtocolName } from "./mailbox.js";

/**
 * The codes of core's `ErrorCode` that only the mailbox layer throws (listed in docs/errors.md).
 * Every other `MailboxError` keeps the code of the error it wraps.
 */
export const MailboxErrorCode = {
  /** The protocol cannot do this operation (POP3 has no folders to move to, MAPI submit missing...). */
  UNSUPPORTED_OPERATION: ErrorCode.UNSUPPORTED_OPERATION,
  /** An id that this mailbox did not hand out (another protocol's, or garbled). */
  INVALID_ID: ErrorCode.INVALID_ID,
  /** Autodiscover found no endpoint for the protocol asked for. */
  NO_ENDPOINT: ErrorCode.NO_ENDPOINT,
} as const;
export type MailboxErrorCode = (typeof MailboxErrorCode)[keyof typeof MailboxErrorCode];

/** Where a failure happened: a connect phase, or the Mailbox operation that was running. */
export type MailboxStep =
  | "discover"
  | "endpoint"
  | "connect"
  | "authenticate"
  | "folders"
  | "list"
  | "read"
  | "attachment"
  | "search"
  | "mark-read"
  | "move"
  | "delete"
  | "send"
  | "watch"
  | "close";

export interface MailboxErrorOptions {
  readonly protocol?: ProtocolName | undefined;
  readonly step: MailboxStep;
  readonly cause?: unknown;
  readonly retryable?: boolean | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * A failure of the mailbox layer, naming the protocol and the step. `code` is the wrapped
 * error's code (MW_AUTH_FAILED, MW_TIMEOUT, ...) or one of `MailboxErrorCode`; `cause` is the
 * protocol package's own error. No message carries a credential (the protocol packages redact
 * theirs, and foreign errors' text passes through `redactSecrets`).
 */
export class MailboxError extends MailwireError {
  static override readonly kind: string = "MailboxError";
  readonly protocol: ProtocolName | undefined;
  readonly step: MailboxStep;

  constructor(code: ErrorCode | MailboxErrorCode, message: string, options: MailboxErrorOptions) {
    super(code, message, {
      cause: options.cause,
      ...(options.retryable === undefined ? {} : { retryable: options.retryable }),
      details: { ...options.details, protocol: options.protocol, step: options.step },
    });
    this.protocol = options.protocol;
    this.step = options.step;
  }
}

/** The protocol has no way to do `operation`; `capabilities` says so up front. */
export class UnsupportedOperationError extends MailboxError {
  static override readonly kind: string = "UnsupportedOperationError";
  readonly operation: string;

  constructor(protocol: ProtocolName, operation: MailboxStep, reason: string) {
    super(MailboxErrorCode.UNSUPPORTED_OPERATION, `${protocol}: ${operation} is not supported: ${reason}`, {
      protocol,
      step: operation,
      details: { operation },
    });
    this.operation = operation;
  }
}

/** One protocol tried by `connectMailbox`, and how it went. */
export interface ConnectAttempt {
  readonly protocol: ProtocolName;
  /** The URL or host:port tried; undefined when discovery found none. */
  readonly endpoint: string | undefined;
  /**
   * `connected`; `failed` (see `errorCode`/`step`); `no-endpoint` (nothing discovered for it);
   * `skipped` (not tried: a password was already refused, and is never sent again).
   */
  readonly outcome: "connected" | "failed" | "no-endpoint" | "skipped";
  readonly step?: MailboxStep | undefined;
  readonly errorCode?: string | undefined;
  /** What went wrong, in words; never a credential. */
  readonly detail?: string | undefined;
  readonly durationMs: number;
}

/** No protocol connected. `code` is MW_AUTH_FAILED when a password was refused, else the last failure's. */
export class ConnectFailedError extends MailboxError {
  static override readonly kind: string = "ConnectFailedError";
  readonly attempts: readonly ConnectAttempt[];

  constructor(
    code: ErrorCode | MailboxErrorCode,
    message: string,
    attempts: readonly ConnectAttempt[],
    cause?: unknown,
  ) {
    super(code, message, { step: "connect", cause, details: { attempts } });
    this.attempts = attempts;
  }
}

/**
 * Wraps any error in a `MailboxError` for `protocol` and `step`, keeping a mailwire code and
 * retryability. Already-wrapped errors pass through; aborts keep MW_ABORTED.
 */
export function toMailboxError(
  error: unknown,
  protocol: ProtocolName | undefined,
  step: MailboxStep,
  secrets: Iterable<string | undefined> = [],
): MailboxError {
  if (error instanceof MailboxError) return error;
  const code = isMailwireError(error) ? error.code : ErrorCode.PROTOCOL;
  const text = error instanceof Error ? error.message : String(error);
  const where = protocol === undefined ? step : `${protocol} ${step}`;
  return new MailboxError(code, `${where} failed: ${redactSecrets(text, secrets)}`, {
    protocol,
    step,
    cause: error,
    retryable: isMailwireError(error) ? error.retryable : false,
  });
}

/** Runs `work`, turning whatever it throws into a `MailboxError` naming protocol and step. */
export async function guard<T>(
  protocol: ProtocolName,
  step: MailboxStep,
  work: () => Promise<T>,
  secrets?: Iterable<string | undefined>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toMailboxError(error, protocol, step, secrets);
  }
}

/**
 * Like `guard` for async iterables: errors while iterating are wrapped too. With `signal`, the
 * iteration stops with the abort error as soon as the signal has fired: before the first item
 * and between items, so no further page is asked of the server once the caller has aborted.
 */
export async function* guardIterable<T>(
  protocol: ProtocolName,
  step: MailboxStep,
  source: () => AsyncIterable<T>,
  secrets?: Iterable<string | undefined>,
  signal?: AbortSignal | undefined,
): AsyncGenerator<T, void, undefined> {
  try {
    throwIfAborted(signal);
    for await (const item of source()) {
      yield item;
      throwIfAborted(signal);
    }
  } catch (error) {
    throw toMailboxError(error, protocol, step, secrets);
  }
}

export function invalidId(protocol: ProtocolName, step: MailboxStep, what: string): MailboxError {
  return new MailboxError(
    MailboxErrorCode.INVALID_ID,
    `${protocol} ${step}: not a ${what} id from this mailbox`,
    {
      protocol,
      step,
    },
  );
}
