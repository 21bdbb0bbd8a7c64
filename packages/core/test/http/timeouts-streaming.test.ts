import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpClient } from "../../src/http/index.js";
import { createHttpClient } from "./support/engine.js";
import { readBody, startServer, type TestServer } from "./support/servers.js";

describe("timeouts, abort and streaming", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
  });

  it("connect timeout: a TLS server that never finishes the handshake", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    client = createHttpClient({ proxy: false, retry: false, timeouts: { connectMs: 150 } });
    await expect(client.request({ method: "GET", url: `https://127.0.0.1:${port}/` })).rejects.toMatchObject({
      name: "TimeoutError",
      details: { phase: "connect" },
    });
    for (const socket of sockets) socket.destroy();
    silent.close();
  });

  it("headers timeout", async () => {
    server = await startServer(() => {});
    client = createHttpClient({ proxy: false, retry: false, timeouts: { headersMs: 150 } });
    await expect(client.request({ method: "GET", url: server.url })).rejects.toMatchObject({
      name: "TimeoutError",
      details: { phase: "headers" },
    });
  });

  it("body timeout surfaces as a MailwireError from the body stream", async () => {
    server = await startServer((_request, response) => {
      response.writeHead(200);
      response.write("partial");
    });
    client = createHttpClient({ proxy: false, retry: false, timeouts: { bodyMs: 150 } });
    const response = await client.request({ method: "GET", url: server.url });
    await expect(response.body.text()).rejects.toMatchObject({
      name: "TimeoutError",
      details: { phase: "body" },
    });
  });

  it("a request's own timeouts replace the client's (a long poll outlives the default body timeout)", async () => {
    // undici checks its timers about once a second, so the delays are a little over that.
    server = await startServer((request, response) => {
      if (request.url === "/slow-head") return void setTimeout(() => response.end("late"), 1_500);
      response.writeHead(200);
      response.write("waiting");
      setTimeout(() => response.end(" done"), 1_500);
    });
    client = createHttpClient({ proxy: false, retry: false, timeouts: { headersMs: 10_000, bodyMs: 150 } });
    const longPoll = await client.request({ method: "GET", url: server.url, timeouts: { bodyMs: 10_000 } });
    await expect(longPoll.body.text()).resolves.toBe("waiting done");
    // The client's own setting still holds for requests that don't override it.
    const ordinary = await client.request({ method: "GET", url: server.url });
    await expect(ordinary.body.text()).rejects.toMatchObject({
      name: "TimeoutError",
      details: { phase: "body" },
    });
    // And a request may be stricter than the client.
    await expect(
      client.request({ method: "GET", url: `${server.url}/slow-head`, timeouts: { headersMs: 150 } }),
    ).rejects.toMatchObject({ name: "TimeoutError", details: { phase: "headers" } });
  });

  it("overall timeoutMs", async () => {
    server = await startServer(() => {});
    client = createHttpClient({ proxy: false, retry: false });
    await expect(client.request({ method: "GET", url: server.url, timeoutMs: 100 })).rejects.toMatchObject({
      name: "TimeoutError",
      details: { phase: "request" },
    });
  });

  it("rejects at once when the signal is already aborted, sending nothing", async () => {
    server = await startServer((_request, response) => void response.end());
    client = createHttpClient({ proxy: false });
    await expect(
      client.request({ method: "GET", url: server.url, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: "AbortError", code: "MW_ABORTED" });
    expect(server.requests()).toBe(0);
  });

  it("aborts a request in flight and removes its listener", async () => {
    server = await startServer(() => {});
    client = createHttpClient({ proxy: false, retry: false });
    const controller = new AbortController();
    const pending = client.request({ method: "GET", url: server.url, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("streams a request body from an async iterable and a response body in chunks", async () => {
    server = await startServer(async (request, response) => {
      const body = await readBody(request);
      response.writeHead(200, { "content-type": "application/octet-stream" });
      for (let index = 0; index < 64; index++) response.write(Buffer.alloc(16 * 1024, index));
      response.end(String(body.length));
    });
    client = createHttpClient({ proxy: false });
    async function* produce() {
      for (let index = 0; index < 32; index++) yield new Uint8Array(8192).fill(index);
    }
    const response = await client.request({ method: "PUT", url: server.url, body: produce() });
    let total = 0;
    let chunks = 0;
    for await (const chunk of response.body) {
      total += (chunk as Buffer).length;
      chunks++;
    }
    expect(total).toBe(64 * 16 * 1024 + String(32 * 8192).length);
    expect(chunks).toBeGreaterThan(1);
  });

  it("a connection dropped mid-body is a ConnectionError, never a raw undici error", async () => {
    server = await startServer((_request, response) => {
      response.writeHead(200, { "content-length": "100000" });
      response.write("x".repeat(1000), () => response.socket?.destroy());
    });
    client = createHttpClient({ proxy: false, retry: false });
    const response = await client.request({ method: "GET", url: server.url });
    await expect(response.body.text()).rejects.toMatchObject({ name: "ConnectionError" });
  });
});
