import type { ConnectionOptions } from "node:tls";
import type { HttpClient } from "@mailwire/core";
import type { LdapDirectory, LdapSecurity } from "../ldap/ldap-directory.js";
import type { ExchangeSettings } from "../settings.js";
import type { ConfirmRedirect, CredentialGate } from "./credential-gate.js";
import type { EmailAddress } from "./email-address.js";
import type { RedirectBudget } from "./redirect-budget.js";
import type { DiscoveryMethod, TraceRecorder } from "./trace.js";

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** The DNS look-ups discovery needs; node:dns/promises fits, a split-DNS resolver can replace it. */
export interface DnsResolver {
  /** Node's dns.promises fits (it ignores the second argument). */
  resolveSrv(name: string, options?: { signal?: AbortSignal }): Promise<SrvRecord[]>;
}

/** The SCP method's settings, resolved from `DiscoverOptions.ldap`. */
export interface ScpContext {
  readonly url: URL;
  readonly security: LdapSecurity;
  readonly bindDn: string;
  readonly password: string;
  readonly tls: ConnectionOptions | undefined;
  readonly site: string | undefined;
  readonly directory: LdapDirectory;
  readonly confirmRedirect: ConfirmRedirect | undefined;
}

/** Opens and closes a TCP connection to see whether anything listens (well-known mail ports). */
export type PortProbe = (
  host: string,
  port: number,
  options: { signal: AbortSignal; timeoutMs: number },
) => Promise<void>;

/** An endpoint that produced settings, remembered per domain by the cache. */
export interface SettingsEndpoint {
  method: "pox" | "soap";
  url: string;
}

export type CandidateOutcome =
  | { kind: "settings"; settings: ExchangeSettings; endpoint?: SettingsEndpoint }
  | { kind: "redirectAddr"; address: string };

/** Everything a method needs for one round (one e-mail address). */
export interface RoundContext {
  readonly email: EmailAddress;
  readonly trace: TraceRecorder;
  readonly gate: CredentialGate;
  /** Carries the user's credentials; only used after `gate.check(url)` passed. */
  readonly authenticated: HttpClient;
  /** Never carries credentials: v2 JSON, the http:// redirect probe, autoconfig. */
  readonly anonymous: HttpClient;
  readonly redirects: RedirectBudget;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly dns: DnsResolver;
  readonly probePort: PortProbe;
  /** Present when the caller gave `ldap` (method 1, SCP lookup). */
  readonly scp: ScpContext | undefined;
  readonly priorityGraceMs: number | ((answerElapsedMs: number) => number);
  readonly candidateTimeoutMs: number;
}

export type MethodRunner = (context: RoundContext, signal: AbortSignal) => Promise<CandidateOutcome>;

export interface Candidate {
  method: DiscoveryMethod;
  run: MethodRunner;
  /**
   * Every connection it makes is an HTTP request through the round's clients, so it can say
   * when it reached a server (see RaceCandidate.reportsConnect).
   */
  reportsConnect?: boolean;
}
