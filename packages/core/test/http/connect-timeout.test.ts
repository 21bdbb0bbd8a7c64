import { createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import type { HttpClient } from "../../src/http/index.js";
import { createHttpClient } from "./support/engine.js";
import { startServer, type TestServer } from "./support/servers.js";
import { type SynBlackHole, startSynBlackHole } from "./support/syn-black-hole.js";

// Generous: the point is "about connectMs", not "at the 10 s request timeout or later".
const CONNECT_MS = 300;
const UPPER_BOUND_MS = 3_000;

describe("connect timeout against a port whose TCP connect never completes", () => {
  let hole: SynBlackHole;
  let client: HttpClient | undefined;
  beforeAll(async () => {
    hole = await startSynBlackHole();
  });
  afterAll(async () => {
    await hole.close();
  });
  afterEach(async () => {
    await client?.destroy();
    client = undefined;
  });

  it("the black hole holds: a plain connect is still pending after a while", async () => {
    expect(await hole.probe(200)).toBe(true);
  });

  for (const scheme of ["http", "https"] as const) {
    it(`${scheme}:// fails with MW_TIMEOUT, phase "connect", at about connectMs`, async () => {
      client = createHttpClient({ proxy: false, retry: false, timeouts: { connectMs: CONNECT_MS } });
      const started = performance.now();
      // The overall timeout only turns a regression into a quick "phase: request" failure.
      const error = await client
        .request({ method: "GET", url: `${scheme}://127.0.0.1:${hole.port}/`, timeoutMs: 8_000 })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      const elapsed = performance.now() - started;
      expect(error).toMatchObject({
        name: "TimeoutError",
        code: ErrorCode.TIMEOUT,
        details: { phase: "connect", requestSent: false },
      });
      expect(elapsed).toBeGreaterThanOrEqual(CONNECT_MS - 50);
      expect(elapsed).toBeLessThan(UPPER_BOUND_MS);
    });
  }

  it("a retry policy repeats a connect timeout (nothing was sent), each try bounded by connectMs", async () => {
    client = createHttpClient({
      proxy: false,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
      timeouts: { connectMs: CONNECT_MS },
    });
    const started = performance.now();
    await expect(
      client.request({ method: "POST", url: `http://127.0.0.1:${hole.port}/`, body: "x", timeoutMs: 8_000 }),
    ).rejects.toMatchObject({ code: ErrorCode.TIMEOUT, details: { phase: "connect" } });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(2 * CONNECT_MS - 50);
    expect(elapsed).toBeLessThan(2 * UPPER_BOUND_MS);
  });

  it("the caller's signal still aborts a pending connect at once", async () => {
    client = createHttpClient({ proxy: false, retry: false, timeouts: { connectMs: 5_000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(
      client.request({ method: "GET", url: `http://127.0.0.1:${hole.port}/`, signal: controller.signal }),
    ).rejects.toMatchObject({ name: "AbortError", code: ErrorCode.ABORTED });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("an overall timeoutMs shorter than connectMs ends a pending connect at timeoutMs", async () => {
    client = createHttpClient({ proxy: false, retry: false, timeouts: { connectMs: 5_000 } });
    const started = performance.now();
    await expect(
      client.request({ method: "GET", url: `http://127.0.0.1:${hole.port}/`, timeoutMs: 200 }),
    ).rejects.toMatchObject({ name: "TimeoutError", details: { phase: "request" } });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("connect timeout through a proxy", () => {
  let client: HttpClient | undefined;
  let proxy: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    await client?.destroy();
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => proxy?.close(resolve));
  });

  it('a proxy that never answers CONNECT fails at about connectMs, phase "connect"', async () => {
    // Accepts the TCP connection and reads the CONNECT, then says nothing.
    proxy = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => proxy?.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.address() as { port: number };
    client = createHttpClient({
      proxy: `http://127.0.0.1:${port}`,
      retry: false,
      timeouts: { connectMs: CONNECT_MS },
    });
    const started = performance.now();
    await expect(
      client.request({ method: "GET", url: "https://127.0.0.1:9/", timeoutMs: 8_000 }),
    ).rejects.toMatchObject({ code: ErrorCode.TIMEOUT, details: { phase: "connect", requestSent: false } });
    expect(performance.now() - started).toBeLessThan(UPPER_BOUND_MS);
  });
});

describe("connect timeout on connections that do connect", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
  });

  it("is cleared once connected: a kept-alive connection outlives connectMs", async () => {
    server = await startServer((_request, response) => {
      response.end("ok");
    });
    client = createHttpClient({ proxy: false, retry: false, timeouts: { connectMs: 100 } });
    const first = await client.request({ method: "GET", url: server.url });
    expect(await first.body.text()).toBe("ok");
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = await client.request({ method: "GET", url: server.url });
    expect(await second.body.text()).toBe("ok");
    expect(server.connections()).toBe(1);
  });
});
