import { ErrorCode } from "./error-codes.js";
import { MailwireError, type MailwireErrorOptions } from "./mailwire-error.js";

type Opts = MailwireErrorOptions;

export class InvalidArgumentError extends MailwireError {
  static override readonly kind: string = "InvalidArgumentError";
  constructor(message: string, options?: Opts) {
    super(ErrorCode.INVALID_ARGUMENT, message, options);
  }
}

/** Credentials rejected, no shared mechanism, or auth refused as insecure. */
export class AuthError extends MailwireError {
  static override readonly kind: string = "AuthError";
  constructor(
    message: string,
    options?: Opts & {
      code?:
        | typeof ErrorCode.AUTH_FAILED
        | typeof ErrorCode.AUTH_UNSUPPORTED
        | typeof ErrorCode.INSECURE_AUTH_REFUSED;
    },
  ) {
    super(options?.code ?? ErrorCode.AUTH_FAILED, message, { ...options, retryable: false });
  }
}

export class TlsError extends MailwireError {
  static override readonly kind: string = "TlsError";
  constructor(
    message: string,
    options?: Opts & {
      code?:
        | typeof ErrorCode.TLS
        | typeof ErrorCode.TLS_PRINCIPAL_MISMATCH
        | typeof ErrorCode.STARTTLS_UNAVAILABLE
        | typeof ErrorCode.STARTTLS_INJECTION;
    },
  ) {
    super(options?.code ?? ErrorCode.TLS, message, { ...options, retryable: false });
  }
}

export class TimeoutError extends MailwireError {
  static override readonly kind: string = "TimeoutError";
  constructor(message: string, options?: Opts & { phase?: string; timeoutMs?: number }) {
    super(ErrorCode.TIMEOUT, message, {
      retryable: true,
      ...options,
      details: { ...options?.details, phase: options?.phase, timeoutMs: options?.timeoutMs },
    });
  }
}

export class AbortError extends MailwireError {
  static override readonly kind: string = "AbortError";
  constructor(message = "The operation was aborted", options?: Opts) {
    super(ErrorCode.ABORTED, message, { ...options, retryable: false });
  }
}

export class ConnectionError extends MailwireError {
  static override readonly kind: string = "ConnectionError";
  constructor(
    message: string,
    options?: Opts & { code?: typeof ErrorCode.CONNECTION | typeof ErrorCode.CONNECTION_CLOSED },
  ) {
    super(options?.code ?? ErrorCode.CONNECTION, message, { retryable: true, ...options });
  }
}

/** The peer broke the protocol, or bytes could not be decoded, or exceeded a bound. */
export class ProtocolError extends MailwireError {
  static override readonly kind: string = "ProtocolError";
  constructor(
    message: string,
    options?: Opts & {
      code?: typeof ErrorCode.PROTOCOL | typeof ErrorCode.PARSE | typeof ErrorCode.LIMIT_EXCEEDED;
    },
  ) {
    super(options?.code ?? ErrorCode.PROTOCOL, message, { retryable: false, ...options });
  }
}

/** Shorthand for a decoder's complaint about malformed input. */
export class ParseError extends ProtocolError {
  static override readonly kind: string = "ParseError";
  constructor(message: string, options?: Opts & { offset?: number }) {
    super(message, {
      ...options,
      code: ErrorCode.PARSE,
      details: { ...options?.details, offset: options?.offset },
    });
  }
}

export class LimitExceededError extends ProtocolError {
  static override readonly kind: string = "LimitExceededError";
  constructor(message: string, options?: Opts & { limit?: string; max?: number }) {
    super(message, {
      ...options,
      code: ErrorCode.LIMIT_EXCEEDED,
      details: { ...options?.details, limit: options?.limit, max: options?.max },
    });
  }
}

export class ServerBusyError extends MailwireError {
  static override readonly kind: string = "ServerBusyError";
  /** How long the server asked us to wait, when it said; undefined otherwise. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: Opts & { retryAfterMs?: number | undefined }) {
    super(ErrorCode.SERVER_BUSY, message, {
      retryable: true,
      ...options,
      details: { ...options?.details, retryAfterMs: options?.retryAfterMs },
    });
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export class HttpStatusError extends MailwireError {
  static override readonly kind: string = "HttpStatusError";
  readonly statusCode: number;
  constructor(message: string, options: Opts & { statusCode: number }) {
    super(ErrorCode.HTTP_STATUS, message, {
      ...options,
      details: { ...options.details, statusCode: options.statusCode },
    });
    this.statusCode = options.statusCode;
  }
}

export class RedirectRefusedError extends MailwireError {
  static override readonly kind: string = "RedirectRefusedError";
  constructor(message: string, options?: Opts) {
    super(ErrorCode.REDIRECT_REFUSED, message, { ...options, retryable: false });
  }
}

export class ClosedError extends MailwireError {
  static override readonly kind: string = "ClosedError";
  constructor(message = "The connection or session is closed", options?: Opts) {
    super(ErrorCode.CLOSED, message, { ...options, retryable: false });
  }
}
