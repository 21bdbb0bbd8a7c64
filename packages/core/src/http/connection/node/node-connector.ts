import http from "node:http";
import https from "node:https";
import net, { type Socket } from "node:net";
import nodeTls, { type ConnectionOptions, type TLSSocket } from "node:tls";
import { ConnectionError } from "../../../errors/error-classes.js";
import { markNotSent } from "../../map-error.js";
import type { TransportSettings } from "../dispatcher-factory.js";
import { tlsConnectOptions } from "../secure-context.js";
import { proxyFromEnvironment } from "./proxy-env.js";
import { bareHost, DEFAULT_PORTS } from "./url-host.js";

/** What a connect is asked for; the same shape undici's connectors take, so observeConnector wraps both. */
export interface ConnectTarget {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string | number;
  readonly servername?: string | null | undefined;
  /** Set by the connect deadline: cancels a CONNECT to the proxy that is still pending. */
  readonly signal?: AbortSignal | undefined;
}

export type ConnectCallback = (error: Error | null, socket: Socket | null) => void;
export type NodeConnector = (target: ConnectTarget, callback: ConnectCallback) => Socket | undefined;

/** TLS sessions kept per connector for resumption on reconnect (bounded; oldest dropped first). */
const MAX_SESSIONS = 100;
/** TCP keep-alive probes after a minute of silence, as undici's connector sets them. */
const TCP_KEEP_ALIVE_DELAY_MS = 60_000;

const noop = () => {};

function portOf(protocol: string, port: string | number): number {
  const value = typeof port === "number" ? port : Number.parseInt(port, 10);
  return Number.isInteger(value) && value > 0 ? value : (DEFAULT_PORTS[protocol] ?? 80);
}

/** Proxy-Authorization for a proxy URL that carries user:password. */
function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === "" && proxy.password === "") return undefined;
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** Calls back once, with errors marked as "nothing was sent" (a connect never writes a request). */
function settleOnce(callback: ConnectCallback): ConnectCallback {
  let settled = false;
  return (error, socket) => {
    if (settled) {
      socket?.destroy();
      return;
    }
    settled = true;
    // node:http adds its own listeners a tick after it is handed the socket; an error in
    // between must not go unhandled (http still sees it through the socket's state).
    socket?.on("error", noop);
    callback(error && markNotSent(error), socket);
  };
}

/**
 * Calls back with `socket` once it emits `ready`, or with its first error before that (the
 * socket destroyed, `onError` run first).
 */
function whenReady(
  socket: Socket,
  ready: "connect" | "secureConnect",
  callback: ConnectCallback,
  onError: () => void = noop,
): void {
  const fail = (error: Error) => {
    onError();
    socket.destroy();
    callback(error, null);
  };
  socket.once("error", fail);
  socket.once(ready, () => {
    socket.removeListener("error", fail);
    callback(null, socket);
  });
}

/**
 * Opens the sockets of the node:http engine: TCP, then TLS for https (with the client's
 * shared secure context and TLS session resumption), directly or through an HTTP CONNECT
 * tunnel (the `proxy` option, or the environment's proxy variables when it is left out).
 * Calls back once the connection can carry a request; errors are node's own, mapped by the
 * transport. observeConnector adds the connect deadline, the principal check and the ids.
 */
