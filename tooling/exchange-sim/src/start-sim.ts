import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { type FixtureMailboxOptions, fixtureMailbox } from "@mailwire/fixtures";
import { type AuthSettings, authenticateRequest, type ConnectionState } from "./auth/authenticate-request.js";
import { BearerTokens, type IssuedToken } from "./auth/bearer-tokens.js";
import { dnsDomain, type SimCredentials } from "./auth/credentials.js";
import type { NtlmSettings } from "./auth/ntlm-handshake.js";
import type { AutodiscoverControl } from "./autodiscover/autodiscover-control.js";
import { registerAutodiscover } from "./autodiscover/register-autodiscover.js";
import { createCertificate } from "./certificate.js";
import type { EwsSimControl } from "./ews/ews-control.js";
import { registerEws } from "./ews/register-ews.js";
import { Faults } from "./faults.js";
import { type RouteContext, type RouteHandler, type RouteOptions, Router } from "./http/router.js";
import { registerMapiEndpoints } from "./mapi/register-mapi.js";
import { channelBindingHash } from "./ntlm/channel-bindings.js";
import { registerTestEndpoints } from "./routes/test-endpoints.js";
import { type RpcSimControl, startRpcServer } from "./rpc/rpc-server.js";
import { divertRpcProxyConnections } from "./rpcproxy/divert-connections.js";
import { createRpcProxy } from "./rpcproxy/rpc-proxy.js";
import type { RpcProxyControl, RpcProxySettings } from "./rpcproxy/rpc-proxy-settings.js";
import { type SmtpListener, startSmtpListener } from "./smtp/smtp-listener.js";
import { emptyStats, type SimStats } from "./stats.js";
import { MailboxStore, StoreError } from "./store/mailbox-store.js";

export interface SimOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Defaults to the fixture mailbox's user. */
  credentials?: Partial<SimCredentials>;
  /** Options for the seeded fixture mailbox. */
  fixture?: FixtureMailboxOptions;
  auth?: { schemes?: AuthSettings["schemes"]; realm?: string; ntlm?: Partial<NtlmSettings> };
  /** Clock for token expiry and NTLM timestamps (tests can move time). */
  now?: () => number;
  /** The DCE/RPC server over TCP (ncacn_ip_tcp): EMSMDB port and endpoint mapper port, default 0 (any free port). */
  rpc?: { port?: number; endpointMapperPort?: number };
  /** RPC over HTTP proxy (/rpc/rpcproxy.dll): backend, windows, lifetimes. */
  rpcProxy?: RpcProxySettings;
}

