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
  if (isMailwireError(error)) {
    // connectMailbox's ConnectFailedError: offline when some protocol could not reach its server
    // and none refused the credentials (the others had no endpoint, or are not built).
    const attempts = error.details.attempts;
    if (Array.isArray(attempts)) {
      const codes = attempts
        .map((a: { errorCode?: unknown }) => a.errorCode)
        .filter((c) => typeof c === "string");
      return codes.some((c) => OFFLINE_CODES.has(c)) && !codes.some((c) => String(c).startsWith("MW_AUTH"));
    }
    return OFFLINE_CODES.has(error.code);
  }
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" &&
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"].includes(code)
  );
}
