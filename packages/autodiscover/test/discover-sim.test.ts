import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDiscoveryCache, type DiscoverOptions, discover } from "../src/index.js";
import { routedClientFactory } from "./helpers/routed-client.js";

// End to end against exchange-sim: real HTTPS, real NTLMv2, the sim's POX/SOAP/v2 endpoints.

let sim: ExchangeSim;
let partner: ExchangeSim;
const routes = new Map<string, number>();

beforeAll(async () => {
  sim = await startSim();
  partner = await startSim({ credentials: { email: "alex.wilber@cloud.example" } });
});
afterAll(async () => {
  await sim.close();
  await partner.close();
});
beforeEach(() => {
  routes.clear();
  sim.autodiscover.reset();
  partner.autodiscover.reset();
});

function options(extra: Partial<DiscoverOptions> = {}): DiscoverOptions {
  const { factory } = routedClientFactory(routes, [sim.caPem, partner.caPem]);
  return {
    credentials: {
      username: sim.credentials.username,
      password: sim.credentials.password,
      domain: sim.credentials.domain,
    },
    createHttpClient: factory,
    dns: { resolveSrv: async () => [] },
    probePort: async () => {
      throw new Error("closed");
    },
    methods: { autoconfig: false, ports: false },
    connectTimeoutMs: 1_000,
    ...extra,
  };
}

const address = () => sim.credentials.email;

