// Types for the undici modules core loads one by one (see undici-parts.ts). undici 7 ships
// declarations only for its index; each of these files is `module.exports = <the class or
// function the index re-exports under the same name>`, so the index's types describe them.
declare module "undici/lib/dispatcher/agent.js" {
  import type { Agent } from "undici";

  const value: typeof Agent;
  export = value;
}
declare module "undici/lib/dispatcher/client.js" {
  import type { Client } from "undici";

  const value: typeof Client;
  export = value;
}
declare module "undici/lib/dispatcher/proxy-agent.js" {
  import type { ProxyAgent } from "undici";

  const value: typeof ProxyAgent;
  export = value;
}
declare module "undici/lib/dispatcher/env-http-proxy-agent.js" {
  import type { EnvHttpProxyAgent } from "undici";

  const value: typeof EnvHttpProxyAgent;
  export = value;
}
declare module "undici/lib/dispatcher/dispatcher.js" {
  import type { Dispatcher } from "undici";

  const value: typeof Dispatcher;
  export = value;
}
declare module "undici/lib/core/connect.js" {
  import type { buildConnector } from "undici";

  const value: typeof buildConnector;
  export = value;
}
declare module "undici/lib/api/index.js" {
  import type { Dispatcher } from "undici";

  /** The request/stream/pipeline/upgrade/connect methods undici's index puts on Dispatcher. */
  const value: Pick<Dispatcher, "request" | "stream" | "pipeline" | "upgrade" | "connect">;
  export = value;
}
