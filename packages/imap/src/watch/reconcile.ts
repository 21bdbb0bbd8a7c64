import type { ImapFlow, MailboxObject } from "imapflow";
import { formatSequenceSet, MAX_UID } from "../codec/sequence-set.js";
import { diffState, watchedFlags } from "./diff-state.js";
import type { QresyncDelta } from "./qresync-delta.js";
import type { WatchEvent } from "./watch-event.js";
import type { WatchState } from "./watch-state.js";

export interface ReconcileResult {
  readonly state: WatchState;
  readonly events: WatchEvent[];
}

/**
 * Compares the selected folder with `previous` and returns the differences as events plus the
 * new state. Without a previous state this only records a baseline.
 *
 * When the folder was selected with QRESYNC relative to `previous` (`delta`, RFC 7162 §3.2.5)
 * and the server accepted it, the SELECT's own VANISHED (EARLIER) and FETCH answers are the
 * changes, and this costs nothing more than the changes. Otherwise (no QRESYNC, a new
 * UIDVALIDITY, NOMODSEQ, or answers that do not add up) UID SEARCH ALL gives the set of present
 * messages and flags come from FETCH FLAGS, narrowed to what changed since the last
 * HIGHESTMODSEQ when the server has CONDSTORE (RFC 7162 §3.1.4.1).
 */
export async function reconcile(
  client: ImapFlow,
  previous: WatchState | undefined,
  delta?: QresyncDelta,
): Promise<ReconcileResult> {
  const mailbox = client.mailbox;
  if (mailbox === false) throw new Error("reconcile needs a selected mailbox");
  const uidValidity = BigInt(mailbox.uidValidity);
  if (previous !== undefined && previous.uidValidity !== uidValidity) {
    const full = await reconcileBySearch(client, mailbox, undefined);
    const changed: WatchEvent = { type: "uidvalidity", previous: previous.uidValidity, current: uidValidity };
    return { ...full, events: [changed, ...full.events] };
  }
  if (
    previous !== undefined &&
    delta !== undefined &&
    delta.since === previous &&
    qresyncApplied(mailbox, delta)
  ) {
    const result = await reconcileByQresync(client, mailbox, previous, delta);
    if (result !== undefined) return result;
  }
  return reconcileBySearch(client, mailbox, previous);
}

/**
 * Whether the server answered the QRESYNC parameter rather than ignoring it: RFC 7162 §3.2.5.2
 * has it ignored when UIDVALIDITY differs, and a mailbox without mod-sequences (NOMODSEQ,
 * §3.1.2.2) has no HIGHESTMODSEQ to resync from.
 */
function qresyncApplied(mailbox: MailboxObject, delta: QresyncDelta): boolean {
  return (
    BigInt(mailbox.uidValidity) === delta.since.uidValidity &&
    mailbox.highestModseq !== undefined &&
    mailbox.noModseq !== true
  );
}

async function reconcileByQresync(
  client: ImapFlow,
  mailbox: MailboxObject,
  previous: WatchState,
  delta: QresyncDelta,
): Promise<ReconcileResult | undefined> {
  const fetched = new Map(delta.fetched);
  // The SELECT's HIGHESTMODSEQ is what the answers are complete up to (§3.2.5.2). A FETCH with
  // a higher MODSEQ (a change racing the SELECT) is not a promise that everything below it was
  // reported, so it does not raise the mark; the next resync sees that change again, harmlessly.
  const highestModseq = mailbox.highestModseq === undefined ? undefined : BigInt(mailbox.highestModseq);
  const presentNow = (): number[] => {
    const present = new Set<number>();
    for (const uid of previous.messages.keys()) if (!delta.vanished.has(uid)) present.add(uid);
    for (const uid of fetched.keys()) present.add(uid);
    return [...present].sort((a, b) => a - b);
  };
  let present = presentNow();
  if (present.length !== currentExists(client, mailbox)) {
    // The server must report added messages too (their MODSEQ is above the one we sent), but
    // the count says something is missing: ask for every UID above the known ones (UIDs only
    // grow, RFC 9051 §2.3.1.1). "n:*" also matches the last message when none is above n.
    let top = 0;
    for (const uid of previous.messages.keys()) if (uid > top) top = uid;
    if (top < MAX_UID) {
      for await (const message of client.fetch(`${top + 1}:*`, { uid: true, flags: true }, { uid: true })) {
        if (message.uid > top) fetched.set(message.uid, watchedFlags(message.flags));
      }
    }
    present = presentNow();
    // Still inconsistent (a server that left out VANISHED): compare full UID sets instead.
    if (present.length !== currentExists(client, mailbox)) return undefined;
  }
  const { events, messages } = diffState(previous, { present, fetched });
  return { state: { uidValidity: previous.uidValidity, highestModseq, messages }, events };
}

/** EXISTS as of now: untagged EXISTS during a later command update imapflow's mailbox object. */
function currentExists(client: ImapFlow, fallback: MailboxObject): number {
  return client.mailbox === false ? fallback.exists : client.mailbox.exists;
}

async function reconcileBySearch(
  client: ImapFlow,
  mailbox: MailboxObject,
  known: WatchState | undefined,
): Promise<ReconcileResult> {
  const uidValidity = BigInt(mailbox.uidValidity);
  const condstore =
    client.enabled.has("CONDSTORE") || client.enabled.has("QRESYNC") || client.capabilities.has("CONDSTORE");
  let highestModseq =
    known?.highestModseq ?? (mailbox.highestModseq === undefined ? undefined : BigInt(mailbox.highestModseq));
  const present = [...((await client.search({ all: true }, { uid: true })) || [])].sort((a, b) => a - b);

  const fetched = new Map<number, readonly string[]>();
  const fetchFlags = async (range: string, changedSince: bigint | undefined): Promise<void> => {
    const options = changedSince === undefined ? { uid: true } : { uid: true, changedSince };
    for await (const message of client.fetch(range, { uid: true, flags: true }, options)) {
      fetched.set(message.uid, watchedFlags(message.flags));
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
  const { events, messages } = diffState(known, { present, fetched });
  return { state: { uidValidity, highestModseq, messages }, events };
}
