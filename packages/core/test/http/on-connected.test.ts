import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ConnectedInfo, HttpClient } from "../../src/http/index.js";
import { createHttpClient } from "./support/engine.js";
import { startServer, type TestServer } from "./support/servers.js";
import { type SynBlackHole, startSynBlackHole } from "./support/syn-black-hole.js";
import { tlsFixtures } from "./support/tls-fixtures.js";

describe("HttpRequest.onConnected", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  let hole: SynBlackHole;
  beforeAll(async () => {
    hole = await startSynBlackHole();
  });
  afterAll(async () => {
    await hole.close();
  });
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  const hello = (tls: boolean) => startServer((_request, response) => void response.end("hello"), { tls });
  const tlsClient = async (extra: { expectedPrincipalName?: string } = {}) =>
    createHttpClient({ proxy: false, retry: false, tls: { ca: (await tlsFixtures()).caCert, ...extra } });

  for (const scheme of ["http", "https"] as const) {
    it(`${scheme}: called once with the connection's id, before the response arrives`, async () => {
      server = await hello(scheme === "https");
      client = scheme === "https" ? await tlsClient() : createHttpClient({ proxy: false, retry: false });
      const events: string[] = [];
      const seen: ConnectedInfo[] = [];
      const response = await client.request({
        method: "GET",
        url: server.url,
        expectStatus: 200,
        onConnected: (connection) => {
          events.push("connected");
          seen.push(connection);
        },
      });
      events.push("response");
      expect(await response.body.text()).toBe("hello");
      expect(events).toEqual(["connected", "response"]);
      expect(seen).toHaveLength(1);
      expect(Number.isInteger(seen[0]?.id) && (seen[0]?.id ?? 0) > 0).toBe(true);
    });
  }

  it("a request on an open keep-alive connection hears it too, with the same id", async () => {
    server = await hello(true);
    client = await tlsClient();
    const ids: number[] = [];
    for (let index = 0; index < 2; index++) {
      const response = await client.request({
        method: "GET",
        url: server.url,
        onConnected: ({ id }) => ids.push(id),
      });
      await response.body.dump();
    }
    expect(server.connections()).toBe(1);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
  });

  it("is not called while the TCP connect never completes", async () => {
    client = createHttpClient({ proxy: false, retry: false, timeouts: { connectMs: 300 } });
    let called = 0;
    const error = await client
      .request({
        method: "GET",
        url: `https://127.0.0.1:${hole.port}/`,
        timeoutMs: 8_000,
        onConnected: () => called++,
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toMatchObject({ name: "TimeoutError", details: { phase: "connect" } });
    expect(called).toBe(0);
  });

  it("is not called when the certificate lacks the expected principal name", async () => {
    server = await hello(true);
    client = await tlsClient({ expectedPrincipalName: "msstd:other.example.test" });
    let called = 0;
    await expect(
      client.request({ method: "GET", url: server.url, onConnected: () => called++ }),
    ).rejects.toMatchObject({ name: "TlsError", code: "MW_TLS_PRINCIPAL_MISMATCH" });
    expect(called).toBe(0);
  });

  it("runs once for the whole request, although a retry opened a second connection", async () => {
    let requests = 0;
    server = await startServer((_request, response) => {
      requests++;
      if (requests === 1) {
        response.writeHead(503, { connection: "close", "retry-after": "0" });
        response.end();
        return;
      }
      response.end("hello");
    });
    client = createHttpClient({ proxy: false, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    let called = 0;
    const response = await client.request({
      method: "GET",
      url: server.url,
      idempotent: true,
      expectStatus: 200,
      onConnected: () => called++,
    });
    expect(await response.body.text()).toBe("hello");
    expect(server.connections()).toBe(2);
    expect(called).toBe(1);
  });

  it("a callback that throws does not break the request", async () => {
    server = await hello(true);
    client = await tlsClient();
    const response = await client.request({
      method: "GET",
      url: server.url,
      expectStatus: 200,
      onConnected: () => {
        throw new Error("caller's bug");
      },
    });
    expect(await response.body.text()).toBe("hello");
  });
});
