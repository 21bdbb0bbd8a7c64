import { type Logger, REDACTED, redactSecrets } from "@mailwire/core";

/** imapflow's logger shape: one object per entry (pino style). */
export interface ImapflowLogger {
  trace(entry: unknown): void;
  debug(entry: unknown): void;
  info(entry: unknown): void;
  warn(entry: unknown): void;
  error(entry: unknown): void;
  fatal(entry: unknown): void;
  /** imapflow asks before serializing a command or response just to log it. */
  isLevelEnabled(level: string): boolean;
}

type Level = "debug" | "info" | "warn" | "error";

/** Field names whose values are never worth logging and may hold credentials. */
const SECRET_FIELDS = new Set(["pass", "password", "accesstoken", "token", "auth", "authorization"]);

/**
 * Adapts imapflow's pino-style logger onto core's `Logger`. imapflow masks the arguments it
 * knows are sensitive; this adapter additionally removes the session's own secrets (password,
 * tokens, their base64 forms) from every string, drops credential-named fields, and flattens
 * errors to name/code/message so no socket or options object (with `auth`) is ever serialized.
 * With no logger given, imapflow gets one that drops everything (its default writes to stdout)
 * and reports every level as disabled, so imapflow does not build the entries at all.
 */
export function createRedactingLogger(
  logger: Logger | undefined,
  secrets: () => Iterable<string | undefined>,
): ImapflowLogger {
  const emit = (level: Level, entry: unknown): void => {
    if (logger === undefined) return;
    const sink = logger[level] ?? logger.debug;
    const { message, fields } = toRecord(entry, secrets);
    sink.call(logger, message, fields);
  };
  return {
    trace: (entry) => emit("debug", entry),
    debug: (entry) => emit("debug", entry),
    info: (entry) => emit("info", entry),
    warn: (entry) => emit("warn", entry),
    error: (entry) => emit("error", entry),
    fatal: (entry) => emit("error", entry),
    // Without it imapflow counts every level as enabled and re-serializes every command and
    // every server response (each FETCH, literals included) only for emit() to drop it.
    isLevelEnabled: () => logger !== undefined,
  };
}

function toRecord(
  entry: unknown,
  secrets: () => Iterable<string | undefined>,
): { message: string; fields: Record<string, unknown> } {
  const clean = (text: string): string => redactSecrets(text, secrets());
  if (typeof entry !== "object" || entry === null) {
    return { message: clean(String(entry)), fields: {} };
  }
  const fields: Record<string, unknown> = {};
  let message = "";
  for (const [key, value] of Object.entries(entry)) {
    if (key === "msg") {
      message = clean(String(value));
      continue;
    }
    if (SECRET_FIELDS.has(key.toLowerCase())) {
      fields[key] = REDACTED;
    } else if (value instanceof Error) {
      fields[key] = {
        name: value.name,
        code: (value as { code?: unknown }).code,
        message: clean(value.message),
      };
    } else if (typeof value === "string") {
      fields[key] = clean(value);
    } else if (typeof value === "number" || typeof value === "boolean" || value === null) {
      fields[key] = value;
    }
    // Objects other than errors (sockets, option bags, parsed responses) are left out: they can
    // be large and may reference credentials.
  }
  return { message, fields };
}
