import { throwIfAborted } from "@mailwire/core";
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
}

/**
 * Watching by comparing snapshots, for protocols whose push gives no detail (MAPI's
 * NotificationWait only says "something is pending", MS-OXCMAPIHTTP 2.2.4.4) or that have no
 * push at all (POP3, RFC 1939: the maildrop is fixed for the length of a session). The first
 * snapshot is the silent baseline; each later one yields what appeared, vanished or changed its
 * read flag. Ends by throwing the abort error when `signal` fires.
 */
export async function* snapshotWatch(
  options: SnapshotWatchOptions,
): AsyncGenerator<MailEvent, void, undefined> {
  const { folderId, signal } = options;
  let previous = await options.snapshot(signal);
  for (;;) {
    throwIfAborted(signal);
    await options.wait(signal);
    throwIfAborted(signal);
    const current = await options.snapshot(signal);
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
