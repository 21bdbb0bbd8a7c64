export { type BackoffOptions, backoffDelay } from "./backoff.js";
export { parseRetryAfter } from "./retry-after.js";
export { retryInterceptor } from "./retry-interceptor.js";
export type { RetryOptions } from "./retry-options.js";
