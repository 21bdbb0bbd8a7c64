import { isMailwireError, sleep, throwIfAborted } from "@mailwire/core";
import type { MapiSession } from "@mailwire/mapi";
import type { MailEvent } from "../../mailbox.js";
import { type FolderSnapshot, snapshotWatch } from "../shared/snapshot-watch.js";
import { mapiFolderToken, mapiMessageToken } from "./mapi-ids.js";

export interface MapiWatchOptions {
  readonly session: MapiSession;
  readonly folderId: bigint;
  /** Longest time between two full folder comparisons. */
  readonly intervalMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** Quick failures of the subscription survived before it waits for the next full comparison. */
const MAX_PUMP_FAILURES = 3;

/**
 * Watch over a MapiSession: new mail from the session's notifications (RopRegisterNotification
 * on the folder, NotificationWait / EcDoAsyncWaitEx long polls, MS-OXCNOTIF 3.1.4.1, 3.1.5.1),
 * reported as soon as the RopNotify arrives, without reading the contents table. What new-mail
 * notifications do not carry (a message gone, a read flag changed) and whatever a dropped
 * subscription missed comes from a full snapshot comparison at least every `intervalMs`; a
 * subscription lost with its session context (reset, reconnect) is made again at the next one.
 */
export async function* mapiWatch(options: MapiWatchOptions): AsyncGenerator<MailEvent, void, undefined> {
  const { session, folderId, intervalMs, signal } = options;
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });

  let arrived: string[] = [];
  let wake: (() => void) | undefined;
  let pump: Promise<void> | undefined;
  let pumping = false;

  const runPump = async (): Promise<void> => {
    for (let failures = 0; !stop.signal.aborted; ) {
      try {
        for await (const event of session.notifications({ folderId, signal: stop.signal })) {
          failures = 0;
          if (event.kind !== "newMail" || event.folderId !== folderId || event.messageId === undefined)
            continue;
          arrived.push(mapiMessageToken(folderId, event.messageId));
          wake?.();
        }
      } catch (error) {
        // A long poll timing out, the connection dropping or the session context being reset end
        // the subscription; subscribe again. Anything else (or a run of failures) leaves the
        // snapshot comparison alone until the next full pass tries again.
        if (stop.signal.aborted) return;
        failures += 1;
        if (!isMailwireError(error) || !error.retryable || failures > MAX_PUMP_FAILURES) return;
        await sleep(250 * failures, stop.signal).catch(() => undefined);
      }
    }
  };
  const startPump = () => {
    if (pumping || stop.signal.aborted) return;
    pumping = true;
    pump = runPump().finally(() => {
      pumping = false;
    });
  };

  let last: FolderSnapshot = new Map();
  let nextFull = 0;
  const fullSnapshot = async (callSignal: AbortSignal | undefined): Promise<FolderSnapshot> => {
    // Subscribed before the listing: mail arriving while it runs is either listed or notified.
    startPump();
    arrived = [];
    const state = new Map<string, boolean>();
    // Order does not matter to a snapshot: the server's own order, no RopSortTable.
    for await (const message of session.listMessages(folderId, { signal: callSignal, sortOrders: [] })) {
      state.set(mapiMessageToken(message.folderId, message.messageId), message.read);
    }
    nextFull = Date.now() + intervalMs;
    return state;
  };
  const snapshot = async (callSignal: AbortSignal | undefined): Promise<FolderSnapshot> => {
    if (arrived.length > 0 && Date.now() < nextFull) {
      // New mail arrives unread; a later full comparison reports a flag change if it is not.
      const state = new Map(last);
      for (const id of arrived) if (!state.has(id)) state.set(id, false);
      arrived = [];
      last = state;
      return state;
    }
    last = await fullSnapshot(callSignal);
    return last;
  };
  const wait = async (callSignal: AbortSignal | undefined): Promise<void> => {
    if (arrived.length > 0) return;
    const left = nextFull - Date.now();
    if (left <= 0) return;
    const woken = new AbortController();
    wake = () => woken.abort();
    try {
      await sleep(left, callSignal ? AbortSignal.any([callSignal, woken.signal]) : woken.signal);
    } catch (error) {
      throwIfAborted(callSignal);
      if (!woken.signal.aborted) throw error;
    } finally {
      wake = undefined;
    }
  };

  try {
    yield* snapshotWatch({ folderId: mapiFolderToken(folderId), signal, snapshot, wait });
  } finally {
    signal?.removeEventListener("abort", onAbort);
    stop.abort(new Error("watch ended"));
    await pump?.catch(() => undefined);
  }
}
