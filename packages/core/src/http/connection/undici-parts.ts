/// <reference path="./undici-deep-imports.d.ts" />
// The parts of undici core's HTTP transport uses, loaded file by file instead of through
// undici's index. The index also loads fetch, WebSocket, EventSource, the cache, cookie and
// mock modules, none of which core uses: ~9 MiB of RSS in every process that imports core
// (undici 7.30 on Node 20: 39 → 60 MiB for the index, 39 → 51 MiB for these). undici 7 has no
// `exports` map, so these paths are public files of the package; the dependency range stays
// within 7.x, and the tests fail if a path moves.

import type { Dispatcher as DispatcherType } from "undici";
import requestMethods from "undici/lib/api/index.js";
import buildConnector from "undici/lib/core/connect.js";
import Agent from "undici/lib/dispatcher/agent.js";
import Client from "undici/lib/dispatcher/client.js";
import Dispatcher from "undici/lib/dispatcher/dispatcher.js";
import EnvHttpProxyAgent from "undici/lib/dispatcher/env-http-proxy-agent.js";
import ProxyAgent from "undici/lib/dispatcher/proxy-agent.js";

// undici's index gives every dispatcher its request/connect/... methods by assigning the
// functions of lib/api to Dispatcher.prototype; core calls request() and ProxyAgent calls
// connect() for its CONNECT tunnel. Done here the same way, with the same functions, and only
// where the index has not already done it (an application that imports undici itself gets
// exactly the state it would have had anyway).
if (typeof (Dispatcher.prototype as Partial<DispatcherType>).request !== "function") {
  Object.assign(Dispatcher.prototype, requestMethods);
}

export { Agent, buildConnector, Client, EnvHttpProxyAgent, ProxyAgent };
