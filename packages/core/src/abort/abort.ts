import { AbortError, TimeoutError } from "../errors/error-classes.js";
import { MailwireError } from "../errors/mailwire-error.js";

/** The options every network call accepts. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Overall deadline for this call, in milliseconds. */
  timeoutMs?: number | undefined;
}

/** Throws a MailwireError AbortError at once if the signal has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw toAbortError(signal);
}

/** The error to surface for an aborted signal: a TimeoutError stays one, anything else becomes AbortError. */
export function toAbortError(signal: AbortSignal): MailwireError {
  const reason: unknown = signal.reason;
  if (reason instanceof MailwireError) return reason;
  return new AbortError(undefined, { cause: reason });
}

export interface Deadline {
  /** Fires when the caller aborts or the timeout passes. */
  readonly signal: AbortSignal;
  /** Removes the timer and the listener on the caller's signal. Always call it. */
  dispose(): void;
}

/**
 * Joins a caller's signal with a timeout into one signal. The timeout aborts with a
 * TimeoutError naming the phase, so callers can tell "too slow" from "cancelled".
 */
export function deadline(options: CallOptions & { phase?: string }): Deadline {
  const controller = new AbortController();
  const { signal, timeoutMs, phase = "operation" } = options;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => controller.abort(signal?.reason);
  if (signal) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener("abort", onAbort, { once: true });
  }
  if (timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY && !controller.signal.aborted) {
    timer = setTimeout(
      () =>
        controller.abort(new TimeoutError(`${phase} timed out after ${timeoutMs} ms`, { phase, timeoutMs })),
      timeoutMs,
    );
    timer.unref?.();
  }
  return {
    signal: controller.signal,
    dispose() {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** Races a promise against a signal; the listener is removed either way. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(toAbortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(toAbortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Waits `ms`, or rejects when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(toAbortError(signal));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(toAbortError(signal as AbortSignal));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
