/** How the retry policy behaves; every field has a default. */
export interface RetryOptions {
  /** Attempts in total, the first one included. Default 3. */
  maxAttempts?: number | undefined;
  /** First back-off step. Default 250 ms; doubles each attempt. */
  baseDelayMs?: number | undefined;
  /** Cap on one back-off step. Default 8 s. */
  maxDelayMs?: number | undefined;
  /** A longer Retry-After than this is not waited for: give up with ServerBusyError at once. Default 60 s. */
  maxRetryAfterMs?: number | undefined;
  /** Statuses that mean "busy, come back later". Default 429 and 503. */
  retryStatuses?: readonly number[] | undefined;
  /** In [0, 1); injectable so tests get fixed jitter. Default Math.random. */
  random?: (() => number) | undefined;
  /** Epoch milliseconds, for Retry-After HTTP dates. Default Date.now. */
  now?: (() => number) | undefined;
  /** Waits between attempts; injectable so tests need not wait. Default: a timer that honours the signal. */
  sleep?: ((ms: number, signal: AbortSignal | undefined) => Promise<void>) | undefined;
}
