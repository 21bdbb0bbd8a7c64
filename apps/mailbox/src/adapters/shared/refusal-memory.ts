import { ErrorCode, isMailwireError } from "@mailwire/core";

/**
 * Wraps a login so that once the server refuses the password, every later call repeats that
 * refusal locally instead of sending the password again (a failed login is never retried with
 * the same password). Adapters that log in again after a dropped connection (IMAP) or for
 * every poll (POP3) go through this.
 */
export function rememberRefusal<T>(
  login: (signal: AbortSignal | undefined) => Promise<T>,
): (signal: AbortSignal | undefined) => Promise<T> {
  let refused: unknown;
  return async (signal) => {
    if (refused !== undefined) throw refused;
    try {
      return await login(signal);
    } catch (error) {
      if (isMailwireError(error) && error.code === ErrorCode.AUTH_FAILED) refused = error;
      throw error;
    }
  };
}
