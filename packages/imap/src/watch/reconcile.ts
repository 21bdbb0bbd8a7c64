import type { ImapFlow } from "imapflow";
import { formatSequenceSet } from "../codec/sequence-set.js";
import type { WatchEvent } from "./watch-event.js";
import { sameFlags, type WatchState } from "./watch-state.js";

export interface ReconcileResult {
  readonly state: WatchState;
  readonly events: WatchEvent[];
}

/**
 * Compares the selected folder with `previous` and returns the differences as events plus the
 * new state. UID SEARCH ALL gives the set of present messages (new and expunged UIDs); flags
 * come from FETCH FLAGS, narrowed to what changed since the last HIGHESTMODSEQ when the server
 * has CONDSTORE (RFC 7162 §3.1.4.1). Without a previous state this only records a baseline.
 */
export async function reconcile(
  client: ImapFlow,
  previous: WatchState | undefined,
): Promise<ReconcileResult> {
  const mailbox = client.mailbox;
  if (mailbox === false) throw new Error("reconcile needs a selected mailbox");
  const uidValidity = BigInt(mailbox.uidValidity);
  const events: WatchEvent[] = [];
  let known = previous;
  if (known !== undefined && known.uidValidity !== uidValidity) {
    events.push({ type: "uidvalidity", previous: known.uidValidity, current: uidValidity });
    known = undefined;
  }
  const condstore =
    client.enabled.has("CONDSTORE") || client.enabled.has("QRESYNC") || client.capabilities.has("CONDSTORE");
  let highestModseq =
    known?.highestModseq ?? (mailbox.highestModseq === undefined ? undefined : BigInt(mailbox.highestModseq));
  const present = [...((await client.search({ all: true }, { uid: true })) || [])].sort((a, b) => a - b);
  const presentSet = new Set(present);

  const flags = new Map<number, readonly string[]>();
  const changed = new Set<number>();
  const fetchFlags = async (range: string, changedSince: bigint | undefined): Promise<void> => {
    const options = changedSince === undefined ? { uid: true } : { uid: true, changedSince };
    for await (const message of client.fetch(range, { uid: true, flags: true }, options)) {
      // \Recent is per session (RFC 3501 §2.3.2, dropped in RFC 9051): a new connection would
      // otherwise see every message "change" flags.
      flags.set(
        message.uid,
        [...(message.flags ?? [])].filter((flag) => flag.toUpperCase() !== "\\RECENT").sort(),
      );
      changed.add(message.uid);
      if (message.modseq !== undefined) {
        const modseq = BigInt(message.modseq);
        if (highestModseq === undefined || modseq > highestModseq) highestModseq = modseq;
      }
    }
  };

  if (present.length > 0) {
    const added = known === undefined ? present : present.filter((uid) => !known.messages.has(uid));
    if (known !== undefined && condstore && known.highestModseq !== undefined) {
      // Only messages whose MODSEQ moved; new ones are fetched in full below.
      await fetchFlags("1:*", known.highestModseq);
      if (added.length > 0) await fetchFlags(formatSequenceSet(added), undefined);
    } else {
      await fetchFlags("1:*", undefined);
    }
  }

  const messages = new Map<number, readonly string[]>();
  for (const uid of present) {
    const fetched = flags.get(uid);
    const before = known?.messages.get(uid);
    messages.set(uid, fetched ?? before ?? []);
  }
  if (known !== undefined) {
    for (const uid of known.messages.keys()) if (!presentSet.has(uid)) events.push({ type: "expunged", uid });
    for (const uid of present) {
      const before = known.messages.get(uid);
      const now = messages.get(uid) ?? [];
      if (before === undefined) events.push({ type: "new", uid, flags: now });
      else if (changed.has(uid) && !sameFlags(before, now)) events.push({ type: "flags", uid, flags: now });
    }
  }
  return { state: { uidValidity, highestModseq, messages }, events };
}
