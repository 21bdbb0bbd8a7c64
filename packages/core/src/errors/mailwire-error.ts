import type { ErrorCode } from "./error-codes.js";

/**
 * Each instance lists the kinds of its class chain under a registry symbol, so that
 * `instanceof` keeps working when two copies of @mailwire/core are installed side by
 * side (each copy has its own class objects, but Symbol.for is process-wide).
 */
const kKinds: unique symbol = Symbol.for("mailwire.error.kinds") as never;

export interface MailwireErrorOptions {
  cause?: unknown;
  /** Whether repeating the same call may succeed (network blip, throttling). */
  retryable?: boolean;
  /** Protocol detail as data: POP3 -ERR text, IMAP response code, HTTP status, MAPI status... */
  details?: Readonly<Record<string, unknown>>;
}

export class MailwireError extends Error {
  static readonly kind: string = "MailwireError";
  declare readonly [kKinds]: readonly string[];
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: MailwireErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = Object.freeze({ ...(options.details ?? {}) });
    const kinds: string[] = [];
    for (let ctor = new.target as unknown; ctor && ctor !== Error; ctor = Object.getPrototypeOf(ctor)) {
      const kind = (ctor as { kind?: unknown }).kind;
      if (typeof kind === "string" && Object.hasOwn(ctor as object, "kind")) kinds.push(kind);
    }
    Object.defineProperty(this, kKinds, { value: Object.freeze(kinds), enumerable: false });
    Object.defineProperty(this, "name", {
      value: (new.target as { kind?: string }).kind ?? "MailwireError",
      enumerable: false,
    });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    const kinds = (value as { [kKinds]?: unknown })[kKinds];
    // `this` is the class on the right of `instanceof` (a subclass included), which is the point.
    // biome-ignore lint/complexity/noThisInStatic: must resolve to the subclass, not MailwireError
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

/** True for any mailwire error, from this copy of the package or another. */
export function isMailwireError(value: unknown): value is MailwireError {
  return value instanceof MailwireError;
}
