import type { ImapFlow, MailboxLockObject } from "imapflow";

interface Held {
  readonly path: string;
  readonly lock: MailboxLockObject;
  busy: boolean;
  timer: NodeJS.Immediate | undefined;
}

/**
 * Keeps imapflow's mailbox lock between consecutive calls on the same folder. Taking and
 * releasing it per call costs imapflow a pass over its lock queue, a timer armed and cleared
 * and an immediate each time: +8-9% CPU over 500 one-at-a-time downloads against bare imapflow
 * holding one lock (bench/, BENCH_WORKLOAD=downloads), and the same +1% as ours once bare
 * imapflow took a lock per download too. So a call's lock is released one event-loop turn
 * after it ends, unless the next call for the same folder has taken it over by then (a loop
 * that awaits each call starts the next one within that turn).
 *
 * Fairness: a call of this session waiting for a lock (another folder, or one started while
 * the lock was busy) stops the reuse, so a tight loop on one folder cannot starve it; a lock
 * is reused only while the selected mailbox is still the one it was granted for.
 */
export class MailboxLocks {
  readonly #client: ImapFlow;
  #held: Held | undefined;
  #waiting = 0;

  constructor(client: ImapFlow) {
    this.#client = client;
  }

  /** The folder's lock, for one call; the returned function ends the call (idempotent). */
  async acquire(path: string): Promise<() => void> {
    const held = this.#held;
    // No call of ours waits while a kept lock is idle: a waiter is counted only after this
    // branch dropped the idle lock (or found it busy), and a busy lock that ends while one
    // waits is dropped, not kept (#ender). So an idle lock here is free to reuse.
    if (held !== undefined && !held.busy) {
      const selected = this.#client.mailbox;
      if (held.path === path && selected && selected.path === held.lock.path) {
        if (held.timer !== undefined) clearImmediate(held.timer);
        held.timer = undefined;
        held.busy = true;
        return this.#ender(held);
      }
      this.#drop(held);
    }
    this.#waiting += 1;
    let lock: MailboxLockObject;
    try {
      lock = await this.#client.getMailboxLock(path);
    } finally {
      this.#waiting -= 1;
    }
    const entry: Held = { path, lock, busy: true, timer: undefined };
    this.#held = entry;
    return this.#ender(entry);
  }

  /** Lets go of a kept lock at once (close, destroy). */
  releaseIdle(): void {
    const held = this.#held;
    if (held !== undefined && !held.busy) this.#drop(held);
  }

  #ender(entry: Held): () => void {
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      entry.busy = false;
      if (this.#held !== entry || this.#waiting > 0) {
        this.#drop(entry);
        return;
      }
      entry.timer = setImmediate(() => {
        entry.timer = undefined;
        if (!entry.busy) this.#drop(entry);
      });
    };
  }

  #drop(entry: Held): void {
    if (entry.timer !== undefined) clearImmediate(entry.timer);
    entry.timer = undefined;
    if (this.#held === entry) this.#held = undefined;
    entry.lock.release();
  }
}
