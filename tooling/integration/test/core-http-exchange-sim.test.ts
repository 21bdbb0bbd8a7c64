import { createHttpClient, type HttpClient, type HttpClientOptions } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

// Integration against @mailwire/exchange-sim, whose NTLMv2 verification (MD4, NTOWFv2,
// NTProofStr, MIC, channel bindings) is its own code, written from MS-NLMP apart from ours.
// Lives outside packages/core: the simulator depends on @mailwire/mapi, which depends on core,
// so a core devDependency on the simulator would be a build cycle.

const WHOAMI = "mailwire/whoami";

describe("@mailwire/core HTTP client against exchange-sim", () => {
  let sim: ExchangeSim;
  let clock = Date.now();
  let client: HttpClient | undefined;

  beforeAll(async () => {
    sim = await startSim({ fixture: { messageCount: 1, largeMessageBytes: 0 }, now: () => clock });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    clock = Date.now();
    sim.faults.clear();
    sim.configureAuth({
      schemes: ["ntlm", "basic", "bearer"],
      ntlm: { channelBinding: "required", requireMic: true, timestamp: true },
    });
    sim.resetStats();
  });
  afterEach(async () => {
    await client?.destroy();
    client = undefined;
  });

  const connect = (options: HttpClientOptions) =>
    createHttpClient({ proxy: false, retry: false, tls: { ca: sim.caPem }, ...options });

  const whoami = async (target: HttpClient) => {
    const response = await target.request({ method: "GET", url: `${sim.url}${WHOAMI}`, expectStatus: 200 });
    return (await response.body.json()) as { user: { username: string } | undefined };
  };

  describe("NTLMv2 with channel bindings and MIC required", () => {
    it("authenticates once, then carries N requests on the same connection", async () => {
      const { username, password, domain } = sim.credentials;
      client = connect({ credentials: { username, password, domain } });
      for (let index = 0; index < 10; index++) {
        const answer = await whoami(client);
        expect(answer.user?.username.toLowerCase()).toBe(username.toLowerCase());
      }
      expect(sim.stats.ntlmHandshakes).toBe(1);
      expect(sim.stats.ntlmFailures).toBe(0);
      expect(sim.stats.connections).toBe(1);
    });

    it("accepts the DOMAIN\\user form", async () => {
      const { username, password, domain } = sim.credentials;
      client = connect({ credentials: { username: `${domain}\\${username}`, password } });
      await whoami(client);
      expect(sim.stats.ntlmHandshakes).toBe(1);
    });

    it("accepts the UPN form", async () => {
      const { password, email } = sim.credentials;
      client = connect({ credentials: { username: email, password } });
      await whoami(client);
      expect(sim.stats.ntlmHandshakes).toBe(1);
      expect(sim.stats.lastNtlmFailure).toBeUndefined();
    });

    it("a wrong password: MW_AUTH_FAILED after exactly one handshake, not retried with the same password", async () => {
      const { username, domain } = sim.credentials;
      client = createHttpClient({
        proxy: false,
        tls: { ca: sim.caPem },
        credentials: { username, domain, password: "not-the-password" },
        retry: { sleep: async () => {} },
      });
      await expect(
        client.request({ method: "GET", url: `${sim.url}${WHOAMI}`, idempotent: true }),
      ).rejects.toMatchObject({ name: "AuthError", code: "MW_AUTH_FAILED" });
      expect(sim.stats.ntlmChallenges).toBe(1);
      expect(sim.stats.ntlmFailures).toBe(1);
      expect(sim.stats.ntlmHandshakes).toBe(0);
    });
  });

  it("Basic over TLS, sent up front once the scheme is known", async () => {
    sim.configureAuth({ schemes: ["basic"] });
    const { username, password } = sim.credentials;
    client = connect({ credentials: { username, password } });
    for (let index = 0; index < 3; index++) await whoami(client);
    expect(sim.stats.basicLogins).toBe(3);
    // Only the very first request met a 401 (it told us the scheme).
    expect(sim.stats.unauthorized).toBe(1);
  });

  it("Bearer: an expired token is refreshed exactly once (forceRefresh), then the request succeeds", async () => {
    sim.configureAuth({ schemes: ["bearer"] });
    const stale = sim.issueToken({ expiresInMs: 1_000 }).accessToken;
    clock += 60_000; // the cached token has expired by now
    const asked: boolean[] = [];
    client = connect({
      credentials: {
        tokenProvider: async ({ forceRefresh }) => {
          asked.push(forceRefresh);
          return forceRefresh ? sim.issueToken({ expiresInMs: 3_600_000 }).accessToken : stale;
        },
      },
    });
    await whoami(client);
    expect(asked).toEqual([false, true]);
    expect(sim.stats.bearerLogins).toBe(1);
  });

  describe("throttling (503 + Retry-After)", () => {
    it("retries after the server's Retry-After, then succeeds", async () => {
      const { username, password, domain } = sim.credentials;
      const waits: number[] = [];
      client = connect({
        credentials: { username, password, domain },
        retry: { maxAttempts: 3, sleep: async (ms) => void waits.push(ms) },
      });
      sim.faults.throttle({ count: 2, retryAfterSeconds: 7, path: `/${WHOAMI}` });
      const response = await client.request({
        method: "GET",
        url: `${sim.url}${WHOAMI}`,
        idempotent: true,
        expectStatus: 200,
      });
      await response.body.dump();
      expect(waits).toEqual([7_000, 7_000]);
      expect(sim.stats.throttled).toBe(2);
    });

    it("gives up with ServerBusyError carrying retryAfterMs", async () => {
      const { username, password, domain } = sim.credentials;
      const waits: number[] = [];
      client = connect({
        credentials: { username, password, domain },
        retry: { maxAttempts: 3, sleep: async (ms) => void waits.push(ms) },
      });
      sim.faults.throttle({ count: 10, retryAfterSeconds: 5, path: `/${WHOAMI}` });
      await expect(
        client.request({ method: "GET", url: `${sim.url}${WHOAMI}`, idempotent: true }),
      ).rejects.toMatchObject({
        name: "ServerBusyError",
        code: "MW_SERVER_BUSY",
        retryAfterMs: 5_000,
        details: { statusCode: 503, attempts: 3 },
      });
      expect(waits).toEqual([5_000, 5_000]);
      expect(sim.stats.throttled).toBe(3);
    });
  });
});
