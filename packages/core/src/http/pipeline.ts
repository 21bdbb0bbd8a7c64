import type { ResponseBody } from "./body/response-body.js";
import type { ConnectionSlot } from "./connection/connection-slot.js";
import type { ConnectedInfo, HttpHeaders, RequestBody, RequestTimeouts } from "./types.js";

/**
 * The request as it travels down the interceptor chain. `signal` already joins the
 * caller's signal and the overall timeout, so every layer below honours both.
 */
export interface OutgoingRequest {
  readonly method: string;
  /** Shared with other requests to the same URL: never change it, make a new URL instead. */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: RequestBody | undefined;
  readonly idempotent: boolean;
  readonly signal: AbortSignal | undefined;
  /** Per-request headers/body timeouts replacing the client's. */
  readonly timeouts?: RequestTimeouts | undefined;
  /** Pins the request to one connection (a connection-bound auth handshake needs that). */
  readonly connection?: ConnectionSlot | undefined;
  /** HttpRequest.onConnected, wrapped so that it runs once for all of the request's legs. */
  readonly onConnected?: ((connection: ConnectedInfo) => void) | undefined;
}

/** What the socket that carried a response looked like, for connection-bound auth. */
export interface ConnectionInfo {
  /** Process-unique id of the TCP connection; a reconnect gets a new id. */
  readonly id: number;
  /** The server certificate (DER) on TLS connections, for channel binding. */
  readonly peerCertificate: Uint8Array | undefined;
  /** Lower-case schemes whose connection-bound handshake succeeded on this connection. */
  readonly authenticatedSchemes: Set<string>;
}

export interface IncomingResponse {
  readonly statusCode: number;
  readonly headers: HttpHeaders;
  readonly body: ResponseBody;
  readonly connection: ConnectionInfo | undefined;
}

/** One step of the transport: takes a request, answers with a response or throws a MailwireError. */
export type Send = (request: OutgoingRequest) => Promise<IncomingResponse>;

/** Wraps a Send with one concern (auth, retry, status check), like an undici interceptor. */
export type Interceptor = (next: Send) => Send;

/** Applies interceptors so that the first one listed is the outermost. */
export function composeInterceptors(transport: Send, interceptors: readonly Interceptor[]): Send {
  let send = transport;
  for (let index = interceptors.length - 1; index >= 0; index--) {
    const interceptor = interceptors[index];
    if (interceptor) send = interceptor(send);
  }
  return send;
}

/** First value of a response header, lower-case name. */
export function headerValue(headers: HttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The fields `copyRequest` can replace. */
export interface RequestChanges {
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody | undefined;
  readonly connection?: ConnectionSlot | undefined;
}

/**
 * A copy of the request with some fields replaced. Spelled out on purpose: V8 builds
 * `{ ...request, connection }` through a slow path (about a microsecond and a half, more
 * than the rest of the interceptor), and this runs for every request.
 */
export function copyRequest(request: OutgoingRequest, changes: RequestChanges): OutgoingRequest {
  return {
    method: request.method,
    url: request.url,
    headers: changes.headers ?? request.headers,
    body: "body" in changes ? changes.body : request.body,
    idempotent: request.idempotent,
    signal: request.signal,
    timeouts: request.timeouts,
    connection: "connection" in changes ? changes.connection : request.connection,
    onConnected: request.onConnected,
  };
}

const origins = new WeakMap<URL, string>();

/**
 * `url.origin`, computed once per URL object. Every layer keys a Map by origin (chosen
 * scheme, pools, undici's agent); the getter builds a new string each time and each new
 * string is hashed again, so one request would pay for that three times.
 */
export function originOf(url: URL): string {
  let origin = origins.get(url);
  if (origin === undefined) {
    origin = url.origin;
    origins.set(url, origin);
  }
  return origin;
}
