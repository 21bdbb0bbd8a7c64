import type { RequestBody } from "../types.js";

/**
 * True when the body can be sent again unchanged: after a 401 that starts an auth
 * handshake, or for a retry. Streams are read as they are sent, so they cannot.
 */
export function isReplayable(body: RequestBody | undefined): body is string | Uint8Array | undefined {
  return body === undefined || typeof body === "string" || body instanceof Uint8Array;
}

/**
 * The one-shot body behind a gate: undici pulls it only once it is about to write it on
 * a connected socket, and at that moment `ready()` decides. When it says no, `refusal`
 * ends the request before a byte of the caller's stream was read, so the stream can
 * still be sent elsewhere.
 */
export function holdBody(
  body: Exclude<RequestBody, string | Uint8Array>,
  ready: () => boolean,
  refusal: Error,
): AsyncIterable<Uint8Array | string> {
  return {
    async *[Symbol.asyncIterator]() {
      if (!ready()) throw refusal;
      yield* body as AsyncIterable<Uint8Array | string>;
    },
  };
}
