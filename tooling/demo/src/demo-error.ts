// Failures of the demo itself (a promise it shows did not hold), as opposed to the typed
// MailwireErrors from core, which the CLI reports by their own `code`.

export class DemoCheckError extends Error {
  readonly code = "DEMO_CHECK_FAILED";
  override readonly name = "DemoCheckError";
}

/** Throws DemoCheckError unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new DemoCheckError(message);
}

/** The stable code of any error: a MailwireError's `code`, ours, or DEMO_FAILED. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" && /^(MW|DEMO)_[A-Z_]+$/.test(code) ? code : "DEMO_FAILED";
}
