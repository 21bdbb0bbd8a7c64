import type { RequestBody } from "../types.js";

/**
 * True when the body can be sent again unchanged: after a 401 that starts an auth
 * handshake, or for a retry. Streams are read as they are sent, so they cannot.
 */
export function isReplayable(body: RequestBody | undefined): body is string | Uint8Array | undefined {
  return body === undefined || typeof body === "string" || body instanceof Uint8Array;
}