export function createNodeConnector(settings: TransportSettings): NodeConnector {
  const { tls } = settings;
  const tlsBase: ConnectionOptions = { ...tlsConnectOptions(tls), ALPNProtocols: ["http/1.1"] };
  const sessions = new Map<string, Buffer>();

  const startTls = (
    target: { host: string; port: number; servername: string | undefined },
    socket: Socket | undefined,
    callback: ConnectCallback,
  ): TLSSocket => {
    const key = `${target.servername ?? target.host}:${target.port}`;
    const options: ConnectionOptions = { ...tlsBase, host: target.host, port: target.port };
    if (socket !== undefined) options.socket = socket;
    // SNI takes a name, never an IP address; the certificate is then checked against the IP.
    if (target.servername !== undefined) options.servername = target.servername;
    const session = sessions.get(key);
    if (session !== undefined) options.session = session;
    const secure = nodeTls.connect(options);
    secure.on("session", (value: Buffer) => {
      sessions.delete(key);
      if (sessions.size >= MAX_SESSIONS) {
        const oldest = sessions.keys().next().value;
        if (oldest !== undefined) sessions.delete(oldest);
      }
      sessions.set(key, value);
    });
    // A session the server no longer accepts must not be offered again.
    whenReady(secure, "secureConnect", callback, () => sessions.delete(key));
    return secure;
  };

  const direct = (
    protocol: string,
    host: string,
    port: number,
    servername: string | undefined,
    callback: ConnectCallback,
  ): Socket => {
    if (protocol === "https:") {
      const secure = startTls({ host, port, servername }, undefined, callback);
      secure.setNoDelay(true);
      secure.setKeepAlive(true, TCP_KEEP_ALIVE_DELAY_MS);
      return secure;
    }
    const socket = net.connect({
      host,
      port,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: TCP_KEEP_ALIVE_DELAY_MS,
    });
    whenReady(socket, "connect", callback);
    return socket;
  };

  const tunnel = (
    proxyUrl: string,
    target: { protocol: string; host: string; port: number; servername: string | undefined },
    signal: AbortSignal | undefined,
    callback: ConnectCallback,
  ): void => {
    let proxy: URL;
    try {
      proxy = new URL(proxyUrl);
    } catch (error) {
      // map-error.ts reports it without the input, which may hold the proxy's password.
      callback(error as Error, null);
      return;
    }
    const authority = `${net.isIPv6(target.host) ? `[${target.host}]` : target.host}:${target.port}`;
    const headers: Record<string, string> = { host: authority };
    const authorization = proxyAuthorization(proxy);
    if (authorization !== undefined) headers["proxy-authorization"] = authorization;
    const request = (proxy.protocol === "https:" ? https : http).request({
      host: bareHost(proxy.hostname),
      port: portOf(proxy.protocol, proxy.port),
      method: "CONNECT",
      path: authority,
      headers,
      agent: false,
      signal,
    });
    request.once("error", (error) => callback(error, null));
    request.once("connect", (response: http.IncomingMessage, socket: Socket, head: Buffer) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        // The proxy's status only: its reason phrase and headers may echo what we sent.
        callback(
          new ConnectionError(`the proxy refused the tunnel to ${authority} (HTTP ${response.statusCode})`, {
            details: { proxyStatus: response.statusCode },
          }),
          null,
        );
        return;
      }
      if (head.length > 0) socket.unshift(head);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, TCP_KEEP_ALIVE_DELAY_MS);
      if (target.protocol !== "https:") {
        callback(null, socket);
        return;
      }
      const onAbort = () => socket.destroy();
      signal?.addEventListener("abort", onAbort, { once: true });
      startTls(target, socket, (error, secure) => {
        signal?.removeEventListener("abort", onAbort);
        if (error !== null) socket.destroy();
        callback(error, secure);
      });
    });
    request.end();
  };

  return (target, callback) => {
    const done = settleOnce(callback);
    const protocol = target.protocol;
    const host = bareHost(target.hostname);
    const port = portOf(protocol, target.port);
    // The caller's servername wins; a host name is its own; an IP address gets none.
    const servername =
      tls.servername ?? (target.servername || undefined) ?? (net.isIP(host) === 0 ? host : undefined);
    // NO_PROXY is matched against the URL's hostname, an IPv6 literal in brackets (as undici does).
    const proxy =
      settings.proxy === false
        ? undefined
        : settings.proxy !== undefined
          ? String(settings.proxy)
          : proxyFromEnvironment(protocol, target.hostname, port);
    if (proxy === undefined) return direct(protocol, host, port, servername, done);
    tunnel(proxy, { protocol, host, port, servername }, target.signal, done);
    return undefined;
  };
}
