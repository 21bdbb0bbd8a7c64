import { performance } from "node:perf_hooks";
import { raceAbort, throwIfAborted } from "../../abort/abort.js";
import { ResponseBody } from "../body/response-body.js";
import { describeTarget, type HttpDiagnostics } from "../http-diagnostics.js";
import { errorCode, toMailwireError } from "../map-error.js";
import { type IncomingResponse, type OutgoingRequest, originOf, type Send } from "../pipeline.js";
import type { ConnectionSlot } from "./connection-slot.js";
import type { TransportSettings } from "./dispatcher-factory.js";
import { type Lease, OriginPool } from "./origin-pool.js";
import { socketState } from "./socket-state.js";
import { loadedUndici, loadUndici } from "./undici-parts.js";

/** How each engine reports a connection the server closed or reset under a request. */
const CLOSED_CODES: ReadonlySet<unknown> = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

/** Ends the slot's request once, whichever of the body's 'end' and 'close' comes first. */
function endOnce(slot: ConnectionSlot): () => void {
  let finished = false;
  return () => {
    if (finished) return;
    finished = true;
    slot.end();
  };
}

/** The bottom of the chain: per-origin connection pools and the wire request itself. */
export interface Transport {
  readonly send: Send;
  acquire(origin: string, scheme: string | undefined, signal: AbortSignal | undefined): Promise<Lease>;
  /** The lease acquire() would give at once, or undefined when it would have to wait. */
  tryAcquire(origin: string, scheme: string | undefined): Lease | undefined;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

export function createTransport(
  settings: TransportSettings,
  maxConnections: number,
  diagnostics: HttpDiagnostics,
): Transport {
  const pools = new Map<string, OriginPool>();
  const usesUndici = settings.engine === "undici";
  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new OriginPool(origin, settings, maxConnections);
      pools.set(origin, pool);
    }
    return pool;
  };

  const send: Send = async (request: OutgoingRequest): Promise<IncomingResponse> => {
    const { url, method, signal } = request;
    const origin = originOf(url);
    const started = performance.now();
    const mapError = (error: unknown) =>
      toMailwireError(error, { target: `${method} ${describeTarget(url)}`, signal });
    // undici is loaded by the first request of the process (see undici-parts.ts).
    if (usesUndici && loadedUndici() === undefined) {
      await loadUndici().catch((error: unknown) => {
        throw mapError(error);
      });
    }
    let slot = request.connection;
    if (!slot) {
      const pool = poolFor(origin);
      slot = (pool.tryAcquire(undefined) ?? (await pool.acquire(undefined, signal))).slot;
    }
    // Without a logger or subscriber, gather nothing for diagnostics (not even the connection id).
    const observed = diagnostics.observed();
    if (observed)
      diagnostics.request({ method, url, headers: request.headers, connectionId: slot.state?.id });
    slot.begin();
    const finish = endOnce(slot);
    const stopWaiting = request.onConnected && slot.whenConnected(request.onConnected);
    try {
      const connection = slot.connection();
      // undici holds a request's abort until the connection is up (it only records the reason
      // while connecting), so racing the signal here is what makes an abort, or the overall
      // timeoutMs, end a connect that hangs. undici then drops the request unsent; the raced
      // promise keeps its handlers, so its late rejection is never unhandled.
      // (raceAbort on a signal that has already fired would leave `pending` unobserved.)
      throwIfAborted(signal);
      const pending = connection.request({
        origin,
        path: url.search === "" ? url.pathname : `${url.pathname}${url.search}`,
        method,
        headers: request.headers,
        body: request.body,
        signal,
        headersTimeoutMs: request.timeouts?.headersMs,
        bodyTimeoutMs: request.timeouts?.bodyMs,
      });
      const data = await (signal === undefined ? pending : raceAbort(pending, signal));
      // pipelining is 1, so the socket that delivered these headers is the slot's current one.
      const state = socketState(slot.socket);
      if (observed) {
        diagnostics.response({
          method,
          url,
          statusCode: data.statusCode,
          headers: data.headers,
          connectionId: state?.id,
          durationMs: performance.now() - started,
        });
      }
      return {
        statusCode: data.statusCode,
        headers: data.headers,
        // The body frees the slot as soon as its last byte is read (the caller may send the
        // next request before undici's 'close'), or when it fails or is destroyed.
        body: new ResponseBody(data.body, mapError, finish),
        connection: state,
      };
    } catch (error) {
      stopWaiting?.();
      finish();
      // A TLS alert from the server (say, "certificate required") beats the engine's "closed".
      // Those codes only come from a connected socket, and the slot's latest is the one.
      const tlsFailure = CLOSED_CODES.has(errorCode(error))
        ? socketState(slot.socket)?.tlsFailure
        : undefined;
      const mapped = mapError(tlsFailure ?? error);
      diagnostics.error({ method, url, error: mapped, durationMs: performance.now() - started });
      throw mapped;
    }
  };

  return {
    send,
    acquire: (origin, scheme, signal) => poolFor(origin).acquire(scheme, signal),
    tryAcquire: (origin, scheme) => poolFor(origin).tryAcquire(scheme),
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
    destroy: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.destroy()));
    },
  };
}
