import { type DiscoveryResult, discover, type MailServer } from "@mailwire/autodiscover";
import { createHttpClient, type HttpClient, type HttpClientOptions, type HttpRequest } from "@mailwire/core";
import { connectMailbox } from "../connect/connect-mailbox.js";
import type { MailboxCredentials } from "../connect/mailbox-credentials.js";
import { endpointOf, preferredServer } from "../connect/mailbox-settings.js";
import { toMailboxError } from "../errors.js";
import { protocolOrder } from "../link/protocol-order.js";
import { type Mailbox, PROTOCOL_PREFERENCE, type ProtocolName } from "../mailbox.js";
import type { Secret } from "../profile/credentials.js";
import type { ServerEndpoint } from "../profile/profile.js";
import type { ConnectRequest, DiscoveryView, MailboxBackend, SendFunction } from "./environment.js";

// The CLI's backend on the library: autodiscover (`discover()` through connectMailbox), then
// the protocol adapters in the CLI's order. A profile reconnects from the settings it saved,
// without running autodiscover again.

function credentialsFrom(request: {
  email: string;
  username?: string | undefined;
  domain?: string | undefined;
  secret: Secret;
}): MailboxCredentials {
  const username = request.username ?? request.email;
  return request.secret.kind === "password"
    ? { username, domain: request.domain, password: request.secret.password }
    : {
        username,
        domain: request.domain,
        tokenProvider: ({ forceRefresh }) =>
          forceRefresh
            ? (request.secret as Extract<Secret, { kind: "token" }>).refresh()
            : (request.secret as Extract<Secret, { kind: "token" }>).token,
      };
}

/**
 * `--autodiscover-url`: every https host autodiscover asks (the domain, autodiscover.<domain>,
 * redirect targets) is reached at this origin instead, the way a split-horizon DNS entry
 * would send it. The discovery code still sees, and applies its rules to, the logical URL.
 */
function routedHttpClientFactory(origin: string) {
  const target = new URL(origin);
  return (options: HttpClientOptions): HttpClient => {
    const client = createHttpClient(options);
    const rewrite = (input: HttpRequest["url"]): URL => {
      const url = new URL(input);
      if (url.host === target.host) return url;
      url.protocol = target.protocol;
      url.hostname = target.hostname;
      url.port = target.port;
      return url;
    };
    return {
      request: (request) => client.request({ ...request, url: rewrite(request.url) }),
      close: () => client.close(),
      destroy: () => client.destroy(),
      [Symbol.asyncDispose]: () => client.close(),
    };
  };
}

/** Settings kept in a profile: what discover() found, less its trace. */
function savedSettings(result: DiscoveryResult): Record<string, unknown> {
  const { trace: _trace, source: _source, ...settings } = result;
  return settings;
}

