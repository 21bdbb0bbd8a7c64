export interface BackoffOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random: () => number;
}

/**
 * Delay before retry number `retry` (1 for the first retry): exponential, capped, with
 * "equal jitter" (half fixed, half random) so many clients throttled together do not
 * come back in lock-step, yet none comes back immediately.
 */
export function backoffDelay(retry: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * options.random());
}
