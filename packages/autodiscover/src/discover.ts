import {
  AuthError,
  createHttpClient,
  deadline,
  ErrorCode,
  type HttpClient,
  InvalidArgumentError,
  isMailwireError,
  ProtocolError,
  throwIfAborted,
} from "@mailwire/core";
import { AutodiscoverLimits } from "./codec/limits.js";
import type { DiscoverOptions, DiscoveryResult, SwitchableMethod } from "./discover-options.js";
import { guardedProviders } from "./discovery/auth-guard.js";
import { candidatesFor } from "./discovery/candidates.js";
import { reportingConnects } from "./discovery/connect-report.js";
import type {
  Candidate,
  CandidateOutcome,
  DnsResolver,
  RoundContext,
  ScpContext,
} from "./discovery/context.js";
import { CredentialGate } from "./discovery/credential-gate.js";
import { type EmailAddress, parseEmailAddress } from "./discovery/email-address.js";
import { priorityRace } from "./discovery/priority-race.js";
import { RedirectBudget } from "./discovery/redirect-budget.js";
import { createTraceRecorder, type DiscoveryMethod, type TraceRecorder } from "./discovery/trace.js";
import { ldaptsDirectory } from "./ldap/ldapts-directory.js";
import { poxAt } from "./methods/pox.js";
import { soapAt } from "./methods/soap.js";
import { resolverFor } from "./net/dns-resolver.js";
import { tcpPortProbe } from "./net/tcp-port-probe.js";

const DEFAULTS = {
  connectTimeoutMs: 3_000,
  requestTimeoutMs: 10_000,
  candidateTimeoutMs: 20_000,
  priorityGraceMs: 50,
  /** Share of the first answer's own time that better candidates get on top of it (see adaptiveGrace). */
  priorityGraceShare: 0.25,
} as const;

/**
 * The default grace: a better candidate still running gets a quarter of the time the first
 * answer took, at most 50 ms. A live better candidate started at the same moment as the winner
 * and goes through the same steps (connect, TLS, NTLM, POX), so if it is coming it is due at
 * about the same time; one that is still silent after 125% of that is most likely black-holed.
 * Keeps the cost of a dead better candidate proportional to the network's own latency.
 */
const adaptiveGrace = (answerElapsedMs: number) =>
  Math.min(DEFAULTS.priorityGraceMs, answerElapsedMs * DEFAULTS.priorityGraceShare);

interface Winner {
  method: DiscoveryMethod;
  outcome: CandidateOutcome;
}

/**
 * Finds every endpoint for `emailAddress`: POX and SOAP Autodiscover on the domain and on
 * autodiscover.<domain>, v2 JSON, the http redirect, DNS SRV, then autoconfig and the
 * well-known mail ports — all probed at once, the best answer winning (see priorityRace).
 * Follows redirectAddr (also to another SMTP domain, for hybrid mailboxes) and redirectUrl
 * within the redirect budget. Resolves with the settings and a trace of every attempt;
 * rejects with a MailwireError whose `details.trace` has it when nothing answered.
 */
