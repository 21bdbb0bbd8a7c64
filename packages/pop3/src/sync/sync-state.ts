import { ParseError } from "@mailwire/core";
import { Pop3Limits } from "../codec/limits.js";

/**
 * What leave-on-server sync remembers between runs: each unique-id (RFC 1939 §7 UIDL) it has
 * handed to the consumer, with when it first saw it. Plain data, so any store can keep it.
 */
export interface SyncState {
  readonly version: 1;
  /** unique-id → first-seen time in milliseconds since the epoch. */
  readonly seen: Readonly<Record<string, number>>;
}

/** Where the state lives between runs. `save` must be atomic: all of the new state or none of it. */
export interface SyncStateStore {
  /** The saved state, or undefined when nothing was saved yet. */
  load(): Promise<SyncState | undefined>;
  save(state: SyncState): Promise<void>;
}

export function emptySyncState(): SyncState {
  return { version: 1, seen: {} };
}

const UNIQUE_ID = /^[\x21-\x7e]{1,70}$/;

/**
 * Checks data read back from storage. A damaged state is an error, never an empty state:
 * starting from nothing would hand every message on the server to the consumer again.
 */
export function validateSyncState(value: unknown): SyncState {
  if (typeof value !== "object" || value === null) throw new ParseError("Sync state is not an object");
  const { version, seen } = value as { version?: unknown; seen?: unknown };
  if (version !== 1) throw new ParseError(`Unsupported sync state version ${String(version)}`);
  if (typeof seen !== "object" || seen === null || Array.isArray(seen)) {
    throw new ParseError("Sync state has no `seen` map");
  }
  const out: Record<string, number> = Object.create(null);
  let count = 0;
  for (const [uniqueId, firstSeen] of Object.entries(seen)) {
    if (++count > Pop3Limits.maxListingEntries) throw new ParseError("Sync state holds too many entries");
    if (!UNIQUE_ID.test(uniqueId)) throw new ParseError("Sync state holds an invalid unique-id");
    if (typeof firstSeen !== "number" || !Number.isFinite(firstSeen) || firstSeen < 0) {
      throw new ParseError("Sync state holds an invalid first-seen time");
    }
    out[uniqueId] = firstSeen;
  }
  return { version: 1, seen: out };
}

/** A store in memory, for tests and for callers that persist state their own way. */
export class MemorySyncStore implements SyncStateStore {
  #state: SyncState | undefined;

  constructor(initial?: SyncState) {
    this.#state = initial;
  }

  async load(): Promise<SyncState | undefined> {
    return this.#state === undefined ? undefined : structuredClone(this.#state);
  }

  async save(state: SyncState): Promise<void> {
    this.#state = structuredClone(state);
  }
}
