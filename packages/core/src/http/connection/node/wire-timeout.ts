/** The internal codes map-error.ts turns into TimeoutError for the headers and body phases. */
export const WIRE_HEADERS_TIMEOUT = "ERR_MW_HEADERS_TIMEOUT";
export const WIRE_BODY_TIMEOUT = "ERR_MW_BODY_TIMEOUT";

/**
 * The error the node:http engine destroys a request or response with when its headers or
 * body timeout fires. The transport maps it (with the request's method and URL in the
 * message) exactly as it maps undici's HeadersTimeoutError and BodyTimeoutError.
 */
export function wireTimeout(phase: "headers" | "body", timeoutMs: number): Error {
  return Object.assign(new Error(`${phase} timeout after ${timeoutMs} ms`), {
    code: phase === "headers" ? WIRE_HEADERS_TIMEOUT : WIRE_BODY_TIMEOUT,
  });
}
