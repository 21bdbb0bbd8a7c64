import { AbortError, TimeoutError, toAbortError } from "@mailwire/core";

export interface RaceCandidate<T> {
  /** `connected` is for candidates that set `reportsConnect`: call it once a server answered the connect. */
  run(signal: AbortSignal, connected: () => void): Promise<T>;
  /**
   * The candidate calls `connected` when its first TCP (and TLS) connect completes. Until it
   * has, a worse candidate's answer does not wait for it: a better candidate that has not even
   * finished its connect when a worse one has a whole answer is overwhelmingly likely
   * black-holed. Candidates without it (an LDAP lookup) always get the grace window.
   */
  reportsConnect?: boolean | undefined;
}

export type RaceResult<T> = { kind: "won"; index: number; value: T } | { kind: "failed"; errors: unknown[] };

export interface RaceOptions {
  signal?: AbortSignal | undefined;
  /**
   * After a lower-priority candidate succeeds, how long to wait for higher-priority ones
   * that are still running. A higher-priority answer inside the window wins; after it,
   * the best answer so far wins and the rest are cancelled. A function gets the time the
   * first answer took (from the start of the race) and returns the window.
   */
  graceMs: number | ((answerElapsedMs: number) => number);
  /** Aborts each candidate that runs longer than this. */
  candidateTimeoutMs: number;
}

/**
 * Runs every candidate at once; `candidates` is in priority order (index 0 is best). The
 * first success wins outright when every better candidate has already failed or, for those
 * that report their connect, has not connected yet; otherwise the better candidates still
 * running get `graceMs` to answer. Losers are aborted as soon as the winner is
 * known, so their sockets close instead of waiting for their own timeouts.
 */
export function priorityRace<T>(
  candidates: readonly RaceCandidate<T>[],
  options: RaceOptions,
): Promise<RaceResult<T>> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(toAbortError(signal));
  return new Promise((resolve, reject) => {
    const controllers = candidates.map(() => new AbortController());
    const startedAt = performance.now();
    const timers = candidates.map((_, index) => {
      const timer = setTimeout(
        () =>
          controllers[index]?.abort(
            new TimeoutError(`candidate timed out after ${options.candidateTimeoutMs} ms`, {
              phase: "candidate",
              timeoutMs: options.candidateTimeoutMs,
            }),
          ),
        options.candidateTimeoutMs,
      );
      timer.unref?.();
      return timer;
    });
    const settled: Array<{ ok: true; value: T } | { ok: false; error: unknown } | undefined> = candidates.map(
      () => undefined,
    );
    const connected = candidates.map(() => false);
    let done = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const cleanup = (winner: number) => {
      done = true;
      if (graceTimer) clearTimeout(graceTimer);
      for (const timer of timers) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      controllers.forEach((controller, index) => {
        if (index !== winner && settled[index] === undefined)
          controller.abort(new AbortError("cancelled: a higher-priority candidate answered"));
      });
    };

    const decide = (graceOver: boolean) => {
      if (done) return;
      for (let index = 0; index < candidates.length; index++) {
        const state = settled[index];
        if (state === undefined) {
          // A better candidate is still running: wait for it, unless the grace window is over
          // and some worse candidate already has an answer, or it has not even connected yet.
          if (!graceOver && (connected[index] || candidates[index]?.reportsConnect !== true)) return;
          continue;
        }
        if (state.ok) {
          cleanup(index);
          resolve({ kind: "won", index, value: state.value });
          return;
        }
      }
      if (settled.every((state) => state !== undefined)) {
        cleanup(-1);
        resolve({
          kind: "failed",
          errors: settled.map((state) => (state?.ok === false ? state.error : undefined)),
        });
      }
    };

    const onAbort = () => {
      if (done) return;
      cleanup(-1);
      reject(toAbortError(signal as AbortSignal));
    };
    signal?.addEventListener("abort", onAbort, { once: true });

    candidates.forEach((candidate, index) => {
      const controller = controllers[index] as AbortController;
      const forward = () => controller.abort(signal?.reason);
      signal?.addEventListener("abort", forward, { once: true });
      Promise.resolve()
        .then(() =>
          candidate.run(controller.signal, () => {
            connected[index] = true;
          }),
        )
        .then(
          (value) => {
            settled[index] = { ok: true, value };
          },
          (error: unknown) => {
            settled[index] = { ok: false, error };
          },
        )
        .finally(() => {
          signal?.removeEventListener("abort", forward);
          clearTimeout(timers[index]);
          if (done) return;
          const state = settled[index];
          if (state?.ok && graceTimer === undefined) {
            const grace =
              typeof options.graceMs === "function"
                ? options.graceMs(performance.now() - startedAt)
                : options.graceMs;
            graceTimer = setTimeout(() => decide(true), Math.max(0, grace));
            graceTimer.unref?.();
          }
          decide(false);
        });
    });
    if (candidates.length === 0) decide(true);
  });
}
