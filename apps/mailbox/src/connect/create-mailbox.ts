import { ErrorCode, type HttpClientOptions } from "@mailwire/core";
import type { AdapterOptions } from "../adapters/adapter-options.js";
import { openEwsMailbox } from "../adapters/ews/open-ews-mailbox.js";
import { openImapMailbox } from "../adapters/imap/open-imap-mailbox.js";
import { openMapiHttpMailbox } from "../adapters/mapi/open-mapi-http-mailbox.js";
import { openRpcHttpMailbox } from "../adapters/mapi/open-rpc-http-mailbox.js";
import { openPop3Mailbox } from "../adapters/pop3/open-pop3-mailbox.js";
import { MailboxError, MailboxErrorCode } from "../errors.js";
import type { Mailbox, ProtocolName } from "../mailbox.js";
import { httpCredentials, type MailboxCredentials, saslAuth } from "./mailbox-credentials.js";
import { type MailboxSettings, preferredServer, requireEndpoint } from "./mailbox-settings.js";

/** Certificate trust for every protocol (a private CA, or a test server's). */
export interface MailboxTlsOptions {
  /** Trusted CA certificates (PEM), replacing Node's bundled roots. */
  readonly ca?: string | readonly string[] | undefined;
  /** Default true. False accepts any certificate: test servers only. */
  readonly rejectUnauthorized?: boolean | undefined;
}

export interface CreateMailboxOptions extends AdapterOptions {
  readonly tls?: MailboxTlsOptions | undefined;
  /** HTTP settings for EWS and MAPI/HTTP: timeouts, proxy, retry, logger. */
  readonly http?: Omit<HttpClientOptions, "credentials" | "tls" | "authProviders"> | undefined;
  /** Permit plaintext logins on unencrypted IMAP/POP3 connections (servers that offer nothing else). */
  readonly allowInsecureAuth?: boolean | undefined;
}

const IMAP_TLS = { tls: "implicit", starttls: "starttls", none: "none" } as const;

/**
 * Opens a Mailbox on `protocol` with the endpoint `settings` name (what `discover()` found, or a
 * saved profile): connects and logs in once. Throws a `MailboxError` naming the protocol and the
 * step (`endpoint`, `connect`, `authenticate`).
 */
export async function createMailbox(
  protocol: ProtocolName,
  settings: MailboxSettings,
  credentials: MailboxCredentials,
  options: CreateMailboxOptions = {},
): Promise<Mailbox> {
  const endpoint = requireEndpoint(protocol, settings);
  const ca =
    options.tls?.ca === undefined
      ? undefined
      : typeof options.tls.ca === "string"
        ? options.tls.ca
        : [...options.tls.ca];
  const tls = {
    ...(ca === undefined ? {} : { ca }),
    ...(options.tls?.rejectUnauthorized === undefined
      ? {}
      : { rejectUnauthorized: options.tls.rejectUnauthorized }),
  };
  const adapter: AdapterOptions = {
    send: options.send,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  };
  switch (protocol) {
    case "ews":
      return openEwsMailbox({
        ...adapter,
        client: { ...options.http, url: endpoint, credentials: httpCredentials(credentials), tls },
      });
    case "mapi-http": {
      const userDn = settings.user?.legacyDn;
      if (userDn === undefined) {
        throw new MailboxError(
          MailboxErrorCode.NO_ENDPOINT,
          "mapi-http: the settings carry no LegacyDN for Connect",
          {
            protocol,
            step: "endpoint",
          },
        );
      }
      return openMapiHttpMailbox({
        ...adapter,
        session: {
          url: endpoint,
          userDn,
          httpOptions: { ...options.http, credentials: httpCredentials(credentials), tls },
        },
      });
    }
    case "imap":
    case "pop3": {
      const server = preferredServer(settings[protocol] ?? []);
      if (server === undefined) throw new Error("unreachable: requireEndpoint found a server");
      const connect = {
        host: server.host,
        port: server.port,
        tls: IMAP_TLS[server.encryption],
        tlsOptions: tls,
        auth: saslAuth(credentials, server.username ?? credentials.username),
        allowInsecureAuth: options.allowInsecureAuth,
      };
      return protocol === "imap"
        ? openImapMailbox({ ...adapter, connect })
        : openPop3Mailbox({ ...adapter, connect: { ...connect, tlsOptions: tls } });
    }
    case "rpc-http": {
      const rpc = settings.rpcHttp ?? {};
      const userDn = settings.user?.legacyDn;
      if (userDn === undefined || rpc.mailboxServer === undefined) {
        throw new MailboxError(
          MailboxErrorCode.NO_ENDPOINT,
          "rpc-http: the settings name no mailbox server (EXCH) or LegacyDN",
          { protocol, step: "endpoint" },
        );
      }
      if (credentials.password === undefined) {
        // EMSMDB binds with RPC-level NTLM (RPC_C_AUTHN_WINNT, MS-RPCE 2.2.1.1.7), which needs a password.
        throw new MailboxError(ErrorCode.AUTH_UNSUPPORTED, "rpc-http: RPC-level NTLM needs a password", {
          protocol,
          step: "authenticate",
        });
      }
      const ntlm = {
        username: credentials.username,
        password: credentials.password,
        domain: credentials.domain,
      };
      return openRpcHttpMailbox({
        ...adapter,
        proxy: {
          proxyUrl: `${rpc.sslRequired === false ? "http" : "https"}://${endpoint}`,
          server: rpc.mailboxServer,
          credentials: httpCredentials(credentials),
          // EXPR CertPrincipalName (MS-OXDSCLI 2.2.4.1.1.2.4): the name the proxy's certificate must carry.
          tls: {
            ...tls,
            ...(rpc.certPrincipalName === undefined ? {} : { expectedPrincipalName: rpc.certPrincipalName }),
          },
          ...(options.http?.proxy === undefined ? {} : { proxy: options.http.proxy }),
        },
        session: { userDn, credentials: ntlm },
      });
    }
  }
}
