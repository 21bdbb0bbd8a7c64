import { isMailwireError, MailwireError, redactSecrets } from "@mailwire/core";
import { ExitCode, exitCodeFor } from "./exit-codes.js";

/** A problem the CLI itself found (not the server): an unknown folder, a message not cached. */
export class CliError extends MailwireError {
  static override readonly kind: string = "CliError";
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code as never, message, { details });
  }
}

export const notFound = (what: string, details: Record<string, unknown> = {}) =>
  new CliError("MW_NOT_FOUND", what, details);

/** What the user sees of a failure: the protocol and step that failed, the stable code, the exit code. */
export interface ErrorReport {
  readonly code: string;
  readonly message: string;
  readonly protocol?: string | undefined;
  readonly step?: string | undefined;
  readonly exitCode: ExitCode;
  /** connectMailbox's per-protocol attempts, when every protocol failed. */
  readonly attempts?: unknown;
}

export function describeError(error: unknown, secrets: readonly (string | undefined)[] = []): ErrorReport {
  if (isMailwireError(error)) {
    const details = error.details;
    const protocol = typeof details.protocol === "string" ? details.protocol : undefined;
    const step = typeof details.step === "string" ? details.step : undefined;
    return {
      code: error.code,
      message: redactSecrets(error.message, secrets),
      protocol,
      step,
      exitCode: exitCodeFor(error.code),
      ...(details.attempts === undefined ? {} : { attempts: details.attempts }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "MW_UNKNOWN", message: redactSecrets(message, secrets), exitCode: ExitCode.FAILURE };
}

export function formatErrorLine(report: ErrorReport): string {
  const where = [report.protocol, report.step].filter(Boolean).join(" ");
  const prefix = where && !report.message.startsWith(where) ? `${where}: ` : "";
  return `mailbox: ${prefix}${report.message} [${report.code}]`;
}
