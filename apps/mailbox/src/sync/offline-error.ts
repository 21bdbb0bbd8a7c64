import { ErrorCode, isMailwireError } from "@mailwire/core";

/**
 * Errors that mean "the server cannot be reached now", the ones cached mode rides out by
 * serving from the local store (Outlook's "Disconnected"/"Trying to connect" states). A refused
 * password or a protocol violation is not one of them: the store would only hide the problem.
 */
const OFFLINE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.CONNECTION,
  ErrorCode.CONNECTION_CLOSED,
  ErrorCode.TIMEOUT,
  ErrorCode.SERVER_BUSY,
]);

export function isOfflineError(error: unknown): boolean {
  if (isMailwireError(error)) return OFFLINE_CODES.has(error.code);
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" &&
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"].includes(code)
  );
}
