import type { Socket } from "node:net";
import type { buildConnector as Connectors, Dispatcher } from "undici";
import type { HttpTlsOptions } from "../types.js";
import { observeConnector } from "./connector.js";
import { tlsConnectOptions } from "./secure-context.js";
import type { HttpEngine } from "./slot-connection.js";
import type { UndiciParts } from "./undici-parts.js";

export interface TransportSettings {
  readonly engine: HttpEngine;
  readonly tls: HttpTlsOptions;
  readonly proxy: string | URL | false | undefined;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

/** Our TLS options in the shape node:tls (through undici's buildConnector) expects. */
function connectOptions(settings: TransportSettings): Connectors.BuildOptions {
  const { tls } = settings;
  // The shared secure context, built once per configuration (see secure-context.ts).
  const options: Record<string, unknown> = { timeout: settings.connectTimeoutMs, ...tlsConnectOptions(tls) };
  if (tls.servername !== undefined) options.servername = tls.servername;
  return options as Connectors.BuildOptions;
}

/**
 * Builds the dispatcher behind one connection slot: an undici Agent, ProxyAgent or
 * EnvHttpProxyAgent limited to a single connection, whose connector reports each new
 * socket to `onSocket`. Going through undici's own agents keeps its proxy tunnelling,
 * NO_PROXY rules and TLS session reuse; the `factory` hook is where we get between undici
 * and the socket (ProxyAgent hands the factory its tunnelling connect function).
 */
export interface SlotDispatcher {
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * undici's Agent drops (and closes) its Client for an origin as soon as the client's
 * socket disconnects with nothing counted as connected, even while requests are still
 * queued on it; the next dispatch then builds a second Client with a second socket. A
 * slot must be exactly one connection, so it keeps its one Client across that: the
 * Agent's close is ignored and the factory hands back the same Client. (A function of the
 * loaded Client class: undici is loaded on the first request.)
 */
function defineSlotClient(Client: UndiciParts["Client"]) {
  return class SlotClient extends Client {
    allowClose = false;
    override close(...args: unknown[]): never {
      if (this.allowClose) return (super.close as (...a: unknown[]) => never).apply(this, args);
      return Promise.resolve() as never;
    }
  };
}
type SlotClient = InstanceType<ReturnType<typeof defineSlotClient>>;
const slotClients = new WeakMap<UndiciParts["Client"], ReturnType<typeof defineSlotClient>>();
function slotClientClass(Client: UndiciParts["Client"]): ReturnType<typeof defineSlotClient> {
  let SlotClient = slotClients.get(Client);
  if (SlotClient === undefined) {
    SlotClient = defineSlotClient(Client);
    slotClients.set(Client, SlotClient);
  }
  return SlotClient;
}

export function createSlotDispatcher(
  undici: UndiciParts,
  settings: TransportSettings,
  onSocket: (socket: Socket) => void,
): SlotDispatcher {
  const tlsConnect = connectOptions(settings);
  const hooks = {
    onSocket,
    expectedPrincipalName: settings.tls.expectedPrincipalName,
    connectTimeoutMs: settings.connectTimeoutMs,
  };
  const { buildConnector } = undici;
  const SlotClient = slotClientClass(undici.Client);
  let client: SlotClient | undefined;
  const factory = (origin: string | URL, options: object): Dispatcher => {
    if (client && !client.destroyed) {
      // The Agent re-subscribes; its listeners from the previous adoption would fire twice.
      client.removeAllListeners();
      return client;
    }
    const { connect, ...rest } = options as { connect?: unknown };
    const inner =
      typeof connect === "function"
        ? (connect as Connectors.connector)
        : buildConnector({ ...tlsConnect, ...(connect as object | undefined) });
    client = new SlotClient(origin, { ...rest, connect: observeConnector(inner, hooks) });
    return client;
  };
  const dispatcher = createAgent(undici, settings, tlsConnect, factory);
  return {
    dispatcher,
    close: async () => {
      if (client) client.allowClose = true;
      await Promise.all([dispatcher.close(), client && !client.destroyed ? client.close() : undefined]);
    },
    destroy: async () => {
      await Promise.all([dispatcher.destroy(), client?.destroy()]);
    },
  };
}

function createAgent(
  { Agent, EnvHttpProxyAgent, ProxyAgent }: UndiciParts,
  settings: TransportSettings,
  tlsConnect: Connectors.BuildOptions,
  factory: (origin: string | URL, options: object) => Dispatcher,
): Dispatcher {
  const common = {
    connections: 1,
    pipelining: 1,
    factory,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    headersTimeout: settings.headersTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
  };
  const { proxy } = settings;
  if (proxy === false) return new Agent({ ...common, connect: tlsConnect });
  if (proxy !== undefined) {
    return new ProxyAgent({
      ...common,
      uri: String(proxy),
      requestTls: tlsConnect as never,
      proxyTls: { timeout: settings.connectTimeoutMs } as never,
    });
  }
  return new EnvHttpProxyAgent({
    ...common,
    connect: tlsConnect,
    requestTls: tlsConnect as never,
    proxyTls: { timeout: settings.connectTimeoutMs } as never,
  });
}
