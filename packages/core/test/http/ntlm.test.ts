import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpClient } from "../../src/http/index.js";
import { createHttpClient } from "./support/engine.js";
import { createNtlmHandler } from "./support/ntlm-test-server.js";
import { readBody, startServer, type TestServer } from "./support/servers.js";
import { tlsFixtures } from "./support/tls-fixtures.js";

const user = { username: "alice", password: "Secr3t-pass!", domain: "CONTOSO" };

describe("NTLM over HTTP (connection-bound)", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
  });

  it("N requests over one authenticated connection cost exactly one handshake", async () => {
    const ntlm = createNtlmHandler(user);
    server = await startServer(ntlm.handler);
    client = createHttpClient({ credentials: user, proxy: false });
    for (let index = 0; index < 20; index++) {
      const response = await client.request({ method: "GET", url: `${server.url}/ews`, expectStatus: 200 });
      expect(await response.body.text()).toBe("ok");
    }
    expect(ntlm.stats.negotiates).toBe(1);
    expect(ntlm.stats.authenticates).toBe(1);
    expect(server.connections()).toBe(1);
    expect(ntlm.stats.authenticatedRequests).toBe(20);
  });

  it("a server that closes the connection forces exactly one new handshake", async () => {
    let served = 0;
    const ntlm = createNtlmHandler({
      ...user,
      onAuthenticated: (_request, response) => {
        served++;
        // The third authenticated answer ends the connection, as an IIS recycle would.
        if (served === 3) response.setHeader("connection", "close");
        response.end("ok");
      },
    });
    server = await startServer(ntlm.handler);
    client = createHttpClient({ credentials: user, proxy: false });
    for (let index = 0; index < 6; index++) {
      const response = await client.request({ method: "GET", url: `${server.url}/`, expectStatus: 200 });
      await response.body.text();
    }
    expect(ntlm.stats.negotiates).toBe(2);
    expect(server.connections()).toBe(2);
    expect(served).toBe(6);
  });

  it("concurrent requests don't corrupt the handshake", async () => {
    const ntlm = createNtlmHandler(user);
    server = await startServer(ntlm.handler);
    client = createHttpClient({ credentials: user, proxy: false, connectionsPerOrigin: 3 });
    const bodies = await Promise.all(
      Array.from({ length: 24 }, async (_, index) => {
        const response = await client!.request({
          method: "GET",
          url: `${server!.url}/${index}`,
          expectStatus: 200,
        });
        return response.body.text();
      }),
    );
    expect(bodies.every((body) => body === "ok")).toBe(true);
    expect(ntlm.stats.failures).toBe(0);
    // One handshake per connection, never more connections than allowed.
    expect(ntlm.stats.negotiates).toBeLessThanOrEqual(server.connections());
    expect(server.connections()).toBeLessThanOrEqual(3);
  });

  it("a wrong password fails with MW_AUTH_FAILED after one handshake, never retried", async () => {
    const ntlm = createNtlmHandler(user);
    server = await startServer(ntlm.handler);
    client = createHttpClient({ credentials: { ...user, password: "wrong" }, proxy: false });
    await expect(client.request({ method: "GET", url: server.url, idempotent: true })).rejects.toMatchObject({
      code: "MW_AUTH_FAILED",
    });
    expect(ntlm.stats.negotiates).toBe(1);
    expect(ntlm.stats.authenticates).toBe(1);
  });

  it("authenticates first, then sends a one-shot streamed body exactly once", async () => {
    const received: number[] = [];
    const ntlm = createNtlmHandler({
      ...user,
      onAuthenticated: async (request, response) => {
        received.push((await readBody(request)).length);
        response.end("stored");
      },
    });
    server = await startServer(ntlm.handler);
    client = createHttpClient({ credentials: user, proxy: false });
    const chunks = Array.from({ length: 16 }, () => Buffer.alloc(4096, 7));
    const response = await client.request({
      method: "POST",
      url: `${server.url}/upload`,
      body: Readable.from(chunks),
      expectStatus: 200,
    });
    expect(await response.body.text()).toBe("stored");
    // The empty handshake request and then the real one, whose body arrived whole.
    expect(received.at(-1)).toBe(16 * 4096);
    expect(ntlm.stats.negotiates).toBe(1);
  });

  it("works over TLS, where the certificate is handed to NTLM for channel binding", async () => {
    const ntlm = createNtlmHandler(user);
    server = await startServer(ntlm.handler, { tls: true });
    const { caCert } = await tlsFixtures();
    client = createHttpClient({ credentials: user, proxy: false, tls: { ca: caCert } });
    for (let index = 0; index < 3; index++) {
      const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
      await response.body.dump();
    }
    expect(ntlm.stats.negotiates).toBe(1);
    expect(server.connections()).toBe(1);
  });
});
