import { Resolver } from "node:dns";
import { ConnectionError, isMailwireError, ProtocolError, raceAbort, TimeoutError } from "@mailwire/core";
import type { DnsResolver, SrvRecord } from "../discovery/context.js";

/**
 * node:dns error codes (c-ares) → MailwireErrors, so the trace says what DNS said: no such name
 * or no such record is a fact about the domain (MW_PROTOCOL with the DNS code in details), a
 * timeout is MW_TIMEOUT, an unreachable server MW_CONNECTION.
 */
export function dnsError(error: unknown, name: string): unknown {
  if (isMailwireError(error)) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string") return error;
  const details = { dnsCode: code, name };
  switch (code) {
    case "ENOTFOUND":
      return new ProtocolError(`DNS: ${name} does not exist (NXDOMAIN)`, { cause: error, details });
    case "ENODATA":
      return new ProtocolError(`DNS: ${name} has no record of that type`, { cause: error, details });
    case "ETIMEOUT":
      return new TimeoutError(`DNS query for ${name} timed out`, { phase: "dns", cause: error, details });
    case "ECONNREFUSED":
      return new ConnectionError(`DNS server refused the query for ${name}`, { cause: error, details });
    case "ECANCELLED":
      return error;
    default:
      return new ProtocolError(`DNS query for ${name} failed (${code})`, { cause: error, details });
  }
}

/**
 * A DnsResolver on node:dns's c-ares Resolver pointed at `servers` (`"10.0.0.53"`,
 * `"127.0.0.1:5353"`, `"[::1]:53"`) instead of the system's: the split-DNS case, where the
 * directory's internal names only resolve on the company's own DNS servers. One Resolver per
 * query, so an abort cancels exactly that query.
 */
export function resolverFor(
  servers: readonly string[] | undefined,
  options: { timeoutMs: number; tries?: number },
): DnsResolver {
  return {
    async resolveSrv(name, call) {
      const resolver = new Resolver({ timeout: options.timeoutMs, tries: options.tries ?? 1 });
      if (servers !== undefined) resolver.setServers([...servers]);
      const query = new Promise<SrvRecord[]>((resolve, reject) =>
        resolver.resolveSrv(name, (error, records) => (error ? reject(error) : resolve(records))),
      );
      query.catch(() => undefined);
      try {
        return await raceAbort(query, call?.signal);
      } catch (error) {
        throw dnsError(error, name);
      } finally {
        resolver.cancel();
      }
    },
  };
}
