import { createHttpClient, type HttpClient, type HttpClientOptions, isMailwireError } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { CALL_TIMEOUT_MS, type DemoContext } from "./context.js";
import { check, DemoCheckError } from "./demo-error.js";
import type { Narrator } from "./narrator.js";
import { startPlainHttpServer } from "./plain-http-server.js";
import type { BearerSummary, DemoSummary, FolderLine, NtlmSummary, RefusalSummary } from "./summary.js";

/** Requests after whoami and the folder list, all on the connection NTLM authenticated. */
export const EXTRA_REQUESTS = 20;
const BEARER_REQUESTS = 5;

interface WhoamiResponse {
  user: { username: string; domain: string; email: string; scheme: string };
}
interface FoldersResponse {
  folders: { path: string[]; messageCount: number; unreadCount: number }[];
}

/** Starts the simulated Exchange and runs NTLM, Bearer and the refusals against it. */
export async function exchangeDemo(context: DemoContext): Promise<DemoSummary["exchange"]> {
  const { narrator, resources } = context;
  // Extended Protection as a hardened Exchange runs it: no AUTHENTICATE without a MIC, and
  // channel bindings to this TLS certificate required (a relayed handshake fails).
  const policy = { requireMic: true, channelBinding: "required" } as const;
  const sim = await startSim({ auth: { schemes: ["ntlm", "basic", "bearer"], ntlm: policy } });
  resources.defer("exchange-sim", () => sim.close());
  const { username, domain, email } = sim.credentials;
  narrator.section(`Simulated Exchange (@mailwire/exchange-sim) at ${sim.url}`);
  narrator.line("account", `${domain}\\${username} <${email}>`);
  narrator.line("server offers", "NTLM, Basic, Bearer");
  narrator.line("NTLM policy", "NTLMv2 only, MIC required, channel binding required");
  narrator.line("TLS", "certificate made at start; the client trusts it as its only CA");

  const ntlm = await ntlmStep(context, sim, policy);
  const bearer = await bearerStep(context, sim);
  const refusals = await refusalSteps(context, sim);
  return { url: sim.url, ntlm, bearer, refusals };
}

function client(context: DemoContext, name: string, options: HttpClientOptions): HttpClient {
  const created = createHttpClient(options);
  context.resources.defer(name, () => created.destroy());
  return created;
}

async function getJson<T>(
  context: DemoContext,
  http: HttpClient,
  sim: ExchangeSim,
  path: string,
): Promise<T> {
  const response = await http.request({
    method: "GET",
    url: new URL(path, sim.url),
    expectStatus: 200,
    signal: context.signal,
    timeoutMs: CALL_TIMEOUT_MS,
  });
  return response.body.json<T>();
}

