import { performance } from "node:perf_hooks";
import { ResponseBody } from "../body/response-body.js";
import { describeTarget, type HttpDiagnostics } from "../http-diagnostics.js";
import { toMailwireError } from "../map-error.js";
import type { IncomingResponse, OutgoingRequest, Send } from "../pipeline.js";
import type { TransportSettings } from "./dispatcher-factory.js";
import { type Lease, OriginPool } from "./origin-pool.js";
import { socketState } from "./socket-state.js";

/** The bottom of the chain: per-origin connection pools and the wire request itself. */
export interface Transport {
  readonly send: Send;
  acquire(origin: string, scheme: string | undefined, signal: AbortSignal | undefined): Promise<Lease>;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

export function createTransport(
  settings: TransportSettings,
  maxConnections: number,
  diagnostics: HttpDiagnostics,
): Transport {
  const pools = new Map<string, OriginPool>();
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
    const target = `${method} ${describeTarget(url)}`;
    const started = performance.now();
    const slot = request.connection ?? (await poolFor(url.origin).acquire(undefined, signal)).slot;
    diagnostics.request({ method, url, headers: request.headers, connectionId: slot.state?.id });
    slot.begin();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      slot.end();
    };
    try {
      const data = await slot.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: method as never,
        headers: request.headers,
        body: request.body as never,
        signal,
      });
      // pipelining is 1, so the socket that delivered these headers is the slot's current one.
      const state = socketState(slot.socket);
      data.body.once("end", finish);
      data.body.once("close", finish);
      const body = new ResponseBody(data.body, (error) => toMailwireError(error, { target, signal }));
      diagnostics.response({
        method,
        url,
        statusCode: data.statusCode,
        headers: data.headers,
        connectionId: state?.id,
        durationMs: performance.now() - started,
      });
      return {
        statusCode: data.statusCode,
        headers: data.headers,
        body,
        connection: state,
      };
    } catch (error) {
      finish();
      const mapped = toMailwireError(error, { target, signal });
      diagnostics.error({ method, url, error: mapped, durationMs: performance.now() - started });
      throw mapped;
    }
  };

  return {
    send,
    acquire: (origin, scheme, signal) => poolFor(origin).acquire(scheme, signal),
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
    destroy: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.destroy()));
    },
  };
}
