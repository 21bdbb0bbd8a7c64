/// <reference path="./undici-deep-imports.d.ts" />
// The parts of undici core's HTTP transport uses, loaded file by file instead of through
// undici's index, and only when the first HTTP request is sent. The index also loads fetch,
// WebSocket, EventSource, the cache, cookie and mock modules, none of which core uses: ~9 MiB
// of RSS in every process that imports core (undici 7.30 on Node 20: 39 → 60 MiB for the index,
// 39 → 51 MiB for these files). Loading them on first use spares a process that never sends an
// HTTP request (IMAP, POP3, SMTP, MAPI over sockets) the rest, ~8 MiB. undici 7 has no `exports`
// map, so these paths are public files of the package; the dependency range stays within 7.x,
// and the tests fail if a path moves.
import type { Agent, buildConnector, Client, Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici";

export interface UndiciParts {
  readonly Agent: typeof Agent;
  readonly buildConnector: typeof buildConnector;
  readonly Client: typeof Client;
  readonly EnvHttpProxyAgent: typeof EnvHttpProxyAgent;
  readonly ProxyAgent: typeof ProxyAgent;
}

let loaded: UndiciParts | undefined;
let loading: Promise<UndiciParts> | undefined;

/** undici's parts once loadUndici() has finished, else undefined. */
export function loadedUndici(): UndiciParts | undefined {
  return loaded;
}

/** Loads undici's parts once per process; every caller gets the same modules. */
export function loadUndici(): Promise<UndiciParts> {
  loading ??= load().then(
    (parts) => {
      loaded = parts;
      return parts;
    },
    (error: unknown) => {
      // A failed load (say, an undici whose files moved) is tried again on the next request.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

async function load(): Promise<UndiciParts> {
  const [api, connect, agent, client, dispatcher, envProxy, proxy] = await Promise.all([
    import("undici/lib/api/index.js"),
    import("undici/lib/core/connect.js"),
    import("undici/lib/dispatcher/agent.js"),
    import("undici/lib/dispatcher/client.js"),
    import("undici/lib/dispatcher/dispatcher.js"),
    import("undici/lib/dispatcher/env-http-proxy-agent.js"),
    import("undici/lib/dispatcher/proxy-agent.js"),
  ]);
  // undici's index gives every dispatcher its request/connect/... methods by assigning the
  // functions of lib/api to Dispatcher.prototype; core calls request() and ProxyAgent calls
  // connect() for its CONNECT tunnel. Done here the same way, with the same functions, and
  // only where the index has not already done it (an application that imports undici itself
  // gets exactly the state it would have had anyway).
  const prototype = dispatcher.default.prototype as Partial<Dispatcher>;
  if (typeof prototype.request !== "function") Object.assign(prototype, api.default);
  return {
    Agent: agent.default,
    buildConnector: connect.default,
    Client: client.default,
    EnvHttpProxyAgent: envProxy.default,
    ProxyAgent: proxy.default,
  };
}
