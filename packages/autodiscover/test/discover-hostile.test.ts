import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DiscoverOptions, discover } from "../src/index.js";
import { startBlackHole } from "./helpers/black-hole.js";
import { startPlainHttp } from "./helpers/plain-http.js";
import { type RecorderReply, startRecorder } from "./helpers/recorder-sim.js";
import { routedClientFactory } from "./helpers/routed-client.js";
import { type SynBlackHole, startSynBlackHole } from "./helpers/syn-black-hole.js";

// Hostile servers. Every stranger records the Authorization header of each request it
// gets; the assertions prove no credential went where the safety rules forbid.

let sim: ExchangeSim;
const cleanups: Array<() => Promise<void>> = [];
const routes = new Map<string, number>();
const cas: string[] = [];

beforeAll(async () => {
  sim = await startSim();
  cas.push(sim.caPem);
});
afterAll(() => sim.close());
afterEach(async () => {
  routes.clear();
  sim.autodiscover.reset();
  sim.configureAuth({ schemes: ["ntlm", "basic", "bearer"] });
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function options(extra: Partial<DiscoverOptions> = {}): DiscoverOptions {
  const { factory } = routedClientFactory(routes, cas);
  return {
    credentials: {
      username: sim.credentials.username,
      password: sim.credentials.password,
      domain: sim.credentials.domain,
    },
    createHttpClient: factory,
    dns: { resolveSrv: async () => [] },
    methods: { autoconfig: false, ports: false },
    connectTimeoutMs: 1_000,
    ...extra,
  };
}

async function recorder(answer: (request: { path: string }) => RecorderReply) {
  const server = await startRecorder(answer);
  cas.push(server.caPem);
  cleanups.push(server.close);
  return server;
}

const address = () => sim.credentials.email;
const POX = "/autodiscover/autodiscover.xml";

describe("hostile: candidates that accept the connection and stay silent (TLS handshake hangs)", () => {
  it("times the silent ones out per candidate and still answers fast from the live one", async () => {
    const hole = await startBlackHole();
    cleanups.push(hole.close);
    routes.set("https://mailwire.test", hole.port);
    routes.set("https://autodiscover.mailwire.test", sim.port);
    const started = performance.now();
    const result = await discover(address(), options({ connectTimeoutMs: 5_000 }));
    const elapsed = performance.now() - started;
    expect(result.source.url).toBe(`https://autodiscover.mailwire.test${POX}`);
    // Far below the 5 s connect timeout of the black-holed candidates: they were cancelled.
    expect(elapsed).toBeLessThan(2_000);
    expect(hole.connections()).toBeGreaterThan(0);
    const silent = result.trace.filter((attempt) => attempt.target.startsWith("https://mailwire.test/"));
    expect(silent.length).toBeGreaterThan(0);
    expect(silent.every((attempt) => attempt.outcome === "cancelled")).toBe(true);
  });

  it("when everything is black-holed, each candidate stops at its connect timeout", async () => {
    const hole = await startBlackHole();
    cleanups.push(hole.close);
    routes.set("https://mailwire.test", hole.port);
    routes.set("https://autodiscover.mailwire.test", hole.port);
    const started = performance.now();
    const failure = await discover(address(), options({ connectTimeoutMs: 300 })).catch(
      (error: unknown) => error,
    );
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(failure).toMatchObject({ code: "MW_PROTOCOL" });
    const trace = (failure as { details: { trace: Array<{ errorCode?: string }> } }).details.trace;
    expect(trace.some((attempt) => attempt.errorCode === "MW_TIMEOUT")).toBe(true);
  });
});

describe("hostile: connects that never complete (SYN dropped)", () => {
  let hole: SynBlackHole;
  beforeAll(async () => {
    hole = await startSynBlackHole();
  });
  afterAll(() => hole.close());

  it("the hole holds: a plain TCP connect to it is still pending after a while", async () => {
    expect(await hole.probe(300)).toBe(true);
  });

  it("the live candidate wins at once; the hanging connects are cancelled, not waited for", async () => {
    routes.set("https://mailwire.test", hole.port);
    routes.set("http://autodiscover.mailwire.test", hole.port);
    routes.set("https://autodiscover.mailwire.test", sim.port);
    const started = performance.now();
    const result = await discover(address(), options({ connectTimeoutMs: 5_000 }));
    // Far below the 5 s connect timeout: nothing waited for the hole.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.source.url).toBe(`https://autodiscover.mailwire.test${POX}`);
    const silent = result.trace.filter((attempt) => attempt.target.startsWith("https://mailwire.test/"));
    expect(silent.length).toBeGreaterThan(0);
    expect(silent.every((attempt) => attempt.outcome === "cancelled")).toBe(true);
    // The http:// leg (started alongside the others) hung in its connect and was cancelled too.
    expect(result.trace.filter((attempt) => attempt.target.startsWith("http://"))).toEqual([
      expect.objectContaining({ method: "httpRedirect", outcome: "cancelled" }),
    ]);
    // The connects were really left pending, not refused: the hole still holds afterwards.
    expect(await hole.probe(200)).toBe(true);
  });

  it("with nothing else alive, each hanging connect (https and http) ends at connectTimeoutMs as MW_TIMEOUT", async () => {
    routes.set("https://mailwire.test", hole.port);
    routes.set("https://autodiscover.mailwire.test", hole.port);
    routes.set("http://autodiscover.mailwire.test", hole.port);
    const started = performance.now();
    const failure = await discover(address(), options({ connectTimeoutMs: 300 })).catch(
      (error: unknown) => error,
    );
    const elapsed = performance.now() - started;
    // Not refused at once (the connects hung until the timeout), not waited out past it either.
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3_000);
    expect(failure).toMatchObject({ code: "MW_PROTOCOL" });
    const trace = (
      failure as {
        details: {
          trace: Array<{
            method: string;
            target: string;
            errorCode?: string;
            detail?: string;
            durationMs: number;
          }>;
        };
      }
    ).details.trace;
    const pox = trace.filter(
      (attempt) => attempt.target.startsWith("https://") && attempt.target.endsWith(POX),
    );
    expect(pox.length).toBe(2);
    expect(pox.every((attempt) => attempt.errorCode === "MW_TIMEOUT")).toBe(true);
    const plain = trace.filter((attempt) => attempt.method === "httpRedirect");
    expect(plain).toEqual([
      expect.objectContaining({ target: `http://autodiscover.mailwire.test${POX}`, errorCode: "MW_TIMEOUT" }),
    ]);
    // Every request that went to the hole (POX, SOAP, v2, the http:// leg) stopped in the
    // connect phase, at connectTimeoutMs: core's connect timeout, not a later request timeout.
    const holed = trace.filter((attempt) => /^https?:\/\//.test(attempt.target));
    expect(holed.length).toBeGreaterThanOrEqual(5);
    for (const attempt of holed) {
      expect(attempt, attempt.target).toMatchObject({
        errorCode: "MW_TIMEOUT",
        detail: expect.stringMatching(/^connect to https?:\/\/127\.0\.0\.1:\d+ timed out after 300 ms$/),
      });
      expect(attempt.durationMs, attempt.target).toBeGreaterThanOrEqual(250);
    }
  });
});

describe("hostile: redirects", () => {
  it("a redirectUrl loop stops after 10 redirects", async () => {
    routes.set("https://autodiscover.mailwire.test", sim.port);
    sim.autodiscover.respondWith({ kind: "redirectUrl", url: `https://autodiscover.mailwire.test${POX}` });
    const failure = await discover(
      address(),
      options({
        methods: {
          pox: true,
          soap: false,
          v2: false,
          httpRedirect: false,
          srv: false,
          autoconfig: false,
          ports: false,
        },
      }),
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "MW_REDIRECT_REFUSED", details: { reason: "too-many-redirects" } });
    const poxRequests = sim.autodiscover.requests.filter((entry) => entry.endpoint === "pox");
    expect(poxRequests.length).toBeLessThanOrEqual(11);
  });

  it("a redirectAddr back to an address already tried is a loop", async () => {
    routes.set("https://autodiscover.mailwire.test", sim.port);
    sim.autodiscover.respondWith({ kind: "redirectAddr", address: address().toUpperCase() });
    await expect(
      discover(address(), options({ methods: { soap: false, autoconfig: false, ports: false } })),
    ).rejects.toMatchObject({
      code: "MW_REDIRECT_REFUSED",
      details: { reason: "loop" },
    });
  });

  it("a redirect to a foreign domain gets no credential without confirmRedirect, and is used with it", async () => {
    const stranger = await recorder((request) =>
      request.path === POX
        ? { status: 401, headers: { "www-authenticate": 'Basic realm="x"' } }
        : { status: 404 },
    );
    routes.set("https://autodiscover.mailwire.test", sim.port);
    routes.set("https://autodiscover.evil.example", stranger.port);
    sim.autodiscover.respondWith({ kind: "redirectUrl", url: `https://autodiscover.evil.example${POX}` });
    const only = { soap: false, v2: false, httpRedirect: false, srv: false, autoconfig: false, ports: false };
    const refused = await discover(address(), options({ methods: only })).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "MW_PROTOCOL" });
    expect(stranger.requests).toEqual([]);
    const trace = (refused as { details: { trace: Array<{ outcome: string; target: string }> } }).details
      .trace;
    expect(trace).toContainEqual(
      expect.objectContaining({ outcome: "refused", target: `https://autodiscover.evil.example${POX}` }),
    );

    // Approved: the caller takes responsibility; now the request goes there.
    const asked: string[] = [];
    await discover(
      address(),
      options({
        methods: only,
        confirmRedirect: (url) => {
          asked.push(url.href);
          return true;
        },
      }),
    ).catch(() => undefined);
    expect(asked).toEqual([`https://autodiscover.evil.example${POX}`]);
    expect(stranger.requests.length).toBeGreaterThan(0);
  });

  it("the http:// redirect method follows only an https target and never sends credentials on http", async () => {
    const plain = await startPlainHttp((_req, res) => {
      res.writeHead(302, { location: "http://autodiscover.mailwire.test/elsewhere.xml" });
      res.end();
    });
    cleanups.push(plain.close);
    routes.set("http://autodiscover.mailwire.test", plain.port);
    const only = { pox: false, soap: false, v2: false, srv: false, autoconfig: false, ports: false };
    const failure = await discover(address(), options({ methods: only })).catch((error: unknown) => error);
    const trace = (
      failure as { details: { trace: Array<{ method: string; outcome: string; detail?: string }> } }
    ).details.trace;
    expect(trace).toContainEqual(expect.objectContaining({ method: "httpRedirect", outcome: "refused" }));
    expect(plain.authorizations).toEqual([undefined]);
  });

  it("the http:// redirect to an https host in the domain is followed with credentials", async () => {
    const plain = await startPlainHttp((_req, res) => {
      res.writeHead(302, { location: `https://mail.mailwire.test${POX}` });
      res.end();
    });
    cleanups.push(plain.close);
    routes.set("http://autodiscover.mailwire.test", plain.port);
    routes.set("https://mail.mailwire.test", sim.port);
    const only = { pox: false, soap: false, v2: false, srv: false, autoconfig: false, ports: false };
    const result = await discover(address(), options({ methods: only }));
    expect(result.source).toEqual({ method: "httpRedirect", url: `https://mail.mailwire.test${POX}` });
    expect(plain.authorizations).toEqual([undefined]);
  });

  it("an SRV record naming a foreign host is refused without confirmRedirect", async () => {
    const stranger = await recorder(() => ({ status: 401, headers: { "www-authenticate": "NTLM" } }));
    routes.set("https://autodiscover.evil.example", stranger.port);
    const only = { pox: false, soap: false, v2: false, httpRedirect: false, autoconfig: false, ports: false };
    await expect(
      discover(
        address(),
        options({
          methods: only,
          dns: {
            resolveSrv: async () => [
              { name: "autodiscover.evil.example", port: 443, priority: 0, weight: 0 },
            ],
          },
        }),
      ),
    ).rejects.toMatchObject({ code: "MW_PROTOCOL" });
    expect(stranger.requests).toEqual([]);
  });
});

