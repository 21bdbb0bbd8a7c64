import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HttpClient } from "../../src/http/index.js";
import { type ConnectProxy, startConnectProxy } from "./support/connect-proxy.js";
import { createHttpClient } from "./support/engine.js";
import { startServer, type TestServer } from "./support/servers.js";
import { tlsFixtures } from "./support/tls-fixtures.js";

const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"];

describe("proxy from the environment (proxy option left out)", () => {
  let server: TestServer | undefined;
  let proxy: ConnectProxy | undefined;
  let client: HttpClient | undefined;
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
    for (const name of PROXY_VARIABLES) delete process.env[name];
  });
  afterEach(async () => {
    for (const name of PROXY_VARIABLES) {
      const value = saved[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await client?.destroy();
    await proxy?.close();
    await server?.close();
    client = undefined;
  });

  const hello = () => startServer((_request, response) => void response.end("hello"), { tls: true });

  it("HTTPS_PROXY tunnels https requests through the proxy", async () => {
    server = await hello();
    proxy = await startConnectProxy();
    process.env.HTTPS_PROXY = proxy.url;
    client = createHttpClient({ tls: { ca: (await tlsFixtures()).caCert }, retry: false });
    for (let index = 0; index < 2; index++) {
      const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
      expect(await response.body.text()).toBe("hello");
    }
    // One tunnel: the keep-alive connection through it carried both requests.
    expect(proxy.tunnels).toEqual([new URL(server.url).host]);
    expect(server.connections()).toBe(1);
  });

  it("NO_PROXY naming the host goes direct, although HTTPS_PROXY is set", async () => {
    server = await hello();
    proxy = await startConnectProxy();
    process.env.HTTPS_PROXY = proxy.url;
    process.env.NO_PROXY = "localhost,127.0.0.1";
    client = createHttpClient({ tls: { ca: (await tlsFixtures()).caCert }, retry: false });
    const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
    expect(await response.body.text()).toBe("hello");
    expect(proxy.tunnels).toEqual([]);
    expect(server.connections()).toBe(1);
  });

  it("proxy: false ignores HTTPS_PROXY", async () => {
    server = await hello();
    proxy = await startConnectProxy();
    process.env.HTTPS_PROXY = proxy.url;
    client = createHttpClient({ proxy: false, tls: { ca: (await tlsFixtures()).caCert }, retry: false });
    const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
    await response.body.dump();
    expect(proxy.tunnels).toEqual([]);
  });
});

describe("mutual TLS (client certificate)", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
    client = undefined;
  });

  /** A server that insists on a client certificate from the test CA, and says whose it got. */
  const strictServer = async () => {
    const { caCert } = await tlsFixtures();
    return startServer(
      (request, response) => {
        const socket = request.socket as import("node:tls").TLSSocket;
        response.end(String(socket.getPeerCertificate().subject?.CN));
      },
      { tls: true, tlsOptions: { requestCert: true, rejectUnauthorized: true, ca: caCert } },
    );
  };

  it("succeeds with a certificate the server's CA signed", async () => {
    server = await strictServer();
    const { caCert, clientCert, clientKey } = await tlsFixtures();
    client = createHttpClient({
      proxy: false,
      retry: false,
      tls: { ca: caCert, cert: clientCert, key: clientKey },
    });
    const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
    expect(await response.body.text()).toBe("mailwire-test-client");
  });

  it("the certificate may come as bytes too", async () => {
    server = await strictServer();
    const { caCert, clientCert, clientKey } = await tlsFixtures();
    client = createHttpClient({
      proxy: false,
      retry: false,
      tls: {
        ca: caCert,
        cert: new TextEncoder().encode(clientCert),
        key: new TextEncoder().encode(clientKey),
      },
    });
    const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
    expect(await response.body.text()).toBe("mailwire-test-client");
  });

  it("fails as a TLS error without a client certificate, and the request never reaches the handler", async () => {
    server = await strictServer();
    client = createHttpClient({ proxy: false, retry: false, tls: { ca: (await tlsFixtures()).caCert } });
    await expect(client.request({ method: "GET", url: server.url })).rejects.toMatchObject({
      name: "TlsError",
      code: "MW_TLS",
    });
    expect(server.requests()).toBe(0);
  });
});
