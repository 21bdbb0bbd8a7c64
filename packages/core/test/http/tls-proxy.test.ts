import { afterEach, describe, expect, it } from "vitest";
import type { HttpClient } from "../../src/http/index.js";
import { type ConnectProxy, startConnectProxy } from "./support/connect-proxy.js";
import { createHttpClient } from "./support/engine.js";
import { startServer, type TestServer } from "./support/servers.js";
import { tlsFixtures } from "./support/tls-fixtures.js";

describe("TLS options and proxies", () => {
  let server: TestServer | undefined;
  let proxy: ConnectProxy | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await proxy?.close();
    await server?.close();
  });
  const hello = () => startServer((_request, response) => void response.end("hello"), { tls: true });

  it("refuses an untrusted certificate by default", async () => {
    server = await hello();
    client = createHttpClient({ proxy: false, retry: false });
    await expect(client.request({ method: "GET", url: server.url })).rejects.toMatchObject({
      name: "TlsError",
      code: "MW_TLS",
    });
    expect(server.requests()).toBe(0);
  });

  it("trusts a custom CA", async () => {
    server = await hello();
    client = createHttpClient({ proxy: false, tls: { ca: (await tlsFixtures()).caCert } });
    const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
    expect(await response.body.text()).toBe("hello");
  });

  it("accepts the expected principal name from the CN or a SAN", async () => {
    server = await hello();
    const ca = (await tlsFixtures()).caCert;
    client = createHttpClient({
      proxy: false,
      tls: { ca, expectedPrincipalName: "msstd:mail.example.test" },
    });
    const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
    await response.body.dump();
  });

  it("fails with MW_TLS_PRINCIPAL_MISMATCH before any request (or credential) is sent", async () => {
    server = await hello();
    const ca = (await tlsFixtures()).caCert;
    client = createHttpClient({
      proxy: false,
      credentials: { username: "u", password: "p4ssword" },
      tls: { ca, expectedPrincipalName: "msstd:other.example.test" },
    });
    await expect(client.request({ method: "GET", url: server.url })).rejects.toMatchObject({
      code: "MW_TLS_PRINCIPAL_MISMATCH",
      details: { expected: "other.example.test" },
    });
    expect(server.requests()).toBe(0);
  });

  it("tunnels https through an explicit CONNECT proxy", async () => {
    server = await hello();
    proxy = await startConnectProxy();
    client = createHttpClient({ proxy: proxy.url, tls: { ca: (await tlsFixtures()).caCert } });
    for (let index = 0; index < 3; index++) {
      const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
      expect(await response.body.text()).toBe("hello");
    }
    expect(proxy.tunnels).toEqual([new URL(server.url).host]);
  });
});
