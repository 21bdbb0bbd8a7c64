import type { WatchEvent } from "./watch-event.js";
import { sameFlags, type WatchState } from "./watch-state.js";

/** What one resync learned about the folder, whichever way it was asked. */
export interface ServerView {
  /** Every UID present now, ascending. */
  readonly present: readonly number[];
  /** Flags the server reported in this resync (a FETCH), by UID; others are unchanged. */
  readonly fetched: ReadonlyMap<number, readonly string[]>;
}

/**
 * The events that turn `known` into `view`, and the resulting UID → flags map. One function for
 * the UID SEARCH path and the QRESYNC path, so both report the same change the same way:
 * expunges first (in the order of the known state), then new and re-flagged messages by
 * ascending UID. With no known state nothing is reported (a baseline).
 */
export function diffState(
  known: WatchState | undefined,
  view: ServerView,
): { events: WatchEvent[]; messages: Map<number, readonly string[]> } {
  const messages = new Map<number, readonly string[]>();
  for (const uid of view.present) messages.set(uid, view.fetched.get(uid) ?? known?.messages.get(uid) ?? []);
  const events: WatchEvent[] = [];
  if (known === undefined) return { events, messages };
  for (const uid of known.messages.keys()) if (!messages.has(uid)) events.push({ type: "expunged", uid });
  for (const uid of view.present) {
    const before = known.messages.get(uid);
    const now = messages.get(uid) ?? [];
    if (before === undefined) events.push({ type: "new", uid, flags: now });
    else if (view.fetched.has(uid) && !sameFlags(before, now))
      events.push({ type: "flags", uid, flags: now });
  }
  return { events, messages };
}

/**
 * Flags as the watch compares them: sorted, without \Recent, which is per session (RFC 3501
 * §2.3.2, dropped in RFC 9051) and would make every message on a new connection "change".
 */
export function watchedFlags(flags: Iterable<string> | undefined): readonly string[] {
  return [...(flags ?? [])].filter((flag) => flag.toUpperCase() !== "\\RECENT").sort();
}