async function ntlmStep(
  context: DemoContext,
  sim: ExchangeSim,
  policy: { requireMic: boolean; channelBinding: string },
): Promise<NtlmSummary> {
  const { narrator } = context;
  const { username, password, domain } = sim.credentials;
  sim.resetStats();
  const http = client(context, "NTLM client", {
    credentials: { username, password, domain },
    tls: { ca: sim.caPem },
  });
  let requests = 0;
  const get = <T>(path: string) => {
    requests += 1;
    return getJson<T>(context, http, sim, path);
  };

  const { user } = await get<WhoamiResponse>("mailwire/whoami");
  const { folders } = await get<FoldersResponse>("mailwire/folders");
  for (let i = 0; i < EXTRA_REQUESTS; i++) await get<WhoamiResponse>("mailwire/whoami");
  await http.close();
  const stats = { ...sim.stats };

  narrator.section("NTLMv2 over HTTPS (core createHttpClient, credentials: user, password, domain)");
  narrator.line("whoami", `${user.username} <${user.email}>, authenticated by ${user.scheme.toUpperCase()}`);
  const total = folders.reduce((sum, folder) => sum + folder.messageCount, 0);
  narrator.line("folders", `${folders.length} folders, ${total} messages`);
  printFolderTree(narrator, folders);
  narrator.line(
    "requests",
    `${requests} by the client (whoami, folders, ${EXTRA_REQUESTS} more); ` +
      `${stats.requests} at the server, ${stats.unauthorized} of them answered 401 (first contact, CHALLENGE)`,
  );
  narrator.line("TLS connections", stats.connections);
  narrator.line(
    "NTLM handshakes",
    `${stats.ntlmHandshakes} (${stats.ntlmChallenges} CHALLENGE, ${stats.ntlmFailures} failed) ` +
      "- the connection stays authenticated",
  );

  check(user.scheme === "ntlm", `whoami said ${user.scheme}, expected ntlm`);
  check(stats.ntlmFailures === 0, `NTLM failed on the server: ${stats.lastNtlmFailure ?? "?"}`);
  check(
    stats.ntlmHandshakes === 1,
    `${requests} requests cost ${stats.ntlmHandshakes} NTLM handshakes, expected 1`,
  );
  check(
    stats.connections === 1,
    `${requests} requests used ${stats.connections} TLS connections, expected 1`,
  );
  return {
    username,
    domain,
    whoami: { username: user.username, email: user.email, scheme: user.scheme },
    requests,
    serverRequests: stats.requests,
    connections: stats.connections,
    ntlmHandshakes: stats.ntlmHandshakes,
    ntlmChallenges: stats.ntlmChallenges,
    ntlmFailures: stats.ntlmFailures,
    requireMic: policy.requireMic,
    channelBinding: policy.channelBinding,
    folders: folders.map((folder) => ({
      path: folder.path,
      messageCount: folder.messageCount,
      unreadCount: folder.unreadCount,
    })),
  };
}

function printFolderTree(narrator: Narrator, folders: readonly FolderLine[]): void {
  // Counts first, so that wide (CJK) folder names cannot break the columns.
  for (const folder of folders) {
    const indent = "  ".repeat(folder.path.length - 1);
    const counts = `${String(folder.messageCount).padStart(5)} msgs ${String(folder.unreadCount).padStart(4)} unread`;
    narrator.note(`  ${counts}   ${indent}${folder.path.at(-1) ?? ""}`);
  }
}

async function bearerStep(context: DemoContext, sim: ExchangeSim): Promise<BearerSummary> {
  const { narrator } = context;
  sim.resetStats();
  // A token provider as an application writes one: cache the token, fetch a new one only
  // when core says the server rejected it (forceRefresh).
  let cached: string | undefined;
  let tokensIssued = 0;
  let refreshes = 0;
  const http = client(context, "Bearer client", {
    credentials: {
      tokenProvider: async ({ forceRefresh }) => {
        if (forceRefresh) refreshes += 1;
        if (cached === undefined || forceRefresh) {
          tokensIssued += 1;
          cached = sim.issueToken({ expiresInMs: 10 * 60_000 }).accessToken;
        }
        return cached;
      },
    },
    tls: { ca: sim.caPem },
  });
  let requests = 0;
  let user: WhoamiResponse["user"] | undefined;
  for (let i = 0; i < BEARER_REQUESTS; i++) {
    requests += 1;
    ({ user } = await getJson<WhoamiResponse>(context, http, sim, "mailwire/whoami"));
  }
  // The token is revoked server-side (as when a password changes): the next request gets a
  // 401, core asks the provider once with forceRefresh, and the request goes through.
  if (cached !== undefined) sim.revokeToken(cached);
  requests += 1;
  ({ user } = await getJson<WhoamiResponse>(context, http, sim, "mailwire/whoami"));
  await http.close();
  const stats = { ...sim.stats };

  narrator.section("OAuth2 Bearer (core createHttpClient, credentials: tokenProvider)");
  narrator.line("whoami", `${user.username}, authenticated by ${user.scheme.toUpperCase()}`);
  narrator.line("requests", `${requests}, each with the token; ${stats.bearerLogins} accepted`);
  narrator.line("tokens issued", `${tokensIssued} (token never printed)`);
  narrator.line(
    "after revocation",
    `server said 401, provider asked ${refreshes}x with forceRefresh, request succeeded`,
  );
  narrator.line("NTLM handshakes", stats.ntlmHandshakes);

  check(user.scheme === "bearer", `whoami said ${user.scheme}, expected bearer`);
  check(stats.bearerLogins === requests, `${stats.bearerLogins} Bearer logins for ${requests} requests`);
  check(
    tokensIssued === 2 && refreshes === 1,
    `expected 2 tokens and 1 refresh, got ${tokensIssued} and ${refreshes}`,
  );
  return {
    whoami: { username: user.username, scheme: user.scheme },
    requests,
    tokensIssued,
    bearerLogins: stats.bearerLogins,
    ntlmHandshakes: stats.ntlmHandshakes,
  };
}

