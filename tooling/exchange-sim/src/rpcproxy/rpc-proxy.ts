import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ConnectionState } from "../auth/authenticate-request.js";
import type { AuthenticatedUser } from "../auth/credentials.js";
import { type FramingError, PduSplitter, type RequestHead, readHead } from "./byte-framing.js";
import { type InSide, ProxyVirtualConnection } from "./proxy-virtual-connection.js";
import {
  emptyRpcProxyStats,
  type RpcProxyControl,
  type RpcProxySettings,
  type RpcProxyStats,
} from "./rpc-proxy-settings.js";
import { CLIENT_SHAPES, echoReply, readRts, shapeOf } from "./rts-wire.js";

// The RPC proxy endpoint /rpc/rpcproxy.dll ([MS-RPCH] 2.1.2, 3.2.3, 3.2.4) on the sim's HTTPS
// port. Each connection that starts with RPC_IN_DATA or RPC_OUT_DATA is served here: the
// sim's authentication per request (NTLM stays on the connection), echo requests, then one
// channel per connection for the rest of its life.

/** The sim's authentication, as start-sim runs it for ordinary requests (writes a 401 into `res`). */
export type SimAuthenticate = (
  req: IncomingMessage,
  res: ServerResponse,
  connection: ConnectionState,
) => AuthenticatedUser | undefined;

/** [MS-RPCH] 2.1.2.1.1 / 2.1.2.1.2: a request this small is an echo request, not a channel. */
const ECHO_MAX_CONTENT_LENGTH = 0x10;
/**
 * CONN/A1 is 76 bytes, a replacement OUT channel 120 (OUT_R1/A3 + OUT_R1/A11, [MS-RPCH]
 * 2.1.2.1.2); anything much larger is not an OUT channel.
 */
const OUT_REQUEST_MAX = 1024;
/** A 401 is drained (so the connection can carry the next leg) only for bodies up to this. */
const DRAIN_MAX = 64 * 1024;
const PROXY_PATH = "/rpc/rpcproxy.dll";

const DEFAULTS = {
  inReceiveWindow: 64 * 1024,
  outChannelLifetime: 1024 * 1024 * 1024,
  connectionTimeoutMs: 120_000,
  pingIntervalMs: 30_000,
  ignoreClientWindow: false,
  outRecycleFault: "none",
  outRecycleMode: "R2",
};

export interface RpcProxy {
  readonly control: RpcProxyControl;
  /** True when `firstBytes` (a connection's first chunk) starts an RPC proxy request. */
  claims(firstBytes: Buffer): boolean;
  /** Serves a connection from its first chunk on. */
  serve(socket: Socket, firstBytes: Buffer): void;
  close(): void;
}

