import type { Readable } from "node:stream";
import { InvalidArgumentError, throwIfAborted } from "@mailwire/core";
import type { Pop3BulkOptions, Pop3Client } from "../client.js";
import { emptySyncState, type SyncState, type SyncStateStore } from "./sync-state.js";

const DAY_MS = 86_400_000;

export interface LeaveOnServerSyncOptions {
  readonly store: SyncStateStore;
  /**
   * Delete messages from the server once they were first seen this many days ago (the
   * "remove from server after N days" setting of desktop clients). 0 deletes each message
   * right after it was handed over. Undefined (default) never deletes.
   */
  readonly deleteAfterDays?: number | undefined;
  /** The clock, for tests. Default Date.now. */
  readonly now?: (() => number) | undefined;
}

/** One new message, handed to the consumer. */
export interface SyncedMessage {
  /** The server's permanent id (RFC 1939 §7): use it to make the consumer idempotent. */
  readonly uniqueId: string;
  readonly messageNumber: number;
  /** The message octets; read them before the handler resolves (unread bytes are discarded). */
  readonly body: Readable;
}

export interface SyncResult {
  /** New messages handed to the consumer in this run. */
  readonly downloaded: number;
  /** Messages on the server that earlier runs already handed over. */
  readonly alreadySeen: number;
  /** Messages marked with DELE; the server removes them at QUIT (RFC 1939 §6). */
  readonly deleted: number;
  /** Remembered ids no longer on the server, dropped from the state. */
  readonly forgotten: number;
}

/**
 * Leave-on-server sync over UIDL (RFC 1939 §7): hands each message the state has not seen
 * to `onMessage`, oldest first, and remembers it only after the handler resolved, saving the
 * state after every message. A crash therefore never loses a message; at worst the one
 * message whose handler had finished but whose state was not yet saved is handed over again,
 * which is why the handler gets the unique-id. Deletions happen after the downloads and take
 * effect when the caller ends the session with QUIT (`client.quit()` / `close()`); ids stay in
 * the state until the server no longer lists them, so a session that dies before QUIT does not
 * make deleted-but-not-removed messages look new.
 */
export class LeaveOnServerSync {
  readonly #store: SyncStateStore;
  readonly #deleteAfterMs: number | undefined;
  readonly #now: () => number;

  constructor(options: LeaveOnServerSyncOptions) {
    const days = options.deleteAfterDays;
    if (days !== undefined && !(Number.isFinite(days) && days >= 0)) {
      throw new InvalidArgumentError(`deleteAfterDays must be a number >= 0, got ${days}`);
    }
    this.#store = options.store;
    this.#deleteAfterMs = days === undefined ? undefined : days * DAY_MS;
    this.#now = options.now ?? Date.now;
  }

  async run(
    client: Pop3Client,
    onMessage: (message: SyncedMessage) => Promise<void> | void,
    options: Pop3BulkOptions = {},
  ): Promise<SyncResult> {
    throwIfAborted(options.signal);
    const saved = (await this.#store.load()) ?? emptySyncState();
    const seen: Record<string, number> = { ...saved.seen };
    const listing = await client.uidl(options);

    // Ids are unique per maildrop (RFC 1939 §7); a server listing one twice gets the first only.
    const onServer = new Map<string, number>();
    for (const entry of listing)
      if (!onServer.has(entry.uniqueId)) onServer.set(entry.uniqueId, entry.messageNumber);

    let forgotten = 0;
    for (const uniqueId of Object.keys(seen)) {
      if (!onServer.has(uniqueId)) {
        delete seen[uniqueId];
        forgotten++;
      }
    }
    const save = () => this.#store.save({ version: 1, seen: { ...seen } } satisfies SyncState);
    if (forgotten > 0) await save();

    const fresh = [...onServer].filter(([uniqueId]) => seen[uniqueId] === undefined);
    const alreadySeen = onServer.size - fresh.length;
    const idByNumber = new Map(fresh.map(([uniqueId, messageNumber]) => [messageNumber, uniqueId]));
    let downloaded = 0;
    for await (const message of client.retrieveMany(
      fresh.map(([, messageNumber]) => messageNumber),
      options,
    )) {
      const uniqueId = idByNumber.get(message.messageNumber) as string;
      await onMessage({ uniqueId, messageNumber: message.messageNumber, body: message.body });
      // Only now is the message the consumer's: record it, durably, before the next one.
      seen[uniqueId] = this.#now();
      await save();
      downloaded++;
    }

    let deleted = 0;
    if (this.#deleteAfterMs !== undefined) {
      const cutoff = this.#now() - this.#deleteAfterMs;
      const expired = [...onServer]
        .filter(([uniqueId]) => {
          const firstSeen = seen[uniqueId];
          return firstSeen !== undefined && firstSeen <= cutoff;
        })
        .map(([, messageNumber]) => messageNumber);
      await client.deleteMany(expired, options);
      deleted = expired.length;
    }
    return { downloaded, alreadySeen, deleted, forgotten };
  }
}