/** Runs `attempt`, which must fail with a MailwireError with `code`; returns that code. */
async function expectRefusal(code: string, attempt: () => Promise<unknown>): Promise<string> {
  try {
    await attempt();
  } catch (error) {
    if (isMailwireError(error) && error.code === code) return error.code;
    throw error;
  }
  throw new DemoCheckError(`expected ${code}, but the call succeeded`);
}

async function refusalSteps(context: DemoContext, sim: ExchangeSim): Promise<RefusalSummary[]> {
  const { narrator, resources } = context;
  const { username, domain } = sim.credentials;
  const refusals: RefusalSummary[] = [];
  const whoami = (http: HttpClient, base: string) => () =>
    http.request({
      method: "GET",
      url: new URL("mailwire/whoami", base),
      signal: context.signal,
      timeoutMs: CALL_TIMEOUT_MS,
    });

  // 1. A wrong password: one NTLM attempt, refused, never repeated with the same password.
  sim.resetStats();
  const wrong = client(context, "wrong-password client", {
    credentials: { username, password: "not-the-password", domain },
    tls: { ca: sim.caPem },
  });
  const wrongCode = await expectRefusal("MW_AUTH_FAILED", whoami(wrong, sim.url));
  await wrong.close();
  check(
    sim.stats.ntlmFailures === 1,
    `expected 1 refused AUTHENTICATE, the server saw ${sim.stats.ntlmFailures}`,
  );
  refusals.push({
    check: "wrong password (NTLM)",
    code: wrongCode,
    evidence: `server refused 1 AUTHENTICATE (${sim.stats.lastNtlmFailure ?? "?"}); not retried`,
  });

  // 2. A certificate the client was not told to trust: TLS fails before any request is written.
  sim.resetStats();
  const untrusting = client(context, "default-trust client", {
    credentials: { username, password: sim.credentials.password, domain },
    retry: false,
  });
  const tlsCode = await expectRefusal("MW_TLS", whoami(untrusting, sim.url));
  await untrusting.destroy();
  check(
    sim.stats.requests === 0,
    `${sim.stats.requests} requests reached the server despite the TLS failure`,
  );
  refusals.push({
    check: "untrusted certificate",
    code: tlsCode,
    evidence: "0 requests reached the server",
  });

  // 3. Basic asked for over plain http://: the password would travel in clear, so core refuses.
  const legacy = await startPlainHttpServer();
  resources.defer("plain http server", () => legacy.close());
  const plain = client(context, "plain-http client", {
    credentials: { username, password: sim.credentials.password, domain },
  });
  const insecureCode = await expectRefusal("MW_INSECURE_AUTH_REFUSED", whoami(plain, legacy.url));
  await plain.close();
  await legacy.close();
  check(legacy.seen.withAuthorization === 0, "the password was sent over plain http");
  refusals.push({
    check: "Basic over plain http://",
    code: insecureCode,
    evidence: `${legacy.seen.requests} request reached the server, ${legacy.seen.withAuthorization} with credentials`,
  });

  narrator.section("Safe defaults (each a typed MailwireError with a stable code)");
  for (const refusal of refusals) narrator.line(refusal.check, `${refusal.code}: ${refusal.evidence}`);
  return refusals;
}
