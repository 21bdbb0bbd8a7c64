import { type CallOptions, deadline, isMailwireError, raceAbort } from "@mailwire/core";
import type { ImapFlow } from "imapflow";
import { mapImapError } from "../errors.js";

/**
 * Runs one imapflow call under the caller's signal and timeout. An aborted or timed-out IMAP
 * command leaves the server's reply still coming on the wire, so the connection is closed
 * rather than reused in an unknown state.
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
  const limit = deadline({ signal: options.signal, timeoutMs: options.timeoutMs, phase: operation });
  try {
    return await raceAbort(work(), limit.signal);
  } catch (error) {
    if (limit.signal.aborted) client.close();
    throw isMailwireError(error) ? error : mapImapError(error, { operation, secrets });
  } finally {
    limit.dispose();
  }
}
