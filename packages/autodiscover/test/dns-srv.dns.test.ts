import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DiscoverOptions, type DiscoveryAttempt, discover } from "../src/index.js";
import { dnsRoutedClientFactory } from "./helpers/dns-routed-client.js";
import { startDnsServer } from "./helpers/dns-server.js";
import { startRecorder } from "./helpers/recorder-sim.js";

// Method 6 with real DNS: a DNS server on 127.0.0.1 answers SRV and A; discover() asks it with
// node:dns's Resolver through the `dnsServers` option, and the HTTP leg finds its hosts (A) on
// the same server. No injected resolver anywhere.

let sim: ExchangeSim;
let dns: Awaited<ReturnType<typeof startDnsServer>>;
const cas: string[] = [];
const cleanups: Array<() => Promise<void>> = [];
const SRV = "_autodiscover._tcp.mailwire.test";

beforeAll(async () => {
  sim = await startSim();
  cas.push(sim.caPem);
  dns = await startDnsServer();
});
afterAll(async () => {
  await sim.close();
  await dns.close();
});
afterEach(async () => {
  dns.zone.records.clear();
  dns.zone.silent.clear();
  dns.questions.length = 0;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function options(extra: Partial<DiscoverOptions> = {}): DiscoverOptions {
  return {
    credentials: {
      username: sim.credentials.username,
      password: sim.credentials.password,
      domain: sim.credentials.domain,
    },
    createHttpClient: dnsRoutedClientFactory(dns.server, cas),
    dnsServers: [dns.server],
    methods: {
      scp: false,
      pox: false,
      soap: false,
      v2: false,
      httpRedirect: false,
      autoconfig: false,
      ports: false,
    },
    connectTimeoutMs: 1_000,
    ...extra,
  };
}

const address = () => sim.credentials.email;
const traceOf = async (promise: Promise<unknown>) =>
  ((await promise.catch((error: unknown) => error)) as { details: { trace: DiscoveryAttempt[] } }).details
    .trace;

describe("DNS SRV against a DNS server on loopback", () => {
  it("finds the SRV target, resolves it (A) and gets the settings there", async () => {
    dns.zone.records.set(`${SRV} SRV`, [
      { type: "SRV", target: "backup.mailwire.test", port: 1, priority: 20 },
      { type: "SRV", target: "ad.mailwire.test", port: sim.port, priority: 10 },
    ]);
    dns.zone.records.set("ad.mailwire.test A", [{ type: "A", address: "127.0.0.1" }]);
    const result = await discover(address(), options());
    const url = `https://ad.mailwire.test:${sim.port}/autodiscover/autodiscover.xml`;
    expect(result.source).toEqual({ method: "srv", url });
    expect(result.ews?.externalUrl).toBeDefined();
    expect(dns.questions).toEqual([`${SRV} SRV`, "ad.mailwire.test A"]);
    expect(result.trace).toContainEqual(
      expect.objectContaining({
        method: "srv",
        target: SRV,
        outcome: "redirectUrl",
        detail: `SRV names ad.mailwire.test:${sim.port}`,
      }),
    );
  });

  it("an SRV target outside the user's domain needs confirmRedirect (not even looked up before)", async () => {
    const stranger = await startRecorder(() => ({ status: 401, headers: { "www-authenticate": "NTLM" } }));
    cas.push(stranger.caPem);
    cleanups.push(stranger.close);
    dns.zone.records.set(`${SRV} SRV`, [{ type: "SRV", target: "ad.evil.example", port: stranger.port }]);
    dns.zone.records.set("ad.evil.example A", [{ type: "A", address: "127.0.0.1" }]);
    const trace = await traceOf(discover(address(), options()));
    expect(stranger.requests).toEqual([]);
    expect(dns.questions).toEqual([`${SRV} SRV`]);
    expect(trace).toContainEqual(
      expect.objectContaining({
        method: "srv",
        target: `https://ad.evil.example:${stranger.port}/autodiscover/autodiscover.xml`,
        outcome: "refused",
        errorCode: "MW_REDIRECT_REFUSED",
      }),
    );

    const asked: string[] = [];
    await discover(
      address(),
      options({
        confirmRedirect: (url) => {
          asked.push(url.hostname);
          return true;
        },
      }),
    ).catch(() => undefined);
    expect(asked).toEqual(["ad.evil.example"]);
    expect(dns.questions).toContain("ad.evil.example A");
    expect(stranger.requests.length).toBeGreaterThan(0);
  });

  it("NXDOMAIN is in the trace as MW_PROTOCOL with the DNS code", async () => {
    const trace = await traceOf(discover(address(), options()));
    const srv = trace.find((attempt) => attempt.method === "srv");
    expect(srv).toMatchObject({ target: SRV, outcome: "error", errorCode: "MW_PROTOCOL" });
    expect(srv?.detail).toContain("NXDOMAIN");
    expect(dns.questions).toEqual([`${SRV} SRV`]);
  });

  it("a DNS server that never answers is a MW_TIMEOUT in the trace, within the connect timeout budget", async () => {
    dns.zone.silent.add(SRV);
    const started = performance.now();
    const trace = await traceOf(discover(address(), options({ connectTimeoutMs: 200 })));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(trace.find((attempt) => attempt.method === "srv")).toMatchObject({
      target: SRV,
      outcome: "error",
      errorCode: "MW_TIMEOUT",
    });
    expect(dns.questions.filter((question) => question === `${SRV} SRV`).length).toBeGreaterThanOrEqual(1);
  });
});
