import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffState } from "../src/watch/diff-state.js";
import type { WatchEvent } from "../src/watch/watch-event.js";
import type { WatchState } from "../src/watch/watch-state.js";

// diffState is the one place both resync ways (QRESYNC and UID SEARCH ALL) turn what the server
// said into events; these properties are what "each change reported once" rests on.

const flagList = fc
  .uniqueArray(fc.constantFrom("\\Seen", "\\Flagged", "\\Answered", "$Label1"), { maxLength: 4 })
  .map((flags) => [...flags].sort());
const uidMap = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 60 }), flagList), { maxLength: 40 })
  .map((entries) => new Map(entries));

/** Applies events to a UID → flags map, the way a caller keeping a mirror would. */
function apply(
  before: ReadonlyMap<number, readonly string[]>,
  events: readonly WatchEvent[],
): Map<number, readonly string[]> {
  const after = new Map(before);
  for (const event of events) {
    if (event.type === "expunged") after.delete(event.uid);
    else if (event.type === "new" || event.type === "flags") after.set(event.uid, event.flags);
  }
  return after;
}

describe("diffState", () => {
  it("events turn the known state into the server's, each UID at most once, expunges first then by UID", () => {
    fc.assert(
      fc.property(uidMap, uidMap, fc.func(fc.boolean()), (knownMessages, server, reported) => {
        const known: WatchState = { uidValidity: 1n, highestModseq: 1n, messages: knownMessages };
        const present = [...server.keys()].sort((a, b) => a - b);
        // The server reports every new or re-flagged message, and maybe some unchanged ones
        // (a MODSEQ that moved and came back, or a FETCH racing the SELECT).
        const same = (uid: number, flags: readonly string[]): boolean =>
          JSON.stringify(knownMessages.get(uid)) === JSON.stringify(flags);
        const fetched = new Map([...server].filter(([uid, flags]) => !same(uid, flags) || reported(uid)));
        const { events, messages } = diffState(known, { present, fetched });
        expect(messages).toEqual(server);
        expect(apply(knownMessages, events)).toEqual(server);
        const uids = events.map((event) => ("uid" in event ? event.uid : -1));
        expect(new Set(uids).size).toBe(uids.length);
        const firstOther = events.findIndex((event) => event.type !== "expunged");
        if (firstOther !== -1)
          expect(events.slice(firstOther).every((event) => event.type !== "expunged")).toBe(true);
        const others = events
          .filter((event) => event.type !== "expunged")
          .map((event) => ("uid" in event ? event.uid : 0));
        expect(others).toEqual([...others].sort((a, b) => a - b));
      }),
    );
  });

  it("unreported messages keep their known flags and yield no flags event", () => {
    fc.assert(
      fc.property(uidMap, uidMap, (knownMessages, changes) => {
        const known: WatchState = { uidValidity: 1n, highestModseq: 1n, messages: knownMessages };
        const present = [...knownMessages.keys()].sort((a, b) => a - b);
        const fetched = new Map([...changes].filter(([uid]) => knownMessages.has(uid)));
        const { events, messages } = diffState(known, { present, fetched });
        for (const uid of present) {
          expect(messages.get(uid)).toEqual(fetched.get(uid) ?? knownMessages.get(uid));
        }
        for (const event of events) {
          expect(event.type).toBe("flags");
          if (event.type === "flags") expect(fetched.has(event.uid)).toBe(true);
        }
      }),
    );
  });

  it("without a known state reports nothing (a baseline)", () => {
    fc.assert(
      fc.property(uidMap, (server) => {
        const present = [...server.keys()].sort((a, b) => a - b);
        const { events, messages } = diffState(undefined, { present, fetched: server });
        expect(events).toEqual([]);
        expect(messages).toEqual(server);
      }),
    );
  });
});
