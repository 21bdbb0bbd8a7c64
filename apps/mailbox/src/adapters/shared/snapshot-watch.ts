import { backoffDelay, isMailwireError, sleep, throwIfAborted } from "@mailwire/core";
import type { MailEvent } from "../../mailbox.js";

/** A folder's messages at one moment: opaque message id → read flag (undefined where the protocol has none). */
export type FolderSnapshot = ReadonlyMap<string, boolean | undefined>;

export interface SnapshotWatchOptions {
  readonly folderId: string;
  readonly signal?: AbortSignal | undefined;
  /** Reads the folder's current state. */
  readonly snapshot: (signal: AbortSignal | undefined) => Promise<FolderSnapshot>;
  /** Resolves when it is time to look again: a push hint (NotificationWait) or a poll interval. */
  readonly wait: (signal: AbortSignal | undefined) => Promise<void>;
  /** Consecutive retryable failures (network, timeouts, a reset session) survived before throwing. Default 5. */
  readonly maxFailures?: number | undefined;
  /** Back-off between those attempts. Defaults: 1 s doubling to 60 s. */
  readonly backoff?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number } | undefined;
}

/**
 * Watching by comparing snapshots, for protocols whose push gives no detail (MAPI's
 * NotificationWait only says "something is pending", MS-OXCMAPIHTTP 2.2.4.4) or that have no
 * push at all (POP3, RFC 1939: the maildrop is fixed for the length of a session). The first
 * snapshot is the silent baseline; each later one yields what appeared, vanished or changed its
 * read flag. A retryable failure (the connection dropped, a timeout, a reset MAPI session) is
 * retried with back-off: the next snapshot is compared with the last good one, so nothing is
 * lost. Anything else, or too many failures in a row, is thrown; so is the abort error when
 * `signal` fires.
 */
export async function* snapshotWatch(
  options: SnapshotWatchOptions,
): AsyncGenerator<MailEvent, void, undefined> {
  const { folderId, signal } = options;
  const maxFailures = options.maxFailures ?? 5;
  const backoff = {
    baseDelayMs: options.backoff?.baseDelayMs ?? 1_000,
    maxDelayMs: options.backoff?.maxDelayMs ?? 60_000,
    random: Math.random,
  };
  let previous = await options.snapshot(signal);
  let failures = 0;
  for (;;) {
    throwIfAborted(signal);
    let current: FolderSnapshot;
    try {
      await options.wait(signal);
      throwIfAborted(signal);
      current = await options.snapshot(signal);
      failures = 0;
    } catch (error) {
      throwIfAborted(signal);
      if (!isMailwireError(error) || !error.retryable || failures >= maxFailures) throw error;
      await sleep(backoffDelay(failures + 1, backoff), signal);
      failures += 1;
      continue;
    }
    for (const [messageId, read] of current) {
      if (!previous.has(messageId)) yield { type: "new", folderId, messageId };
      else if (read !== undefined && previous.get(messageId) !== read)
        yield { type: "flags", folderId, messageId };
    }
    for (const messageId of previous.keys()) {
      if (!current.has(messageId)) yield { type: "expunged", folderId, messageId };
    }
    previous = current;
  }
}
