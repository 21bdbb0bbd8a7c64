// Which proxy a connection takes when the caller left `proxy` out: the same environment
// variables, precedence and NO_PROXY rules as undici's EnvHttpProxyAgent (the other engine),
// so a client behaves the same whichever engine it runs on.

import { DEFAULT_PORTS } from "./url-host.js";

interface NoProxyEntry {
  readonly host: string;
  /** 0: any port. */
  readonly port: number;
}

let parsedFrom: string | undefined;
let parsedEntries: readonly NoProxyEntry[] = [];

function noProxyEntries(value: string): readonly NoProxyEntry[] {
  // NO_PROXY is read on every connect (as undici does), so parse only when it changed.
  if (value === parsedFrom) return parsedEntries;
  const entries: NoProxyEntry[] = [];
  for (const item of value.split(/[,\s]/)) {
    if (item === "") continue;
    const withPort = /^(.+):(\d+)$/.exec(item);
    entries.push({
      // ".example.com" and "*.example.com" mean what "example.com" does (see shouldProxy).
      host: (withPort?.[1] ?? item).replace(/^\*?\./, "").toLowerCase(),
      port: withPort?.[2] !== undefined ? Number.parseInt(withPort[2], 10) : 0,
    });
  }
  parsedFrom = value;
  parsedEntries = entries;
  return entries;
}

/** False when NO_PROXY exempts this host (and port). */
function shouldProxy(hostname: string, port: number): boolean {
  const value = process.env.no_proxy ?? process.env.NO_PROXY ?? "";
  if (value === "*") return false;
  const host = hostname.toLowerCase();
  for (const entry of noProxyEntries(value)) {
    if (entry.port !== 0 && entry.port !== port) continue;
    // An entry exempts that host and every name below it, as undici 7 (and curl) match it.
    if (host === entry.host || host.endsWith(`.${entry.host}`)) return false;
  }
  return true;
}

/**
 * The proxy URL for a connection to `protocol//hostname:port`, from http_proxy/HTTP_PROXY
 * (plain http) or https_proxy/HTTPS_PROXY (https, falling back to the http one), unless
 * no_proxy/NO_PROXY exempts the host; undefined for a direct connection.
 */
export function proxyFromEnvironment(protocol: string, hostname: string, port: number): string | undefined {
  const env = process.env;
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY;
  // An empty https one falls back to the http one too, as undici's does.
  const proxy = protocol === "https:" ? (env.https_proxy ?? env.HTTPS_PROXY) || httpProxy : httpProxy;
  if (proxy === undefined || proxy === "") return undefined;
  return shouldProxy(hostname, port || DEFAULT_PORTS[protocol] || 0) ? proxy : undefined;
}
