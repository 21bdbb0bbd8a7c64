import type { Readable } from "node:stream";
import type { HttpEngine, HttpHeaders, RequestBody } from "../types.js";

export type { HttpEngine };

/** One request as a slot connection sends it: the transport has already chosen the slot. */
export interface WireRequest {
  readonly origin: string;
  /** Path and query. */
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: RequestBody | undefined;
  readonly signal: AbortSignal | undefined;
  /** This request's own timeouts, replacing the client's; bodyMs 0 disables the body timeout. */
  readonly headersTimeoutMs?: number | undefined;
  readonly bodyTimeoutMs?: number | undefined;
}

/**
 * A response body as the engine delivers it. `bytes` and `dump` are the engine's own fast
 * whole-body readers where it has them; ResponseBody reads the stream itself otherwise.
 */
export interface WireBody extends Readable {
  bytes?(): Promise<Uint8Array>;
  dump?(options: { limit: number }): Promise<unknown>;
}

export interface WireResponse {
  readonly statusCode: number;
  readonly headers: HttpHeaders;
  readonly body: WireBody;
}

/**
 * Exactly one keep-alive connection to one origin, reconnected when its socket dies, with
 * requests sent one at a time in order. Every socket it opens is reported to `onSocket`
 * (after TLS and the principal check, before a request byte is written), which is how
 * connection-bound auth tells one connection from its replacement.
 */
export interface SlotConnection {
  request(request: WireRequest): Promise<WireResponse>;
  /** Lets queued and in-flight requests finish, then closes the socket. */
  close(): Promise<void>;
  /** Closes the socket now; pending requests fail. */
  destroy(): Promise<void>;
}
