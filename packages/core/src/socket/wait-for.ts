import type { EventEmitter } from "node:events";
import { deadline, toAbortError } from "../abort/abort.js";

export interface WaitForOptions {
  /** Fires on the caller's abort or the overall deadline. */
  signal?: AbortSignal | undefined;
  /** This phase's own timeout. */
  timeoutMs?: number | undefined;
  /** Named in the TimeoutError so callers can tell which phase was slow. */
  phase: string;
}

/**
 * Resolves on `event`, rejects on 'error' or 'close' (mapped by `onFailure`) or when the
 * signal or the phase timeout fires. Every listener and timer is removed on settle.
 */
export function waitFor(
  emitter: EventEmitter,
  event: string,
  options: WaitForOptions,
  onFailure: (error: unknown) => unknown,
): Promise<void> {
  const limit = deadline(options);
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      emitter.off(event, onEvent);
      emitter.off("error", onError);
      emitter.off("close", onClose);
      limit.signal.removeEventListener("abort", onAbort);
      limit.dispose();
    };
    const onEvent = () => {
      cleanup();
      resolve();
    };
    const onError = (error: unknown) => {
      cleanup();
      reject(onFailure(error));
    };
    const onClose = () => onError(new Error(`socket closed before ${event}`));
    const onAbort = () => {
      cleanup();
      reject(toAbortError(limit.signal));
    };
    if (limit.signal.aborted) return onAbort();
    emitter.once(event, onEvent);
    emitter.once("error", onError);
    emitter.once("close", onClose);
    limit.signal.addEventListener("abort", onAbort, { once: true });
  });
}
