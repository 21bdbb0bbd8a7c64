import http from "node:http";
import type { Socket } from "node:net";
import { type Duplex, Readable } from "node:stream";
import { toAbortError } from "../../../abort/abort.js";
import { ClosedError, InvalidArgumentError } from "../../../errors/error-classes.js";
import type { HttpHeaders, RequestBody } from "../../types.js";
import { observeConnector } from "../connector.js";
import type { TransportSettings } from "../dispatcher-factory.js";
import type { SlotConnection, WireRequest, WireResponse } from "../slot-connection.js";
import { createNodeConnector } from "./node-connector.js";
import { bareHost, DEFAULT_PORTS } from "./url-host.js";
import { wireTimeout } from "./wire-timeout.js";

/**
 * node:http's keep-alive Agent, limited to one socket, whose sockets come from our connector
 * (TLS, proxy tunnel, principal check, connect deadline) rather than net.connect. The Agent
 * queues requests while the socket is busy, hands it to the next one once a response has
 * been read to its end, and opens a new socket when it died.
 */
type Connect = (callback: (error: Error | null, socket: Socket | null) => void) => void;

class SlotAgent extends http.Agent {
  readonly #connect: Connect;

  constructor(keepAliveTimeoutMs: number, connect: Connect) {
    // `timeout` is what node:http gives an idle keep-alive socket (a server's Keep-Alive
    // hint shortens it); `fifo` keeps the one socket's requests in the order they came.
    super({
      keepAlive: true,
      maxSockets: 1,
      maxFreeSockets: 1,
      timeout: keepAliveTimeoutMs,
      scheduling: "fifo",
    });
    this.#connect = connect;
  }

  override createConnection(
    _options: unknown,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): undefined {
    this.#connect((error, socket) => callback?.(error, socket as Socket));
    return undefined;
  }
}

/** A request waiting for the slot's socket. */
interface Queued {
  run(): void;
  fail(error: unknown): void;
}

/** Response headers as undici gives them: lower-case names, a repeated header as an array. */
function headersOf(raw: readonly string[]): HttpHeaders {
  const headers: HttpHeaders = {};
  for (let index = 0; index < raw.length; index += 2) {
    const name = (raw[index] as string).toLowerCase();
    const value = raw[index + 1] as string;
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [existing, value];
  }
  return headers;
}

/**
 * A response without a body: to HEAD, 204 and 304 (RFC 9110 §6.4.1), or with Content-Length
 * 0 and no Transfer-Encoding (RFC 9112 §6.3).
 */
function isBodiless(method: string, incoming: http.IncomingMessage): boolean {
  const status = incoming.statusCode ?? 0;
  if (method === "HEAD" || status === 204 || status === 304) return true;
  return incoming.headers["content-length"] === "0" && incoming.headers["transfer-encoding"] === undefined;
}

/**
 * Resolves once `chunk` has left node:http's buffers for the socket (or the request is gone).
 * node:http corks the socket on a write and uncorks it a tick later, so "written" must mean
 * the write's callback: a streamed body's producer (an RPC over HTTP channel) takes the pull
 * of its next chunk as "the last one is on the wire" and may destroy the request right after.
 */
function writeChunk(request: http.ClientRequest, chunk: Uint8Array | string): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      request.off("close", done);
      resolve();
    };
    request.on("close", done);
    // An error here also reaches the request's 'error' listener, which fails the request.
    request.write(chunk, done);
  });
}

/** Writes a one-shot body chunk by chunk, once the request has its socket. */
async function writeStream(
  request: http.ClientRequest,
  body: AsyncIterable<Uint8Array | string>,
): Promise<void> {
  for await (const chunk of body) {
    if (request.destroyed) return;
    await writeChunk(request, chunk);
  }
  if (!request.destroyed) request.end();
}

/**
 * A slot connection on node:http. Its HTTP parser is Node's own (llhttp compiled in), where
 * undici runs llhttp as WebAssembly: V8 compiles that module again with TurboFan once it is
 * hot, ~29 MB of transient memory per process, which is most of what a client that sends a
 * few hundred requests peaks at. Everything above the socket (pools, auth, retry, errors)
 * is the same for both engines.
 */
