import { afterEach, describe, expect, it } from "vitest";
import { sharedSecureContext } from "../../src/http/connection/secure-context.js";
import type { HttpClient } from "../../src/http/index.js";
import { createHttpClient } from "./support/engine.js";
import { startServer, type TestServer } from "./support/servers.js";
import { tlsFixtures } from "./support/tls-fixtures.js";

describe("sharedSecureContext", () => {
  it("builds one context per options object and reuses it", async () => {
    const { caCert } = await tlsFixtures();
    const options = { ca: caCert };
    const first = sharedSecureContext(options);
    expect(first).toBeDefined();
    expect(sharedSecureContext(options)).toBe(first);
    // Another object is another configuration, even with the same values.
    expect(sharedSecureContext({ ca: caCert })).not.toBe(first);
  });

  it("builds a new context when a field of the same object changed", async () => {
    const { caCert, clientCert, clientKey } = await tlsFixtures();
    const options: { ca: string; cert?: string; key?: string } = { ca: caCert };
    const first = sharedSecureContext(options);
    options.cert = clientCert;
    options.key = clientKey;
    const second = sharedSecureContext(options);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(sharedSecureContext(options)).toBe(second);
  });

  it("shares one context between configurations without roots, certificate or key", () => {
    const plain = sharedSecureContext({});
    expect(plain).toBeDefined();
    expect(sharedSecureContext({ rejectUnauthorized: false, servername: "x.example" })).toBe(plain);
  });

  it("gives undefined for a key it cannot use, leaving the error to the connect", async () => {
    const { clientCert } = await tlsFixtures();
    expect(sharedSecureContext({ cert: clientCert, key: "not a key" })).toBeUndefined();
  });
});

describe("one secure context for many connections", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
    client = undefined;
  });

  it("verifies each origin's own name with the shared context (localhost and 127.0.0.1)", async () => {
    server = await startServer((_request, response) => void response.end("hello"), { tls: true });
    const port = new URL(server.url).port;
    client = createHttpClient({ proxy: false, retry: false, tls: { ca: (await tlsFixtures()).caCert } });
    for (const host of ["localhost", "127.0.0.1", "localhost"]) {
      const response = await client.request({
        method: "GET",
        url: `https://${host}:${port}/`,
        expectStatus: 200,
      });
      expect(await response.body.text()).toBe("hello");
    }
    // Two origins, so two connections; the third request reused the first.
    expect(server.connections()).toBe(2);
  });

  it("still refuses a server whose certificate does not name the host", async () => {
    server = await startServer((_request, response) => void response.end("hello"), { tls: true });
    const port = new URL(server.url).port;
    client = createHttpClient({
      proxy: false,
      retry: false,
      tls: { ca: (await tlsFixtures()).caCert, servername: "other.example.test" },
    });
    await expect(client.request({ method: "GET", url: `https://localhost:${port}/` })).rejects.toMatchObject({
      name: "TlsError",
    });
    expect(server.requests()).toBe(0);
  });

  it("reports an unusable client key as a typed error on the request", async () => {
    server = await startServer((_request, response) => void response.end("hello"), { tls: true });
    const { caCert, clientCert } = await tlsFixtures();
    client = createHttpClient({
      proxy: false,
      retry: false,
      tls: { ca: caCert, cert: clientCert, key: "not a key" },
    });
    const failure = await client.request({ method: "GET", url: server.url }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as { code?: unknown }).code).toMatch(/^MW_/);
    expect(server.requests()).toBe(0);
  });
});
