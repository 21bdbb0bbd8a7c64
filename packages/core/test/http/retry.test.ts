import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpClient } from "../../src/http/index.js";
import { backoffDelay, parseRetryAfter } from "../../src/retry/index.js";
import { createHttpClient } from "./support/engine.js";
import { startServer, type TestServer } from "./support/servers.js";

describe("retry policy", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("backs off exponentially with jitter, capped", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 };
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, options))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(1, { ...options, random: () => 0 })).toBe(50);
  });

  const busyThen = (failures: number, retryAfter: string) =>
    startServer((_request, response) => {
      if (failures-- > 0) return void response.writeHead(503, { "retry-after": retryAfter }).end("busy");
      response.end("done");
    });

  it("retries an idempotent request after 503, waiting what Retry-After says", async () => {
    server = await busyThen(2, "Wed, 21 Oct 2015 07:28:02 GMT");
    const waits: number[] = [];
    const events: unknown[] = [];
    const listener = (message: unknown) => events.push(message);
    subscribe("mailwire:retry", listener);
    client = createHttpClient({
      proxy: false,
      retry: {
        now: () => Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"),
        sleep: async (ms) => void waits.push(ms),
      },
    });
    const response = await client.request({
      method: "GET",
      url: server.url,
      idempotent: true,
      expectStatus: 200,
    });
    unsubscribe("mailwire:retry", listener);
    expect(await response.body.text()).toBe("done");
    expect(waits).toEqual([2000, 2000]);
    expect(events).toHaveLength(2);
  });

  it("gives up with ServerBusyError carrying retryAfterMs", async () => {
    server = await busyThen(10, "7");
    client = createHttpClient({ proxy: false, retry: { maxAttempts: 3, sleep: async () => {} } });
    await expect(client.request({ method: "GET", url: server.url, idempotent: true })).rejects.toMatchObject({
      name: "ServerBusyError",
      retryAfterMs: 7000,
    });
    expect(server.requests()).toBe(3);
  });

  it("does not repeat a request the caller did not mark idempotent", async () => {
    server = await busyThen(10, "1");
    client = createHttpClient({ proxy: false, retry: { sleep: async () => {} } });
    await expect(client.request({ method: "POST", url: server.url, body: "x" })).rejects.toMatchObject({
      name: "ServerBusyError",
      retryAfterMs: 1000,
    });
    expect(server.requests()).toBe(1);
  });

  it("retries a failure that never reached the server, even for POST", async () => {
    const probe = await startServer(() => {});
    const url = probe.url;
    await probe.close();
    const waits: number[] = [];
    client = createHttpClient({
      proxy: false,
      retry: { maxAttempts: 3, random: () => 0, sleep: async (ms) => void waits.push(ms) },
    });
    await expect(client.request({ method: "POST", url, body: "x" })).rejects.toMatchObject({
      name: "ConnectionError",
      details: { requestSent: false },
    });
    expect(waits).toEqual([125, 250]);
  });
});
