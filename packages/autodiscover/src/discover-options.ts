import type { ConnectionOptions } from "node:tls";
import type {
  AuthProvider,
  CallOptions,
  HttpClient,
  HttpClientOptions,
  HttpCredentials,
} from "@mailwire/core";
import type { DnsResolver, PortProbe } from "./discovery/context.js";
import type { ConfirmRedirect } from "./discovery/credential-gate.js";
import type { DiscoveryCache } from "./discovery/discovery-cache.js";
import type { DiscoveryAttempt, DiscoveryMethod } from "./discovery/trace.js";
import type { LdapDirectory } from "./ldap/ldap-directory.js";
import type { ExchangeSettings } from "./settings.js";

/** Method 1, SCP lookup in Active Directory (MS-OXDISCO 3.1.5.1). */
export interface LdapDiscoveryOptions {
  /** `ldaps://dc1.corp.contoso.com` (TLS from the first byte) or `ldap://…` (StartTLS before the bind). */
  url: string | URL;
  /** Simple-bind name: a DN or, for AD, `user@domain`. Default `credentials.username`. */
  bindDn?: string | undefined;
  /** Default `credentials.password`. */
  password?: string | undefined;
  /** The client's Active Directory site: SCP URLs with `Site=<site>` are tried first. */
  site?: string | undefined;
  /** TLS options for ldaps/StartTLS (CA, client certificate). Certificates are always verified. */
  tls?: ConnectionOptions | undefined;
  /**
   * For `ldap://` only: false skips StartTLS and binds in plaintext — refused
   * (MW_INSECURE_AUTH_REFUSED) unless `allowInsecureAuth` is true too. Default true.
   */
  startTls?: boolean | undefined;
  allowInsecureAuth?: boolean | undefined;
  /** Replaces the ldapts-based client: split DNS, SASL binds, tests. */
  directory?: LdapDirectory | undefined;
}

/** Methods that can be switched off (all on by default). */
export type SwitchableMethod = Exclude<DiscoveryMethod, "cache">;

export interface DiscoverOptions extends CallOptions {
  /** Password (NTLM, or Basic where allowed) and/or an OAuth token provider (Bearer). */
  credentials?: HttpCredentials | undefined;
  /** Extra schemes, e.g. Negotiate/Kerberos, tried before NTLM. */
  authProviders?: readonly AuthProvider[] | undefined;
  /**
   * Basic policy. "no-downgrade" (default): Basic only while no server has offered NTLM,
   * Negotiate or OAuth for this account and no token provider was given. "never", or
   * "always" (the caller accepts the downgrade).
   */
  basicAuth?: "never" | "no-downgrade" | "always" | undefined;
  /**
   * Asked before credentials go to an https host outside the user's domain (a redirect,
   * an SRV target, Microsoft 365). Resolve true to allow. Without it such hosts are refused.
   */
  confirmRedirect?: ConfirmRedirect | undefined;
  /**
   * Directory for method 1 (SCP lookup). Without it the SCP method is skipped. Its URLs go
   * through the same https and domain/confirmRedirect rules as every other URL.
   */
  ldap?: LdapDiscoveryOptions | undefined;
  /** Turn methods off: `{ srv: false, ports: false }`. */
  methods?: Partial<Record<SwitchableMethod, boolean>> | undefined;
  /** TLS, proxy and timeout settings for the HTTP clients discover() creates. */
  http?: Omit<HttpClientOptions, "credentials" | "authProviders" | "allowInsecureAuth"> | undefined;
  /**
   * Builds the HTTP clients (default core's createHttpClient): split-horizon routing,
   * a custom dispatcher, tests. Receives the guarded auth providers; never raw credentials.
   */
  createHttpClient?: ((options: HttpClientOptions) => HttpClient) | undefined;
  /**
   * Bring your own client for the authenticated requests. Its credentials are its own: the
   * Basic downgrade rule is then yours to keep, while https-only and the domain rule still
   * decide which URLs it is given. It is not closed by discover().
   */
  httpClient?: HttpClient | undefined;
  /** DNS for the SRV method (default node:dns with the system's servers, or `dnsServers`). */
  dns?: DnsResolver | undefined;
  /**
   * DNS servers to ask for SRV records instead of the system's (`"10.0.0.53"`,
   * `"127.0.0.1:5353"`): split-DNS networks. Each query waits `connectTimeoutMs`, tried twice.
   */
  dnsServers?: readonly string[] | undefined;
  /** TCP probe for the well-known-ports method (default node:net). */
  probePort?: PortProbe | undefined;
  /** Per candidate TCP+TLS connect limit. Default 3,000 ms. */
  connectTimeoutMs?: number | undefined;
  /** Per request limit (headers and body). Default 10,000 ms. */
  requestTimeoutMs?: number | undefined;
  /** Per candidate limit, redirects included. Default 20,000 ms. */
  candidateTimeoutMs?: number | undefined;
  /**
   * How long a better-priority candidate still running may keep a found answer waiting. Default:
   * a quarter of the time that answer took, at most 50 ms (a live better candidate would be due
   * about then; a black-holed one never is). A number fixes the window. Only a better candidate
   * that has completed its connect gets it: one still connecting when the answer arrives is
   * passed over at once (SCP and the port probe, which do not report connects, always get it).
   */
  priorityGraceMs?: number | undefined;
  /** Default 10 (MS-OXDSCLI 3.1.5.4 loop guard). */
  maxRedirects?: number | undefined;
  cache?: DiscoveryCache | undefined;
}

/** Where the winning answer came from. */
export interface DiscoverySource {
  method: DiscoveryMethod;
  /** The endpoint that answered (POX/SOAP), when there was one. */
  url?: string;
}

export interface DiscoveryResult extends ExchangeSettings {
  source: DiscoverySource;
  /** Every attempt, in the order they finished, including cancelled and refused ones. */
  trace: readonly DiscoveryAttempt[];
}