describe("hostile: authentication downgrade", () => {
  it("a host asking for Basic gets no password once NTLM was offered for the account", async () => {
    // The domain root offers NTLM and, once authenticated, redirects to a host that only asks for Basic.
    sim.configureAuth({ schemes: ["ntlm"] });
    const basicOnly = await recorder(() => ({
      status: 401,
      headers: { "www-authenticate": 'Basic realm="x"' },
    }));
    routes.set("https://mailwire.test", sim.port);
    routes.set("https://basic.mailwire.test", basicOnly.port);
    sim.autodiscover.respondWith({ kind: "redirectUrl", url: `https://basic.mailwire.test${POX}` });
    const only = { soap: false, v2: false, httpRedirect: false, srv: false, autoconfig: false, ports: false };
    const failure = await discover(address(), options({ methods: only })).catch((error: unknown) => error);
    expect(sim.stats.ntlmHandshakes).toBeGreaterThan(0);
    expect(basicOnly.requests.length).toBeGreaterThan(0);
    expect(basicOnly.requests.every((request) => request.authorization === undefined)).toBe(true);
    const trace = (
      failure as { details: { trace: Array<{ target: string; outcome: string; errorCode?: string }> } }
    ).details.trace;
    expect(trace).toContainEqual(
      expect.objectContaining({
        target: `https://basic.mailwire.test${POX}`,
        outcome: "refused",
        errorCode: "MW_INSECURE_AUTH_REFUSED",
      }),
    );

    // basicAuth: "always" is the caller accepting the downgrade: then, and only then, Basic goes out.
    basicOnly.requests.length = 0;
    await discover(address(), options({ methods: only, basicAuth: "always" })).catch(() => undefined);
    expect(basicOnly.requests.some((request) => request.authorization?.startsWith("Basic "))).toBe(true);
  });

  it('basicAuth "never" keeps the password from a Basic-only host even with nothing stronger seen', async () => {
    const basicOnly = await recorder(() => ({
      status: 401,
      headers: { "www-authenticate": 'Basic realm="x"' },
    }));
    routes.set("https://autodiscover.mailwire.test", basicOnly.port);
    await discover(address(), options({ basicAuth: "never" })).catch(() => undefined);
    expect(basicOnly.requests.length).toBeGreaterThan(0);
    expect(basicOnly.requests.every((request) => request.authorization === undefined)).toBe(true);
  });
});