export function createNodeConnection(
  origin: string,
  settings: TransportSettings,
  onSocket: (socket: Socket) => void,
): SlotConnection {
  const url = new URL(origin);
  const connector = observeConnector(createNodeConnector(settings) as never, {
    onSocket,
    expectedPrincipalName: settings.tls.expectedPrincipalName,
    connectTimeoutMs: settings.connectTimeoutMs,
  });
  const target = { protocol: url.protocol, hostname: url.hostname, port: url.port };
  const agent = new SlotAgent(settings.keepAliveTimeoutMs, (callback) =>
    connector(target as never, (error, socket) => {
      // A connect that completes after destroy(): node:http would hand the socket to the
      // destroyed Agent as a free one, where it would stay open until its idle timeout.
      if (ended === "destroy" && socket !== null) {
        (socket as Socket).destroy();
        callback(new ClosedError("the HTTP client was destroyed"), null);
        return;
      }
      callback(error, (socket as Socket | null) ?? null);
    }),
  );
  const hostHeader = url.host;
  const defaultPort = DEFAULT_PORTS[url.protocol] ?? 80;
  // One request at a time is handed to the Agent: node:http counts a socket only once its
  // connect has called back, so requests given to it while ours is still connecting (TLS,
  // a proxy tunnel) would each open a socket of their own. The next request starts a tick
  // after the previous one finished, when node:http has put the socket back as free.
  const queue: Queued[] = [];
  /** Each request handed to the Agent and not yet finished, with what destroy() does to it. */
  const live = new Map<http.ClientRequest, (error: Error) => void>();
  let active = false;
  let ended: "close" | "destroy" | undefined;
  let drained: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  const pump = () => {
    if (active) return;
    const next = queue.shift();
    if (next === undefined) {
      if (live.size === 0) drained?.();
      return;
    }
    active = true;
    next.run();
  };
  const release = () => {
    active = false;
    process.nextTick(pump);
  };

  const send = (
    wire: WireRequest,
    resolve: (response: WireResponse) => void,
    reject: (error: unknown) => void,
  ) => {
    let outgoing: http.ClientRequest;
    try {
      outgoing = http.request({
        agent,
        host: bareHost(target.hostname),
        port: url.port === "" ? defaultPort : Number(url.port),
        defaultPort,
        method: wire.method,
        path: wire.path,
        headers: wire.headers.host === undefined ? { host: hostHeader, ...wire.headers } : wire.headers,
      });
    } catch (error) {
      release();
      // node:http validates the method and every header name and value up front.
      reject(new InvalidArgumentError("invalid request (method or header)", { cause: error }));
      return;
    }
    // node:http frames a body only on methods it expects one for: on GET, DELETE or OPTIONS
    // it sends neither Content-Length nor chunked, and the server reads the body as the next
    // request (RFC 9112 §6.3). So the framing is always set here, as undici sets it.
    const sent = wire.body;
    if (
      sent !== undefined &&
      !outgoing.hasHeader("content-length") &&
      !outgoing.hasHeader("transfer-encoding")
    ) {
      if (typeof sent === "string") outgoing.setHeader("content-length", Buffer.byteLength(sent));
      else if (sent instanceof Uint8Array) outgoing.setHeader("content-length", sent.byteLength);
      else outgoing.setHeader("transfer-encoding", "chunked");
    }
    const { signal } = wire;
    const headersMs = wire.headersTimeoutMs ?? settings.headersTimeoutMs;
    const bodyMs = wire.bodyTimeoutMs ?? settings.bodyTimeoutMs;
    let response: http.IncomingMessage | undefined;
    let headersTimer: NodeJS.Timeout | undefined;
    let bodyTimer: NodeJS.Timeout | undefined;
    let watched: Socket | undefined;
    let done = false;

    const touch = () => bodyTimer?.refresh();
    const onAbort = () => {
      const reason = toAbortError(signal as AbortSignal);
      if (response !== undefined) response.destroy(reason);
      else outgoing.destroy(reason);
    };
    const finished = () => {
      if (done) return;
      done = true;
      clearTimeout(headersTimer);
      clearTimeout(bodyTimer);
      watched?.off("data", touch);
      signal?.removeEventListener("abort", onAbort);
      live.delete(outgoing);
      release();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    live.set(outgoing, (error) => {
      // A body being read fails with this error too: destroying only the request would
      // reach its reader as "the server closed the connection".
      if (response !== undefined) return void response.destroy(error);
      outgoing.destroy(error);
      // Rejected now: a request still connecting would otherwise hear of its destruction
      // only when the connect ends (node:http waits for the socket), up to connectMs later.
      finished();
      reject(error);
    });

    outgoing.on("error", (error) => {
      if (response === undefined) {
        finished();
        reject(error);
      }
      // After the head, a broken connection reaches the reader through the response body.
    });
    outgoing.once("socket", (socket: Socket) => {
      // A reused socket still carries the idle timeout the Agent gave it while it was free.
      if (outgoing.reusedSocket) socket.setTimeout(0);
      const body = wire.body as RequestBody | undefined;
      if (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array)) {
        // Pulled only now, on a connected socket, so a held body (auth-interceptor) can
        // still refuse before a byte of the caller's stream was read.
        writeStream(outgoing, body as AsyncIterable<Uint8Array | string>).catch((error: unknown) => {
          outgoing.destroy(error as Error);
        });
      }
    });
    outgoing.once("finish", () => {
      if (response !== undefined || !(headersMs > 0)) return;
      headersTimer = setTimeout(() => outgoing.destroy(wireTimeout("headers", headersMs)), headersMs);
    });
    outgoing.once("response", (incoming: http.IncomingMessage) => {
      response = incoming;
      clearTimeout(headersTimer);
      const statusCode = incoming.statusCode ?? 0;
      const headers = headersOf(incoming.rawHeaders);
      if (isBodiless(wire.method, incoming)) {
        // node:http frees the socket only at the body's 'end', which a body nobody reads
        // never reaches; a caller has no reason to read an empty one (and undici frees the
        // connection without it). So it is read here, and the caller gets an empty stream.
        incoming.on("error", () => {});
        incoming.once("end", finished);
        incoming.once("close", finished);
        incoming.resume();
        resolve({ statusCode, headers, body: Readable.from([]) });
        return;
      }
      const socket = incoming.socket as Socket | null;
      if (bodyMs > 0 && socket !== null && !incoming.complete) {
        bodyTimer = setTimeout(() => {
          // A reader that has stopped (back-pressure, or nobody reading yet) is not the
          // server's silence: the timer waits for the reader, as undici's does.
          if (incoming.readableFlowing !== true || incoming.readableLength > 0) {
            bodyTimer?.refresh();
            return;
          }
          incoming.destroy(wireTimeout("body", bodyMs));
        }, bodyMs);
        watched = socket;
        socket.on("data", touch);
      }
      incoming.once("end", finished);
      incoming.once("close", finished);
      resolve({ statusCode, headers, body: incoming });
    });

    const body = wire.body;
    if (body === undefined) outgoing.end();
    else if (typeof body === "string") outgoing.end(body);
    else if (body instanceof Uint8Array) outgoing.end(body);
  };

  const request = (wire: WireRequest): Promise<WireResponse> => {
    if (ended !== undefined) return Promise.reject(new ClosedError("the HTTP client is closed"));
    return new Promise<WireResponse>((resolve, reject) => {
      const { signal } = wire;
      const queued: Queued = {
        run: () => {
          signal?.removeEventListener("abort", onQueuedAbort);
          send(wire, resolve, reject);
        },
        fail: (error) => {
          signal?.removeEventListener("abort", onQueuedAbort);
          reject(error);
        },
      };
      const onQueuedAbort = () => {
        const index = queue.indexOf(queued);
        if (index >= 0) queue.splice(index, 1);
        reject(toAbortError(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onQueuedAbort, { once: true });
      queue.push(queued);
      pump();
    });
  };

  return {
    request,
    close: () => {
      ended ??= "close";
      // One drain for every caller: a second close() must not take the first one's resolver.
      closing ??= (async () => {
        if (active || queue.length > 0) await new Promise<void>((resolve) => (drained = resolve));
        agent.destroy();
      })();
      return closing;
    },
    destroy: async () => {
      ended = "destroy";
      for (const queued of queue.splice(0)) queued.fail(new ClosedError("the HTTP client was destroyed"));
      for (const abandon of live.values()) abandon(new ClosedError("the HTTP client was destroyed"));
      drained?.();
      agent.destroy();
    },
  };
}