export async function discover(
  emailAddress: string,
  options: DiscoverOptions = {},
): Promise<DiscoveryResult> {
  throwIfAborted(options.signal);
  const first = parseEmailAddress(emailAddress);
  const maxRedirects = options.maxRedirects ?? AutodiscoverLimits.maxRedirects;
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0)
    throw new InvalidArgumentError("maxRedirects must be a non-negative integer");
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
  const trace = createTraceRecorder();
  const cache = options.cache;

  const cached = cache?.getSettings(first.address);
  if (cached !== undefined) {
    trace.begin("cache", first.address, first.address)("settings", { detail: "cached settings" });
    return { ...cached, source: { method: "cache" }, trace: trace.attempts };
  }

  const limit = deadline({ signal: options.signal, timeoutMs: options.timeoutMs, phase: "autodiscover" });
  const factory = options.createHttpClient ?? createHttpClient;
  const httpBase = {
    retry: false as const,
    ...options.http,
    timeouts: { connectMs: connectTimeoutMs, ...options.http?.timeouts },
  };
  const owned: HttpClient[] = [];
  const make = (extra: { authProviders?: ReturnType<typeof guardedProviders>["providers"] }) => {
    const client = factory({ ...httpBase, ...extra });
    owned.push(client);
    return client;
  };
  const guarded = guardedProviders({
    credentials: options.credentials,
    authProviders: options.authProviders,
    basicAuth: options.basicAuth ?? "no-downgrade",
  });
  const gate = new CredentialGate(first.domain, options.confirmRedirect);
  const redirects = new RedirectBudget(maxRedirects);
  redirects.visitAddress(first.address);
  const scp = scpContext(options);
  // The system's DNS servers unless the caller named others (split DNS); `dns` replaces both.
  const dns: DnsResolver =
    options.dns ?? resolverFor(options.dnsServers, { timeoutMs: connectTimeoutMs, tries: 2 });
  const enabled = (method: DiscoveryMethod) =>
    options.methods?.[method as SwitchableMethod] !== false && (method !== "scp" || scp !== undefined);

  try {
    const authenticated = options.httpClient ?? make({ authProviders: guarded.providers });
    const anonymous = make({});
    let email = first;
    for (;;) {
      const context: RoundContext = {
        email,
        trace,
        gate,
        authenticated,
        anonymous,
        redirects,
        requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
        connectTimeoutMs,
        dns,
        probePort: options.probePort ?? tcpPortProbe,
        scp,
        priorityGraceMs: options.priorityGraceMs ?? adaptiveGrace,
        candidateTimeoutMs: options.candidateTimeoutMs ?? DEFAULTS.candidateTimeoutMs,
      };
      const winner = await runRound(context, options, enabled, limit.signal);
      if (winner.outcome.kind === "settings") {
        const { settings, endpoint } = winner.outcome;
        if (cache !== undefined) {
          cache.setSettings(first.address, settings);
          if (endpoint !== undefined) cache.setEndpoint(email.domain, endpoint);
        }
        return {
          ...settings,
          source: { method: winner.method, ...(endpoint === undefined ? {} : { url: endpoint.url }) },
          trace: trace.attempts,
        };
      }
      // MS-OXDSCLI 3.1.5.4 redirectAddr: start over for the new address. It came from a
      // server the gate trusted, so its domain becomes trusted too (hybrid: on-premises to
      // Microsoft 365); the loop guard stops repeats and long chains.
      const next: EmailAddress = parseEmailAddress(winner.outcome.address);
      redirects.take(next.address);
      redirects.visitAddress(next.address);
      gate.trustDomain(next.domain);
      email = next;
    }
  } finally {
    limit.dispose();
    await Promise.all(owned.map((client) => client.destroy().catch(() => undefined)));
  }
}

/** Checks `options.ldap` before any I/O: a bind that would send the password in clear is refused here. */
function scpContext(options: DiscoverOptions): ScpContext | undefined {
  const ldap = options.ldap;
  if (ldap === undefined || options.methods?.scp === false) return undefined;
  let url: URL;
  try {
    url = new URL(ldap.url);
  } catch {
    throw new InvalidArgumentError("ldap.url is not a URL");
  }
  if (url.protocol !== "ldap:" && url.protocol !== "ldaps:")
    throw new InvalidArgumentError("ldap.url must start with ldaps:// or ldap://");
  const bindDn = ldap.bindDn ?? options.credentials?.username;
  const password = ldap.password ?? options.credentials?.password;
  if (bindDn === undefined || password === undefined || password === "")
    throw new InvalidArgumentError(
      "SCP lookup needs a bind name and password (ldap.bindDn/password or credentials)",
    );
  const security = url.protocol === "ldaps:" ? "tls" : ldap.startTls === false ? "none" : "starttls";
  if (security === "none" && ldap.allowInsecureAuth !== true) {
    throw new AuthError(
      `refusing a plaintext LDAP bind to ${url.host}: use ldaps://, StartTLS, or set ldap.allowInsecureAuth`,
      { code: "MW_INSECURE_AUTH_REFUSED" },
    );
  }
  return {
    url: new URL(`${url.protocol}//${url.host}`),
    security,
    bindDn,
    password,
    tls: ldap.tls,
    site: ldap.site,
    directory: ldap.directory ?? ldaptsDirectory,
    confirmRedirect: options.confirmRedirect,
  };
}

