import type { DovecotServer } from "@mailwire/dovecot-harness";
import type { ImapConnectOptions } from "../../src/index.js";

/**
 * Options for one of the harness's users over implicit TLS (the imaps port, trusting the
 * harness CA), with the generous timeout the Dovecot tests use under load.
 */
export function dovecotImapsOptions(
  server: DovecotServer,
  role: Parameters<DovecotServer["user"]>[0] = "fixture",
  overrides: Partial<ImapConnectOptions> = {},
): ImapConnectOptions {
  const user = server.user(role);
  return {
    host: server.host,
    port: server.ports.imaps,
    tls: "implicit",
    tlsOptions: { ca: server.caPem },
    auth: { username: user.username, password: user.password },
    timeoutMs: 20_000,
    ...overrides,
  };
}
