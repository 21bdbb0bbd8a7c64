import { formatSequenceSet, parseSequenceSet } from "../codec/sequence-set.js";

/**
 * What the watcher knows about a folder: enough to tell, after any gap (a reconnect, or a
 * restart of the application), exactly which messages arrived, vanished or changed flags.
 * UIDs are only meaningful with their UIDVALIDITY (RFC 9051 §2.3.1.1).
 */
export interface WatchState {
  readonly uidValidity: bigint;
  /** RFC 7162 HIGHESTMODSEQ seen so far, when the server offers CONDSTORE. */
  readonly highestModseq: bigint | undefined;
  /** UID → sorted flags of every message present. */
  readonly messages: ReadonlyMap<number, readonly string[]>;
}

/** A JSON-safe form of WatchState (bigints as strings, UIDs as a sequence-set) for persisting. */
export interface SerializedWatchState {
  readonly uidValidity: string;
  readonly highestModseq: string | undefined;
  readonly uids: string;
  /** Flags per UID, only for messages that have any. */
  readonly flags: Readonly<Record<string, readonly string[]>>;
}

export function serializeWatchState(state: WatchState): SerializedWatchState {
  const flags: Record<string, readonly string[]> = {};
  for (const [uid, list] of state.messages) if (list.length > 0) flags[String(uid)] = list;
  return {
    uidValidity: state.uidValidity.toString(),
    highestModseq: state.highestModseq?.toString(),
    uids: formatSequenceSet(state.messages.keys()),
    flags,
  };
}

export function deserializeWatchState(serialized: SerializedWatchState): WatchState {
  const uids = parseSequenceSet(serialized.uids);
  return {
    uidValidity: BigInt(serialized.uidValidity),
    highestModseq: serialized.highestModseq === undefined ? undefined : BigInt(serialized.highestModseq),
    messages: new Map(uids.map((uid) => [uid, [...(serialized.flags[String(uid)] ?? [])].sort()])),
  };
}

export function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((flag, index) => flag === b[index]);
}
