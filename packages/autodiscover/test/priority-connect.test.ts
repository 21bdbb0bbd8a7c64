import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DiscoverOptions, discover } from "../src/index.js";
import { routedClientFactory } from "./helpers/routed-client.js";
import { type SynBlackHole, startSynBlackHole } from "./helpers/syn-black-hole.js";

// The priority rule with connect reports: a better candidate gets the grace window only once
// it has connected. Grace windows here are far longer than the test timeout, so a candidate
// waited for when it should not be fails the test instead of passing slowly.

const POX = "/autodiscover/autodiscover.xml";
let slow: ExchangeSim;
let fast: ExchangeSim;
let hole: SynBlackHole;
const routes = new Map<string, number>();

beforeAll(async () => {
  [slow, fast, hole] = await Promise.all([startSim(), startSim(), startSynBlackHole()]);
});
afterAll(async () => {
  await Promise.all([slow.close(), fast.close(), hole.close()]);
});
afterEach(() => {
  routes.clear();
  slow.faults.clear();
});

function options(extra: Partial<DiscoverOptions> = {}): DiscoverOptions {
  const { factory } = routedClientFactory(routes, [slow.caPem, fast.caPem]);
  return {
    credentials: {
      username: fast.credentials.username,
      password: fast.credentials.password,
      domain: fast.credentials.domain,
    },
    createHttpClient: factory,
    dns: { resolveSrv: async () => [] },
    methods: { soap: false, v2: false, httpRedirect: false, srv: false, autoconfig: false, ports: false },
    ...extra,
  };
}

describe("priority grace and connects", () => {
  it("a better candidate that connected but answers slowly still wins inside the grace", async () => {
    routes.set("https://mailwire.test", slow.port);
    routes.set("https://autodiscover.mailwire.test", fast.port);
    // Every request to the better server waits: it connects at once and answers late.
    slow.faults.delay(300, { count: 20, path: "/autodiscover" });
    const result = await discover(
      fast.credentials.email,
      options({ priorityGraceMs: 20_000, connectTimeoutMs: 10_000 }),
    );
    expect(result.source).toEqual({ method: "pox", url: `https://mailwire.test${POX}` });
    const worse = result.trace.filter(
      (attempt) => attempt.target === `https://autodiscover.mailwire.test${POX}`,
    );
    expect(worse.some((attempt) => attempt.outcome === "settings")).toBe(true);
  });

  it("a better candidate stuck in its TCP connect does not hold the answer for the grace", async () => {
    routes.set("https://mailwire.test", hole.port);
    routes.set("https://autodiscover.mailwire.test", fast.port);
    // Grace and connect timeout of a minute each: waiting for the hole would exceed the test timeout.
    const result = await discover(
      fast.credentials.email,
      options({ priorityGraceMs: 60_000, connectTimeoutMs: 60_000, candidateTimeoutMs: 120_000 }),
    );
    expect(result.source).toEqual({ method: "pox", url: `https://autodiscover.mailwire.test${POX}` });
    const stuck = result.trace.filter((attempt) => attempt.target === `https://mailwire.test${POX}`);
    expect(stuck.length).toBeGreaterThan(0);
    expect(stuck.every((attempt) => attempt.outcome === "cancelled")).toBe(true);
    // The connect was really left pending, not refused.
    expect(await hole.probe(200)).toBe(true);
  });

  it("with both live, the better one wins although the worse one may answer first", async () => {
    routes.set("https://mailwire.test", slow.port);
    routes.set("https://autodiscover.mailwire.test", fast.port);
    const result = await discover(
      fast.credentials.email,
      options({ priorityGraceMs: 20_000, connectTimeoutMs: 10_000 }),
    );
    expect(result.source).toEqual({ method: "pox", url: `https://mailwire.test${POX}` });
  });
});
