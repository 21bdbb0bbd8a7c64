import { sleep as abortableSleep } from "../abort/abort.js";
import { ChannelName, publish } from "../diagnostics/channels.js";
import { ServerBusyError } from "../errors/error-classes.js";
import { isMailwireError, type MailwireError } from "../errors/mailwire-error.js";
import { isReplayable } from "../http/body/request-body.js";
import { describeTarget } from "../http/http-diagnostics.js";
import {
  headerValue,
  type IncomingResponse,
  type Interceptor,
  type OutgoingRequest,
} from "../http/pipeline.js";
import { backoffDelay } from "./backoff.js";
import { parseRetryAfter } from "./retry-after.js";
import type { RetryOptions } from "./retry-options.js";

/**
 * Repeats a request when that is safe and may help:
 * - the failure happened before anything reached the server (connect refused/timed
 *   out), whatever the request;
 * - or the caller marked the request idempotent, its body can be sent again, and the
 *   failure is transient (a retryable MailwireError, or a "busy" status such as 429/503).
 * Waits what Retry-After says, else a jittered exponential back-off. When it stops on a
 * busy status it throws ServerBusyError with the server's retryAfterMs.
 */
export function retryInterceptor(options: RetryOptions = {}): Interceptor {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const statuses = new Set(options.retryStatuses ?? [429, 503]);
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? abortableSleep;
  const backoff = {
    baseDelayMs: options.baseDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 8_000,
    random: options.random ?? Math.random,
  };

  return (next) => async (request: OutgoingRequest) => {
    const repeatable = request.idempotent && isReplayable(request.body);
    for (let attempt = 1; ; attempt++) {
      let response: IncomingResponse;
      try {
        response = await next(request);
      } catch (error) {
        const failure = error as MailwireError;
        const neverSent = isMailwireError(error) && failure.details.requestSent === false;
        const transient = isMailwireError(error) && failure.retryable;
        if (attempt >= maxAttempts || !transient || !(neverSent || repeatable) || request.signal?.aborted) {
          throw error;
        }
        const delayMs = backoffDelay(attempt, backoff);
        announce(request, attempt, delayMs, { errorCode: failure.code });
        await wait(delayMs, request.signal);
        continue;
      }
      if (!statuses.has(response.statusCode)) return response;
      const retryAfterMs = parseRetryAfter(headerValue(response.headers, "retry-after"), now());
      await response.body.dump();
      const serverAllowsWait = retryAfterMs === undefined || retryAfterMs <= maxRetryAfterMs;
      if (attempt >= maxAttempts || !repeatable || !serverAllowsWait) {
        throw new ServerBusyError(`server busy (HTTP ${response.statusCode}) after ${attempt} attempt(s)`, {
          retryAfterMs,
          details: { statusCode: response.statusCode, attempts: attempt },
        });
      }
      const delayMs = retryAfterMs ?? backoffDelay(attempt, backoff);
      announce(request, attempt, delayMs, { statusCode: response.statusCode, retryAfterMs });
      await wait(delayMs, request.signal);
    }
  };
}

function announce(
  request: OutgoingRequest,
  attempt: number,
  delayMs: number,
  reason: { statusCode?: number; retryAfterMs?: number | undefined; errorCode?: string },
): void {
  publish(ChannelName.retry, () => ({
    method: request.method,
    url: describeTarget(request.url),
    attempt,
    delayMs,
    ...reason,
  }));
}