describe("discover() against exchange-sim", () => {
  it("a wrong password ends in AuthError MW_AUTH_FAILED (not 'no settings'), with the trace and no password", async () => {
    routes.set("https://autodiscover.mailwire.test", sim.port);
    const wrong = "Wrong-Passw0rd!";
    const failure = await discover(
      address(),
      options({
        credentials: { username: sim.credentials.username, password: wrong, domain: sim.credentials.domain },
      }),
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "MW_AUTH_FAILED" });
    const error = failure as Error & { details: { trace: { errorCode?: string }[] } };
    expect(error.details.trace.some((attempt) => attempt.errorCode === "MW_AUTH_FAILED")).toBe(true);
    expect(`${error.message} ${JSON.stringify(error.details)}`).not.toContain(wrong);
  });

  it("POX on autodiscover.<domain> with NTLM gives every endpoint and a trace", async () => {
    routes.set("https://autodiscover.mailwire.test", sim.port);
    const result = await discover(address(), options());
    expect(result.source).toEqual({
      method: "pox",
      url: "https://autodiscover.mailwire.test/autodiscover/autodiscover.xml",
    });
    expect(result.emailAddress).toBe(address());
    expect(result.user.displayName).toBe(sim.credentials.username);
    expect(result.user.mailboxId).toBe(`${sim.autodiscover.mailboxGuid}@mailwire.test`);
    expect(result.mapiHttp?.mailStore.externalUrl).toBe(
      `${sim.origin}/mapi/emsmdb/?MailboxId=${sim.autodiscover.mailboxGuid}@mailwire.test`,
    );
    expect(result.mapiHttp?.addressBook.internalUrl).toContain("/mapi/nspi/");
    expect(result.ews).toEqual({
      internalUrl: `${sim.origin}/EWS/Exchange.asmx`,
      externalUrl: `${sim.origin}/EWS/Exchange.asmx`,
    });
    expect(result.rpcHttp).toMatchObject({
      proxyServer: new URL(sim.origin).host,
      sslRequired: true,
      authPackage: "Ntlm",
      certPrincipalName: "msstd:localhost",
    });
    expect(result.oab?.externalUrl).toBe(`${sim.origin}/OAB/${sim.autodiscover.mailboxGuid}/`);
    const winner = result.trace.find((attempt) => attempt.outcome === "settings");
    expect(winner).toMatchObject({
      method: "pox",
      target: "https://autodiscover.mailwire.test/autodiscover/autodiscover.xml",
    });
    expect(winner?.durationMs).toBeGreaterThanOrEqual(0);
    // The sim saw the capability headers (MS-OXDSCLI 2.2.2) and the NTLM-authenticated user.
    const request = sim.autodiscover.requests.find((entry) => entry.endpoint === "pox");
    expect(request?.headers["x-mapihttpcapability"]).toBe("1");
    expect(request?.headers["x-clientcanhandle"]).toContain("ExHttpInfo");
    expect(sim.stats.ntlmHandshakes).toBeGreaterThan(0);
  });

  it("SOAP GetUserSettings when POX is off", async () => {
    routes.set("https://mailwire.test", sim.port);
    const result = await discover(
      address(),
      options({ methods: { pox: false, autoconfig: false, ports: false } }),
    );
    expect(result.source).toEqual({
      method: "soap",
      url: "https://mailwire.test/autodiscover/autodiscover.svc",
    });
    expect(result.ews?.externalUrl).toBe(`${sim.origin}/EWS/Exchange.asmx`);
    expect(result.rpcHttp).toMatchObject({
      sslRequired: true,
      certPrincipalName: "msstd:localhost",
      authPackage: "Ntlm",
    });
    expect(result.user.legacyDn).toContain("/cn=Recipients/cn=");
  });

  it("v2 JSON names a host outside the domain: refused without confirmRedirect, used with it", async () => {
    routes.set("https://autodiscover.mailwire.test", sim.port);
    const only = {
      pox: false,
      soap: false,
      httpRedirect: false,
      srv: false,
      autoconfig: false,
      ports: false,
    };
    await expect(discover(address(), options({ methods: only }))).rejects.toMatchObject({
      code: "MW_PROTOCOL",
    });
    const asked: string[] = [];
    const result = await discover(
      address(),
      options({
        methods: only,
        confirmRedirect: (url) => {
          asked.push(url.origin);
          return true;
        },
      }),
    );
    expect(asked).toEqual([sim.origin]);
    expect(result.source.method).toBe("v2");
    expect(result.ews?.internalUrl).toBe(`${sim.origin}/EWS/Exchange.asmx`);
  });

  it("DNS SRV through an injected resolver", async () => {
    routes.set("https://exch.mailwire.test", sim.port);
    const queried: string[] = [];
    const result = await discover(
      address(),
      options({
        methods: { pox: false, soap: false, v2: false, httpRedirect: false, autoconfig: false, ports: false },
        dns: {
          resolveSrv: async (name) => {
            queried.push(name);
            return [
              { name: "backup.mailwire.test", port: 443, priority: 20, weight: 0 },
              { name: "exch.mailwire.test", port: 443, priority: 10, weight: 5 },
            ];
          },
        },
      }),
    );
    expect(queried).toEqual(["_autodiscover._tcp.mailwire.test"]);
    expect(result.source).toEqual({
      method: "srv",
      url: "https://exch.mailwire.test/autodiscover/autodiscover.xml",
    });
  });

  it("hybrid: redirectAddr to another SMTP domain continues there", async () => {
    routes.set("https://autodiscover.mailwire.test", sim.port);
    routes.set("https://autodiscover.cloud.example", partner.port);
    sim.autodiscover.respondWith({ kind: "redirectAddr", address: "alex.wilber@cloud.example" });
    const result = await discover(
      address(),
      options({ methods: { soap: false, autoconfig: false, ports: false } }),
    );
    expect(result.emailAddress).toBe("alex.wilber@cloud.example");
    expect(result.ews?.internalUrl).toBe(`${partner.origin}/EWS/Exchange.asmx`);
    expect(result.trace.some((attempt) => attempt.outcome === "redirectAddr")).toBe(true);
    expect(partner.autodiscover.requests.map((entry) => entry.emailAddress)).toContain(
      "alex.wilber@cloud.example",
    );
  });

  it("a cache answers the second call for the address and remembers the endpoint per domain", async () => {
    routes.set("https://autodiscover.mailwire.test", sim.port);
    const cache = createDiscoveryCache({ ttlMs: 60_000 });
    await discover(address(), options({ cache }));
    expect(cache.getEndpoint("mailwire.test")).toEqual({
      method: "pox",
      url: "https://autodiscover.mailwire.test/autodiscover/autodiscover.xml",
    });
    const again = await discover(address(), options({ cache }));
    expect(again.source.method).toBe("cache");
    expect(again.trace).toHaveLength(1);
    // Another user of the domain goes straight to the remembered endpoint.
    const colleague = await discover("megan.bowen@mailwire.test", options({ cache }));
    expect(colleague.source.method).toBe("cache");
    expect(colleague.trace.map((attempt) => attempt.target)).toEqual([
      "https://autodiscover.mailwire.test/autodiscover/autodiscover.xml",
    ]);
  });

  it("POX error 600-style answers are traced with their code and the next candidate is used", async () => {
    routes.set("https://mailwire.test", sim.port);
    routes.set("https://autodiscover.mailwire.test", partner.port);
    sim.autodiscover.respondWith({
      kind: "error",
      errorCode: "500",
      message: "The e-mail address cannot be found.",
    });
    const result = await discover(
      address(),
      options({ methods: { soap: false, autoconfig: false, ports: false }, priorityGraceMs: 2_000 }),
    );
    expect(result.source.url).toBe("https://autodiscover.mailwire.test/autodiscover/autodiscover.xml");
    const failed = result.trace.find(
      (attempt) => attempt.target === "https://mailwire.test/autodiscover/autodiscover.xml",
    );
    expect(failed).toMatchObject({ outcome: "error", errorCode: "MW_PROTOCOL" });
    expect(failed?.detail).toContain("500");
  });
});
