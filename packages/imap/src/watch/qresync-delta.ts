import type { ExpungeEvent, FlagsEvent, ImapFlow, MailboxOpenOptions } from "imapflow";
import { watchedFlags } from "./diff-state.js";
import type { WatchState } from "./watch-state.js";

/**
 * What the server reported while answering `SELECT mailbox (QRESYNC (uidvalidity modseq))`
 * (RFC 7162 §3.2.5): `VANISHED (EARLIER)` UIDs expunged since `modseq`, and a FETCH (UID, FLAGS,
 * MODSEQ) for every message changed or added since then.
 */
export interface QresyncDelta {
  /** The state the SELECT asked relative to (reconcile() checks it is the one it resyncs). */
  readonly since: WatchState;
  readonly vanished: Set<number>;
  readonly fetched: Map<number, readonly string[]>;
}

export interface QresyncSelect {
  /** Options for `mailboxOpen` that make imapflow send the QRESYNC parameter. */
  readonly openOptions: MailboxOpenOptions;
  readonly delta: QresyncDelta;
  /** Stops collecting; call once the SELECT has completed (or failed). */
  stop(): void;
}

/**
 * Prepares a QRESYNC SELECT when the session has QRESYNC enabled (RFC 7162 §3.2.3) and the
 * previous state carries a HIGHESTMODSEQ; otherwise undefined (the caller selects plainly and
 * reconcile() compares UID sets). imapflow sends the parameter without known-uids and turns the
 * answers into 'expunge' (vanished, earlier) and 'flags' events before mailboxOpen() resolves,
 * so listening from before the SELECT to after it catches all of them.
 */
export function prepareQresyncSelect(
  client: ImapFlow,
  state: WatchState | undefined,
): QresyncSelect | undefined {
  if (state === undefined || state.highestModseq === undefined || !client.enabled.has("QRESYNC"))
    return undefined;
  const delta: QresyncDelta = {
    since: state,
    vanished: new Set(),
    fetched: new Map(),
  };
  const onExpunge = (event: ExpungeEvent): void => {
    // Without known-uids the server names every UID expunged since the MODSEQ, and one without
    // expunge history may name a whole range (§3.2.5.2): keep only UIDs the state knows, so the
    // set is bounded by the state, not by what the server sends.
    if (event.uid !== undefined && state.messages.has(event.uid)) delta.vanished.add(event.uid);
  };
  const onFlags = (event: FlagsEvent): void => {
    if (event.uid === undefined) return;
    delta.fetched.set(event.uid, watchedFlags(event.flags));
    // A FETCH after a VANISHED for the same UID cannot happen (UIDs are never reused, RFC 9051
    // §2.3.1.1), but a stale VANISHED must not hide a message the server says exists.
    delta.vanished.delete(event.uid);
  };
  client.on("expunge", onExpunge);
  client.on("flags", onFlags);
  return {
    openOptions: { uidValidity: state.uidValidity, changedSince: state.highestModseq },
    delta,
    stop() {
      client.off("expunge", onExpunge);
      client.off("flags", onFlags);
    },
  };
}
