import type { ExchangeSettings, MailServer } from "@mailwire/autodiscover";
import { MailboxError, MailboxErrorCode } from "../errors.js";
import type { ProtocolName } from "../mailbox.js";

/**
 * Where a mailbox lives: what `discover()` returns (an `ExchangeSettings`), or the part of it a
 * saved profile keeps. Plain JSON, no secrets.
 */
export type MailboxSettings = Partial<
  Pick<ExchangeSettings, "emailAddress" | "user" | "mapiHttp" | "rpcHttp" | "ews" | "imap" | "pop3" | "smtp">
>;

/** The endpoint a protocol would use, in words for traces: a URL or host:port. */
export function endpointOf(protocol: ProtocolName, settings: MailboxSettings): string | undefined {
  switch (protocol) {
    case "mapi-http":
      return settings.mapiHttp?.mailStore.externalUrl ?? settings.mapiHttp?.mailStore.internalUrl;
    case "ews":
      return settings.ews?.externalUrl ?? settings.ews?.internalUrl;
    case "rpc-http":
      return settings.rpcHttp?.proxyServer;
    case "imap":
    case "pop3": {
      const server = preferredServer(settings[protocol] ?? []);
      return server === undefined ? undefined : `${server.host}:${server.port}`;
    }
  }
}

const ENCRYPTION_ORDER = { tls: 0, starttls: 1, none: 2 } as const;

/** Implicit TLS first, then STARTTLS; plaintext last (and only if nothing else was found). */
export function preferredServer(servers: readonly MailServer[]): MailServer | undefined {
  return [...servers].sort((a, b) => ENCRYPTION_ORDER[a.encryption] - ENCRYPTION_ORDER[b.encryption])[0];
}

export function requireEndpoint(protocol: ProtocolName, settings: MailboxSettings): string {
  const endpoint = endpointOf(protocol, settings);
  if (endpoint === undefined) {
    throw new MailboxError(
      MailboxErrorCode.NO_ENDPOINT,
      `${protocol}: the settings name no ${protocol} endpoint`,
      {
        protocol,
        step: "endpoint",
      },
    );
  }
  return endpoint;
}