describe("hostile: bodies", () => {
  it("oversized and malformed XML are traced as MW_LIMIT_EXCEEDED / MW_PARSE while the good host wins", async () => {
    const huge = await recorder(() => ({
      status: 200,
      headers: { "content-type": "text/xml" },
      body: `<Autodiscover>${"x".repeat(2_000_000)}</Autodiscover>`,
    }));
    const broken = await recorder(() => ({
      status: 200,
      headers: { "content-type": "text/xml" },
      body: `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><Autodiscover>&x;</Autodiscover>`,
    }));
    routes.set("https://mailwire.test", huge.port);
    routes.set("https://autodiscover.mailwire.test", broken.port);
    const failure = await discover(
      address(),
      options({
        methods: { soap: false, v2: false, httpRedirect: false, srv: false, autoconfig: false, ports: false },
        basicAuth: "never",
      }),
    ).catch((error: unknown) => error);
    const trace = (failure as { details: { trace: Array<{ target: string; errorCode?: string }> } }).details
      .trace;
    expect(trace).toContainEqual(
      expect.objectContaining({ target: `https://mailwire.test${POX}`, errorCode: "MW_LIMIT_EXCEEDED" }),
    );
    expect(trace).toContainEqual(
      expect.objectContaining({ target: `https://autodiscover.mailwire.test${POX}`, errorCode: "MW_PARSE" }),
    );
  });
});

describe("safety: hosts", () => {
  it("never derives a host above the address's domain", async () => {
    const failure = await discover(
      "someone@eu.sub.mailwire.test",
      options({
        methods: {},
        connectTimeoutMs: 200,
        probePort: async () => Promise.reject(new Error("closed")),
      }),
    ).catch((error: unknown) => error);
    const trace = (failure as { details: { trace: Array<{ target: string }> } }).details.trace;
    expect(trace.length).toBeGreaterThan(5);
    for (const attempt of trace) {
      const host = attempt.target.startsWith("_autodiscover")
        ? attempt.target
        : attempt.target.replace(/^https?:\/\//, "").split(/[/:?]/)[0];
      expect(host?.endsWith("eu.sub.mailwire.test"), attempt.target).toBe(true);
    }
  });

  it("refuses a single-label domain (the autodiscover.<tld> leak)", async () => {
    await expect(discover("user@com", options())).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
  });
});
