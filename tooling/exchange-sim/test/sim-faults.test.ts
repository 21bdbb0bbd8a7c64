import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExchangeSim, startSim } from "../src/start-sim.js";
import { basic, simRequest, singleConnectionAgent } from "./helpers/https-request.js";

describe("fault injection", () => {
  let sim: ExchangeSim;
  let headers: Record<string, string>;
  const get = (path = "mailwire/whoami") =>
    simRequest(`${sim.url}${path}`, { agent: singleConnectionAgent(sim.caPem), headers });

  beforeAll(async () => {
    sim = await startSim({ fixture: { messageCount: 10, largeMessageBytes: 0 } });
    headers = { Authorization: basic(sim.credentials.username, sim.credentials.password) };
  });
  afterAll(() => sim.close());

  it("throttles the next N requests with 503 and Retry-After", async () => {
    sim.faults.throttle({ count: 2, retryAfterSeconds: 7 });
    const first = await get();
    expect(first.status).toBe(503);
    expect(first.headers["retry-after"]).toBe("7");
    expect((await get()).status).toBe(503);
    expect((await get()).status).toBe(200);
    expect(sim.stats.throttled).toBe(2);
  });

  it("throttles only the given path", async () => {
    sim.faults.throttle({ path: "/mailwire/folders" });
    expect((await get()).status).toBe(200);
    expect((await get("mailwire/folders")).status).toBe(503);
  });

  it("drops a connection without a response", async () => {
    sim.faults.drop();
    await expect(get()).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await get()).status).toBe(200);
  });

  it("delays a response", async () => {
    sim.faults.delay(300);
    const started = Date.now();
    expect((await get()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });
});