export function createRpcProxy(options: {
  authenticate: SimAuthenticate;
  settings?: RpcProxySettings | undefined;
}): RpcProxy {
  const settings = { ...DEFAULTS, backend: undefined, ...options.settings } as ReturnType<
    ConstructorParameters<typeof ProxyVirtualConnection>[1]["settings"]
  >;
  let stats: RpcProxyStats = emptyRpcProxyStats();
  const requests: { method: string; target: string; contentLength: number }[] = [];
  const connections = new Map<string, ProxyVirtualConnection>();
  const forced: { status: 401 | 503; remaining: number } = { status: 401, remaining: 0 };
  let stalled = false;
  let nextConnectionId = 1_000_000;

  const env = {
    settings: () => settings,
    get stats() {
      return stats;
    },
    isStalled: () => stalled,
    forget: (vc: ProxyVirtualConnection) => {
      if (connections.get(vc.cookie) === vc) connections.delete(vc.cookie);
    },
  };
  const vcFor = (cookie: string, create: boolean) => {
    let vc = connections.get(cookie);
    if (!vc && create) {
      vc = new ProxyVirtualConnection(cookie, env);
      connections.set(cookie, vc);
    }
    return vc;
  };

  const control: RpcProxyControl = {
    configure: (update) => Object.assign(settings, update),
    failNextChannels: (status, count = 1) => {
      forced.status = status;
      forced.remaining = count;
    },
    dropOutChannels: () => {
      for (const vc of connections.values()) vc.out?.socket.destroy();
    },
    stallOutChannels: (value) => {
      stalled = value;
      if (!value) for (const vc of connections.values()) vc.unstall();
    },
    requests,
    get stats() {
      return stats;
    },
    resetStats: () => {
      stats = emptyRpcProxyStats();
      requests.length = 0;
    },
  };

  const serve = (socket: Socket, firstBytes: Buffer) => {
    const connection: ConnectionState = { id: nextConnectionId++ };
    let buffer = firstBytes;
    let mode: "head" | "in" | "out" | "done" = "head";
    let inChannel: ((chunk: Buffer) => void) | undefined;
    /** The rest of an OUT channel's request body (a successor's OUT_R1/A11). */
    let outBody: ((chunk: Buffer) => void) | undefined;
    socket.on("error", () => {});

    const respond = (
      status: number,
      reason: string,
      headers: Record<string, string | string[]>,
      body = "",
    ) => {
      let head = `HTTP/1.1 ${status} ${reason}\r\n`;
      for (const [name, value] of Object.entries(headers)) {
        for (const one of Array.isArray(value) ? value : [value]) head += `${name}: ${one}\r\n`;
      }
      if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-length")) {
        head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
      }
      socket.write(`${head}\r\n${body}`);
    };
    const fail = (status: number, reason: string) => {
      respond(status, reason, { Connection: "close" });
      mode = "done";
      socket.end();
    };

    /** The sim's auth against a request head; a 401 (headers and text) when it says no. */
    const authenticate = (head: RequestHead) => {
      let answer: { status: number; headers: Record<string, string | string[]>; body: string } | undefined;
      const res = {
        writeHead(status: number, headers: Record<string, string | string[]>) {
          answer = { status, headers, body: "" };
          return res;
        },
        end(body?: string) {
          if (answer) answer.body = body ?? "";
        },
      };
      const user = options.authenticate(
        { headers: head.headers } as unknown as IncomingMessage,
        res as unknown as ServerResponse,
        connection,
      );
      return user ? undefined : answer;
    };

    const pump = () => {
      while (mode === "head") {
        let parsed: ReturnType<typeof readHead>;
        try {
          parsed = readHead(buffer);
        } catch {
          return fail(400, "Bad Request");
        }
        if (!parsed) return;
        const { head } = parsed;
        const length = Number(head.headers["content-length"] ?? "0");
        if (!Number.isSafeInteger(length) || length < 0) return fail(400, "Bad Request");
        const bodyStart = parsed.length;
        const haveBody = buffer.length >= bodyStart + length;
        // An OUT channel is served from its first PDU on: a replacement OUT channel announces
        // 120 bytes ([MS-RPCH] 2.1.2.1.2) but sends OUT_R1/A11 (the last 24) only in OUT_R1.
        const firstPdu =
          buffer.length >= bodyStart + 10 ? Math.min(buffer.readUInt16LE(bodyStart + 8), length) : length;
        const haveFirstPdu = firstPdu > 0 && buffer.length >= bodyStart + firstPdu;
        const takeBody = () => {
          const body = buffer.subarray(bodyStart, bodyStart + length);
          buffer = buffer.subarray(bodyStart + length);
          return body;
        };
        if (head.method !== "RPC_IN_DATA" && head.method !== "RPC_OUT_DATA")
          return fail(405, "Method Not Allowed");
        const [path, query = ""] = head.target.split("?", 2) as [string, string?];
        if (path.toLowerCase() !== PROXY_PATH) return fail(404, "Not Found");
        if (
          !haveBody &&
          length <= DRAIN_MAX &&
          (head.method === "RPC_OUT_DATA" ? !haveFirstPdu : length <= ECHO_MAX_CONTENT_LENGTH)
        ) {
          return; // wait for the whole (small) body, or an OUT channel's first PDU
        }
        requests.push({ method: head.method, target: head.target, contentLength: length });
        if (forced.remaining > 0) {
          forced.remaining -= 1;
          const status = forced.status;
          respond(status, status === 401 ? "Unauthorized" : "RPC Error: 6BA", {
            Connection: "close",
            ...(status === 401 ? { "WWW-Authenticate": ["NTLM", 'Basic realm="mailwire-sim"'] } : {}),
          });
          mode = "done";
          socket.end();
          return;
        }
        const refused = authenticate(head);
        if (refused) {
          if (length > DRAIN_MAX) {
            respond(
              refused.status,
              "Unauthorized",
              { ...refused.headers, Connection: "close" },
              refused.body,
            );
            mode = "done";
            socket.end();
            return;
          }
          takeBody();
          respond(refused.status, "Unauthorized", refused.headers, refused.body);
          continue;
        }
        if (length <= ECHO_MAX_CONTENT_LENGTH) {
          takeBody();
          stats.echoRequests += 1;
          const reply = echoReply();
          socket.write(
            `HTTP/1.1 200 Success\r\nContent-Type: application/rpc\r\nContent-Length: ${reply.length}\r\n\r\n`,
          );
          socket.write(reply);
          continue;
        }
        if (!settings.backend) return fail(503, "RPC Error: 6BA");
        const target = parseTarget(query);
        if (!target) return fail(400, "Bad Request");
        if (head.method === "RPC_OUT_DATA") {
          if (length > OUT_REQUEST_MAX) return fail(400, "Bad Request");
          mode = "out";
          const body = buffer.subarray(bodyStart, Math.min(buffer.length, bodyStart + length));
          buffer = Buffer.alloc(0);
          outBody = openOut(socket, body.subarray(0, firstPdu), length - firstPdu, target, fail);
          const rest = body.subarray(firstPdu);
          if (rest.length > 0) outBody?.(rest);
          return;
        }
        mode = "in";
        buffer = buffer.subarray(bodyStart);
        inChannel = openIn(socket, length);
        const rest = buffer;
        buffer = Buffer.alloc(0);
        if (rest.length > 0) inChannel(rest);
      }
    };
    socket.on("data", (chunk: Buffer) => {
      if (mode === "in") inChannel?.(chunk);
      else if (mode === "out") outBody?.(chunk);
      else if (mode === "head") {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        pump();
      }
    });
    pump();
  };

  /** Serves an OUT channel from its first PDU; returns the reader of the rest of its body. */
  const openOut = (
    socket: Socket,
    body: Buffer,
    restLength: number,
    target: { server: string; port: number },
    fail: (status: number, reason: string) => void,
  ): ((chunk: Buffer) => void) | undefined => {
    let pdu: ReturnType<typeof readRts>;
    try {
      pdu = readRts(Buffer.from(body));
    } catch {
      fail(400, "Bad Request");
      return undefined;
    }
    if (shapeOf(pdu) === CLIENT_SHAPES.outR2A3) {
      // A successor OUT channel ([MS-RPCH] 3.2.4.5.6): its 200 head is written at the switch.
      const vc = vcFor(pdu.commands[1]?.cookie ?? "", false);
      if (!vc) {
        stats.protocolErrors.push("OUT_R2/A3 for an unknown virtual connection");
        fail(400, "Bad Request");
        return undefined;
      }
      stats.outChannels += 1;
      vc.attachOutSuccessor(socket, pdu);
      // What follows OUT_R1/A3 in the body: OUT_R1/A11 (OUT_R1 only), nothing else.
      const splitter = new PduSplitter();
      let left = restLength;
      return (chunk: Buffer) => {
        left -= chunk.length;
        let pdus: Buffer[];
        try {
          if (left < 0) throw new Error("OUT channel body longer than its Content-Length");
          pdus = splitter.push(chunk);
        } catch (error) {
          vc.protocolError((error as Error).message);
          return;
        }
        for (const next of pdus) vc.fromOutBody(socket, next);
      };
    }
    if (shapeOf(pdu) !== CLIENT_SHAPES.connA1) {
      stats.protocolErrors.push(
        `OUT channel opened with ${shapeOf(pdu)} (only CONN/A1 and OUT_R2/A3 are supported)`,
      );
      fail(400, "Bad Request");
      return undefined;
    }
    const vc = vcFor(pdu.commands[1]?.cookie ?? "", true) as ProxyVirtualConnection;
    stats.outChannels += 1;
    vc.attachOut(socket, pdu, target);
    return (chunk: Buffer) => {
      if (chunk.length > 0) vc.protocolError("bytes after CONN/A1 on the OUT channel");
    };
  };

  const openIn = (socket: Socket, contentLength: number) => {
    const splitter = new PduSplitter();
    let side: InSide | undefined;
    let vc: ProxyVirtualConnection | undefined;
    let received = 0;
    const broken = (message: string) => {
      stats.protocolErrors.push(message);
      socket.destroy();
      vc?.close(message);
    };
    return (chunk: Buffer) => {
      received += chunk.length;
      if (received > contentLength) return broken("IN channel body longer than its Content-Length");
      let pdus: Buffer[];
      try {
        pdus = splitter.push(chunk);
      } catch (error) {
        return broken(`IN channel: ${(error as FramingError).message}`);
      }
      for (const pdu of pdus) {
        if (side && vc) {
          vc.fromIn(side, pdu);
          continue;
        }
        let first: ReturnType<typeof readRts>;
        try {
          first = readRts(pdu);
        } catch {
          return broken("IN channel did not start with an RTS PDU");
        }
        const shape = shapeOf(first);
        stats.inChannels += 1;
        side = { socket, cookie: "", queued: [] };
        if (shape === CLIENT_SHAPES.connB1) {
          side.cookie = first.commands[2]?.cookie ?? "";
          vc = vcFor(first.commands[1]?.cookie ?? "", true);
          vc?.attachIn(side);
        } else if (shape === CLIENT_SHAPES.inR1A1) {
          side.cookie = first.commands[3]?.cookie ?? "";
          vc = vcFor(first.commands[1]?.cookie ?? "", false);
          if (!vc) return broken("IN_R1/A1 for an unknown virtual connection");
          vc.attachSuccessor(side, first.commands[2]?.cookie ?? "");
        } else return broken(`IN channel opened with ${shape}`);
      }
    };
  };

  return {
    control,
    claims: (firstBytes) => {
      const text = firstBytes.toString("latin1", 0, 13);
      return text.startsWith("RPC_IN_DATA ") || text.startsWith("RPC_OUT_DATA ");
    },
    serve,
    close: () => {
      for (const vc of [...connections.values()]) vc.close("sim closing");
    },
  };
}

/** "server:port" from the query ([MS-RPCH] 2.2.2: server-name ":" server-port). */
function parseTarget(query: string): { server: string; port: number } | undefined {
  const colon = query.lastIndexOf(":");
  if (colon <= 0 || colon >= 1024) return undefined;
  const port = Number(query.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { server: decodeURIComponent(query.slice(0, colon)), port };
}
