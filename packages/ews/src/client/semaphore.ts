import { throwIfAborted, toAbortError } from "@mailwire/core";

/**
 * Bounds concurrent requests to one mailbox. Exchange Online's EWS throttling policy allows 27
 * concurrent connections per user (EWSMaxConcurrency); beyond that it answers ErrorServerBusy,
 * so queueing locally is cheaper than being throttled.
 */
export class Semaphore {
  readonly #waiting: Array<() => void> = [];
  #available: number;

  constructor(permits: number) {
    this.#available = permits;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#available > 0) {
      this.#available -= 1;
      return this.#releaser();
    }
    throwIfAborted(signal);
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(grant);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(toAbortError(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(grant);
    });
    return this.#releaser();
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#available += 1;
    };
  }
}