async function runRound(
  context: RoundContext,
  options: DiscoverOptions,
  enabled: (method: DiscoveryMethod) => boolean,
  signal: AbortSignal,
): Promise<Winner> {
  const endpoint = options.cache?.getEndpoint(context.email.domain);
  if (endpoint !== undefined) {
    // A known endpoint for this domain is asked alone first: one request instead of a dozen.
    try {
      const url = new URL(endpoint.url);
      const outcome =
        endpoint.method === "pox"
          ? await poxAt(context, url, "cache", signal)
          : await soapAt(context, url, signal);
      return { method: "cache", outcome };
    } catch (error) {
      if (isMailwireError(error) && error.code === "MW_ABORTED" && signal.aborted) throw error;
      options.cache?.invalidate(context.email.domain);
    }
  }
  const tiers = candidatesFor(context.email, enabled);
  if (tiers.exchange.length + tiers.fallback.length === 0)
    throw new InvalidArgumentError("every discovery method is switched off");
  const raceOptions = {
    graceMs: options.priorityGraceMs ?? adaptiveGrace,
    candidateTimeoutMs: options.candidateTimeoutMs ?? DEFAULTS.candidateTimeoutMs,
  };
  // Both tiers start now; the IMAP/POP3/SMTP fallback only counts once every Exchange
  // candidate has failed, so a quick autoconfig answer never beats a slower Exchange one.
  const fallbackStop = new AbortController();
  const onAbort = () => fallbackStop.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const race = (candidates: Candidate[], raceSignal: AbortSignal) =>
    priorityRace(
      candidates.map((candidate) =>
        candidate.reportsConnect === true
          ? {
              run: (candidateSignal: AbortSignal, connected: () => void) =>
                candidate.run(reportingConnects(context, connected), candidateSignal),
              reportsConnect: true,
            }
          : { run: (candidateSignal: AbortSignal) => candidate.run(context, candidateSignal) },
      ),
      { ...raceOptions, signal: raceSignal },
    );
  const fallback = race(tiers.fallback, fallbackStop.signal);
  fallback.catch(() => undefined);
  try {
    const exchange = await race(tiers.exchange, signal);
    if (exchange.kind === "won")
      return { method: tiers.exchange[exchange.index]?.method ?? "pox", outcome: exchange.value };
    const rescue = await fallback;
    if (rescue.kind === "won")
      return { method: tiers.fallback[rescue.index]?.method ?? "ports", outcome: rescue.value };
    throw nothingFound(context, [...exchange.errors, ...rescue.errors]);
  } finally {
    signal.removeEventListener("abort", onAbort);
    fallbackStop.abort(new Error("discovery round finished"));
  }
}

function nothingFound(context: RoundContext, errors: unknown[]) {
  // A redirect-limit refusal is the real story; surface it as itself.
  const limit = errors.find(
    (error) =>
      isMailwireError(error) &&
      error.code === "MW_REDIRECT_REFUSED" &&
      error.details.reason === "too-many-redirects",
  );
  if (limit !== undefined) return limit;
  const informative = errors.find((error) => isMailwireError(error) && error.code !== "MW_ABORTED");
  const summary = summarize(context.trace);
  // An endpoint that refused the credentials is the answer a caller can act on (a wrong
  // password), not "no settings": say so with the code every other mailwire login failure has.
  const refused = errors.find((error) => isMailwireError(error) && error.code === ErrorCode.AUTH_FAILED);
  if (refused !== undefined) {
    return new AuthError(
      `autodiscover: the server refused the credentials for ${context.email.address}: ${summary}`,
      {
        cause: refused,
        details: { trace: context.trace.attempts },
      },
    );
  }
  return new ProtocolError(`autodiscover found no settings for ${context.email.address}: ${summary}`, {
    cause: informative,
    details: { trace: context.trace.attempts },
  });
}

function summarize(trace: TraceRecorder): string {
  const counts = new Map<string, number>();
  for (const attempt of trace.attempts) {
    const key = attempt.errorCode ?? attempt.outcome;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${count}× ${key}`).join(", ");
}