/** IMAP/POP3 cannot send: their Mailbox sends through SMTP submission instead. */
function withSmtp(mailbox: Mailbox, send: SendFunction | undefined): Mailbox {
  if (!send || (mailbox.protocol !== "imap" && mailbox.protocol !== "pop3")) return mailbox;
  return new Proxy(mailbox, {
    get(target, property, receiver) {
      if (property === "send") return send;
      if (property === "capabilities") return { ...target.capabilities, send: true };
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function smtpFrom(servers: readonly MailServer[] | undefined): ServerEndpoint | undefined {
  const server = preferredServer(servers ?? []);
  return server && { host: server.host, port: server.port, encryption: server.encryption };
}

function view(result: DiscoveryResult): DiscoveryView {
  const endpoints: DiscoveryView["endpoints"] = {};
  for (const protocol of PROTOCOL_PREFERENCE) {
    const endpoint = endpointOf(protocol, result);
    if (endpoint) endpoints[protocol] = endpoint;
  }
  const smtp = smtpFrom(result.smtp);
  if (smtp) endpoints.smtp = `${smtp.host}:${smtp.port}`;
  const http = result.ews?.externalUrl ?? result.ews?.internalUrl;
  return {
    source: result.source,
    trace: result.trace,
    endpoints,
    settings: savedSettings(result),
    smtp,
    // Any https URL on the mailbox server will do for timing a download.
    probeUrl: http ? new URL("/", http).href : undefined,
  };
}

/** Servers given by hand (`--imap`, `--pop3`): Outlook's "manual setup" for POP or IMAP. */
export interface ManualServers {
  readonly imap?: ServerEndpoint | undefined;
  readonly pop3?: ServerEndpoint | undefined;
  readonly smtp?: ServerEndpoint | undefined;
}

export function manualDiscovery(email: string, servers: ManualServers): DiscoveryResult {
  const entry = (s: ServerEndpoint | undefined): MailServer[] =>
    s ? [{ host: s.host, port: s.port, encryption: s.encryption, source: "autoconfig" }] : [];
  return {
    emailAddress: email,
    user: {},
    imap: entry(servers.imap),
    pop3: entry(servers.pop3),
    smtp: entry(servers.smtp),
    source: { method: "cache" },
    trace: [],
  };
}

/** discover(), its failure named as the "discover" step. */
async function discoverOrThrow(
  email: string,
  secrets: (string | undefined)[],
  options: Parameters<typeof discover>[1],
): Promise<DiscoveryResult> {
  try {
    return await discover(email, options);
  } catch (error) {
    throw toMailboxError(error, undefined, "discover", secrets);
  }
}

export function createLibraryBackend(): MailboxBackend {
  // The discover() result of the running connect, handed from discover to connect.
  const found = new WeakMap<DiscoveryView, DiscoveryResult>();
  return {
    async discover(request) {
      const manual = request.manual;
      if (manual && !request.autodiscoverUrl) {
        const result = manualDiscovery(request.email, manual);
        const shown = { ...view(result), source: { method: "manual" } };
        found.set(shown, result);
        return shown;
      }
      const routed = request.autodiscoverUrl ? routedHttpClientFactory(request.autodiscoverUrl) : undefined;
      const credentials = credentialsFrom(request);
      const secrets = [credentials.password];
      const result = await discoverOrThrow(request.email, secrets, {
        credentials: {
          username: credentials.username,
          password: credentials.password,
          domain: credentials.domain,
          tokenProvider: credentials.tokenProvider,
        },
        signal: request.signal,
        ...(request.ca ? { http: { tls: { ca: request.ca } } } : {}),
        ...(routed
          ? { createHttpClient: routed, methods: { srv: false, ports: false, httpRedirect: false } }
          : {}),
      });
      const merged: DiscoveryResult = manual
        ? {
            ...result,
            imap: result.imap.length ? result.imap : manualDiscovery(request.email, manual).imap,
            pop3: result.pop3.length ? result.pop3 : manualDiscovery(request.email, manual).pop3,
            smtp: result.smtp.length ? result.smtp : manualDiscovery(request.email, manual).smtp,
          }
        : result;
      const shown = view(merged);
      found.set(shown, merged);
      return shown;
    },

    async connect(request: ConnectRequest, discovery: DiscoveryView) {
      const result = found.get(discovery);
      const { mailbox, attempts } = await connectMailbox(request.email, {
        credentials: credentialsFrom(request),
        protocols: request.order,
        discovery: result,
        tls: request.ca ? { ca: request.ca } : undefined,
        signal: request.signal,
      });
      return { mailbox: withSmtp(mailbox, request.send), attempts };
    },

    async open(request) {
      const { profile } = request;
      const settings = {
        ...(profile.settings as Record<string, unknown>),
        source: { method: "cache" },
        trace: [],
      } as unknown as DiscoveryResult;
      const order = protocolOrder({
        kbps: profile.link?.kbps,
        forced: profile.forced ? profile.protocol : undefined,
        preferred: profile.protocol,
      });
      const { mailbox } = await connectMailbox(profile.email, {
        credentials: credentialsFrom({ ...profile, secret: request.secret }),
        protocols: order as ProtocolName[],
        discovery: settings,
        tls: request.ca ? { ca: request.ca } : undefined,
        signal: request.signal,
      });
      return withSmtp(mailbox, request.send);
    },
  };
}