export interface ExchangeSim {
  /** "https://127.0.0.1:PORT/" */
  url: string;
  /** "https://127.0.0.1:PORT" */
  origin: string;
  port: number;
  /** The throw-away CA that issued the server certificate; trust it (`ca: sim.caPem`). */
  caPem: string;
  /** The server certificate (SAN localhost, 127.0.0.1, 127.0.0.2, ::1), e.g. for tls-server-end-point. */
  certificatePem: string;
  credentials: SimCredentials;
  store: MailboxStore;
  /** Live counters. */
  stats: SimStats;
  resetStats(): void;
  issueToken(options?: { expiresInMs?: number }): IssuedToken;
  revokeToken(accessToken: string): void;
  /** Change authentication for later requests (existing NTLM-authenticated connections stay so). */
  configureAuth(settings: SimOptions["auth"]): void;
  faults: Faults;
  /** Register a protocol endpoint; authentication runs before `handler` unless `auth: false`. */
  route(method: string, path: string, handler: RouteHandler, options?: RouteOptions): void;
  /** Autodiscover endpoints (POX, SOAP, v2 JSON): what they answer, and what they were asked. */
  autodiscover: AutodiscoverControl;
  /** EWS endpoint controls (POST /EWS/Exchange.asmx): throttling, server version, raw replies, request log. */
  ews: EwsSimControl;
  /** SMTP submission into the same store: STARTTLS (`smtp`) and implicit TLS (`smtps`), AUTH PLAIN/LOGIN. */
  smtp: SmtpListener;
  smtps: SmtpListener;
  /** DCE/RPC over TCP (EMSMDB, AsyncEMSMDB, endpoint mapper) with RPC-level NTLM: ports, faults, stats. */
  rpc: RpcSimControl;
  /** RPC over HTTP v2 proxy (RPC_IN_DATA / RPC_OUT_DATA on /rpc/rpcproxy.dll): backend, faults, stats. */
  rpcProxy: RpcProxyControl;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const DEFAULT_NTLM: NtlmSettings = {
  timestamp: true,
  channelBinding: "when-supported",
  maxClockSkewMs: 36 * 3_600_000,
};

export async function startSim(options: SimOptions = {}): Promise<ExchangeSim> {
  const mailbox = fixtureMailbox(options.fixture);
  const credentials: SimCredentials = {
    username: mailbox.user.username,
    password: mailbox.user.password,
    domain: mailbox.user.domain,
    email: mailbox.user.address,
    ...options.credentials,
  };
  const now = options.now ?? Date.now;
  const store = new MailboxStore(mailbox);
  const certificate = await createCertificate();
  const stats = emptyStats();
  const tokens = new BearerTokens(now);
  const faults = new Faults();
  const router = new Router();
  // Routes added with sim.route() are matched before the built-in protocol modules (EWS,
  // Autodiscover), so a test can replace a built-in endpoint.
  const overrides = new Router();
  registerTestEndpoints(router);
  registerMapiEndpoints(router);
  const autodiscover = registerAutodiscover(router, { origin: () => origin, credentials });
  const ews = registerEws(router);

  const settings: AuthSettings = {
    schemes: ["ntlm", "basic", "bearer"],
    realm: "mailwire-sim",
    ntlm: { ...DEFAULT_NTLM },
  };
  const configureAuth = (update: SimOptions["auth"] = {}) => {
    if (update.schemes) settings.schemes = [...update.schemes];
    if (update.realm) settings.realm = update.realm;
    if (update.ntlm) settings.ntlm = { ...settings.ntlm, ...update.ntlm };
  };
  configureAuth(options.auth);

  const domain = dnsDomain(credentials);
  const env = {
    settings,
    credentials,
    identity: {
      netbiosDomain: credentials.domain,
      netbiosComputer: "EXCH01",
      dnsDomain: domain,
      dnsComputer: `exch01.${domain}`,
    },
    tokens,
    stats,
    channelBinding: channelBindingHash(certificate.der),
    now,
  };

  const connections = new WeakMap<Socket, ConnectionState>();
  const openSockets = new Set<Socket>();
  let nextConnection = 1;

  const server = createServer({
    cert: certificate.certPem,
    key: certificate.keyPem,
    keepAliveTimeout: 30_000,
  });
  // Before any other 'secureConnection' listener: RPC proxy connections never reach node:http.
  const rpcProxy = createRpcProxy({
    authenticate: (req, res, connection) => authenticateRequest(req, res, connection, env, settings.schemes),
    settings: options.rpcProxy,
  });
  divertRpcProxyConnections(server, rpcProxy);
  server.on("secureConnection", (socket: Socket) => {
    stats.connections += 1;
    connections.set(socket, { id: nextConnection++ });
    openSockets.add(socket);
    socket.on("close", () => openSockets.delete(socket));
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    stats.requests += 1;
    const url = new URL(req.url ?? "/", `https://${req.headers.host ?? "localhost"}`);
    const fault = faults.take(url.pathname);
    if (fault?.kind === "drop") {
      stats.dropped += 1;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "delay") {
      stats.delayed += 1;
      await sleep(fault.ms);
    }
    if (fault?.kind === "throttle") {
      stats.throttled += 1;
      req.resume();
      return sendJson(res, 503, { error: "ServerBusy" }, { "Retry-After": String(fault.retryAfterSeconds) });
    }
    const overridden = overrides.match(req.method ?? "GET", url.pathname);
    const route =
      typeof overridden === "object"
        ? overridden
        : (router.match(req.method ?? "GET", url.pathname) ?? overridden);
    if (route === undefined || route === "method-not-allowed") {
      req.resume();
      return sendJson(res, route === undefined ? 404 : 405, {
        error: route === undefined ? "NotFound" : "MethodNotAllowed",
      });
    }
    let connection = connections.get(req.socket);
    if (!connection) {
      connection = { id: nextConnection++ };
      connections.set(req.socket, connection);
    }
    let user: RouteContext["user"];
    if (route.options.auth !== false) {
      user = authenticateRequest(req, res, connection, env, route.options.schemes ?? settings.schemes);
      if (!user) {
        req.resume(); // drain the body so the connection stays usable for the next leg
        return;
      }
    }
    let bodyPromise: Promise<Buffer> | undefined;
    const context: RouteContext = {
      req,
      res,
      url,
      user,
      store,
      body: () => {
        bodyPromise ??= readBody(req);
        return bodyPromise;
      },
      json: (status, value) => sendJson(res, status, value),
    };
    await route.handler(context);
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof StoreError) {
        const status = error.code === "not-found" ? 404 : error.code === "conflict" ? 409 : 400;
        sendJson(res, status, { error: error.code, message: error.message });
      } else sendJson(res, 500, { error: "InternalError", message: String(error) });
    });
  });

  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  const origin = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const smtpOptions = { store, credentials, certificate, host } as const;
  const smtp = await startSmtpListener({ ...smtpOptions, security: "starttls" });
  const smtps = await startSmtpListener({ ...smtpOptions, security: "tls" });
  const rpc = await startRpcServer({
    host: options.host ?? "127.0.0.1",
    ...options.rpc,
    store,
    credentials,
    identity: env.identity,
    ntlm: () => settings.ntlm,
    now,
    authStats: stats,
  });
  // The RPC proxy relays to the sim's own DCE/RPC server unless a test gave it another backend.
  if (!options.rpcProxy?.backend) {
    rpcProxy.control.configure({ backend: { host: options.host ?? "127.0.0.1", port: rpc.control.port } });
  }

  const close = async () => {
    rpcProxy.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of openSockets) socket.destroy();
    await Promise.all([closed, smtp.close(), smtps.close(), rpc.close()]);
  };
  return {
    url: `${origin}/`,
    origin,
    port,
    caPem: certificate.caPem,
    certificatePem: certificate.certPem,
    credentials,
    store,
    stats,
    resetStats: () => Object.assign(stats, emptyStats()),
    issueToken: (issue = {}) => tokens.issue(issue.expiresInMs),
    revokeToken: (token) => tokens.revoke(token),
    configureAuth,
    faults,
    route: (method, path, handler, routeOptions) => overrides.add(method, path, handler, routeOptions),
    autodiscover,
    ews,
    smtp,
    smtps,
    rpc: rpc.control,
    rpcProxy: rpcProxy.control,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
