import { type CallOptions, deadline, isMailwireError, raceAbort, throwIfAborted } from "@mailwire/core";
import type { ImapFlow } from "imapflow";
import { mapImapError } from "../errors.js";

/**
 * Runs one imapflow call under the caller's signal and timeout. An aborted or timed-out IMAP
 * command leaves the server's reply still coming on the wire, so the connection is closed
 * rather than reused in an unknown state. A signal that has already fired sends nothing and
 * leaves the session open.
 */
export async function runCall<T>(
  client: ImapFlow,
  operation: string,
  options: CallOptions,
  secrets: Iterable<string>,
  work: () => Promise<T>,
): Promise<T> {
  if (options.signal === undefined && options.timeoutMs === undefined) {
    // Nothing can abort the call: skip the AbortController, listeners and race (a measurable
    // share of a small FETCH, see bench/).
    try {
      return await work();
    } catch (error) {
      throw isMailwireError(error) ? error : mapImapError(error, { operation, secrets });
    }
  }
  // Before work() runs: by then the command may be on the wire, and the abort would cost the session.
  throwIfAborted(options.signal);
  const limit = deadline({ signal: options.signal, timeoutMs: options.timeoutMs, phase: operation });
  try {
    const call = work();
    // Once the race is lost the call is abandoned, and closing the connection makes imapflow
    // reject it later (NoConnection); that rejection has no one left to hear it.
    call.catch(() => undefined);
    return await raceAbort(call, limit.signal);
  } catch (error) {
    if (limit.signal.aborted) client.close();
    throw isMailwireError(error) ? error : mapImapError(error, { operation, secrets });
  } finally {
    limit.dispose();
  }
}
