import { afterEach, describe, expect, it } from "vitest";
import { type AuthProvider, type HttpClient, parseChallenges } from "../../src/http/index.js";
import { createHttpClient } from "./support/engine.js";
import { startServer, type TestServer } from "./support/servers.js";
import { tlsFixtures } from "./support/tls-fixtures.js";

const basicServer = (user: string, password: string) =>
  startServer(
    (request, response) => {
      const expected = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
      if (request.headers.authorization === expected) return void response.end("in");
      response.writeHead(401, { "www-authenticate": 'Basic realm="mail"' }).end();
    },
    { tls: true },
  );

describe("auth negotiation", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
  });

  it("parses several challenges in one header", () => {
    const challenges = parseChallenges({ "www-authenticate": 'Negotiate, NTLM, Basic realm="a, b", Bearer' });
    expect(challenges.map((challenge) => challenge.scheme)).toEqual(["negotiate", "ntlm", "basic", "bearer"]);
    expect(challenges[2]?.params.realm).toBe("a, b");
  });

  it("refuses Basic over http:// and never sends the password", async () => {
    const seen: (string | undefined)[] = [];
    server = await startServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(401, { "www-authenticate": 'Basic realm="x"' }).end();
    });
    client = createHttpClient({ proxy: false, credentials: { username: "u", password: "pw-123" } });
    await expect(client.request({ method: "GET", url: server.url })).rejects.toMatchObject({
      code: "MW_INSECURE_AUTH_REFUSED",
    });
    expect(seen).toEqual([undefined]);
  });

  it("Basic over https, then up front on later requests", async () => {
    server = await basicServer("u", "pw-123");
    client = createHttpClient({
      proxy: false,
      credentials: { username: "u", password: "pw-123" },
      tls: { ca: (await tlsFixtures()).caCert },
    });
    for (let index = 0; index < 3; index++) {
      const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
      expect(await response.body.text()).toBe("in");
    }
    expect(server.requests()).toBe(4);
  });

  it("a wrong Basic password is tried once: MW_AUTH_FAILED", async () => {
    server = await basicServer("u", "right");
    client = createHttpClient({
      proxy: false,
      credentials: { username: "u", password: "wrong" },
      tls: { ca: (await tlsFixtures()).caCert },
    });
    await expect(client.request({ method: "GET", url: server.url })).rejects.toMatchObject({
      code: "MW_AUTH_FAILED",
    });
    expect(server.requests()).toBe(2);
  });

  it("Bearer: refreshes the token once on 401, then gives up", async () => {
    const valid = new Set(["fresh-token"]);
    server = await startServer((request, response) => {
      if (valid.has((request.headers.authorization ?? "").replace(/^Bearer /, "")))
        return void response.end("ok");
      response.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' }).end();
    });
    const calls: boolean[] = [];
    client = createHttpClient({
      proxy: false,
      allowInsecureAuth: true,
      credentials: {
        tokenProvider: async ({ forceRefresh }) => {
          calls.push(forceRefresh);
          return forceRefresh ? "fresh-token" : "stale-token";
        },
      },
    });
    const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
    await response.body.dump();
    expect(calls).toEqual([false, true]);

    valid.clear();
    calls.length = 0;
    await expect(client.request({ method: "GET", url: server.url })).rejects.toMatchObject({
      code: "MW_AUTH_FAILED",
    });
    expect(calls).toEqual([false, true]);
  });

  it("a pluggable Negotiate provider is preferred and runs connection-bound", async () => {
    let handshakes = 0;
    const authenticated = new WeakSet<object>();
    server = await startServer((request, response) => {
      const header = request.headers.authorization ?? "";
      if (authenticated.has(request.socket) && !header) return void response.end("k");
      if (header === "Negotiate aGVsbG8=") {
        handshakes++;
        return void response.writeHead(401, { "www-authenticate": "Negotiate c2VydmVy" }).end();
      }
      if (header === "Negotiate Y2xpZW50") {
        authenticated.add(request.socket);
        return void response.end("k");
      }
      response.writeHead(401, { "www-authenticate": ["Negotiate", "NTLM", 'Basic realm="x"'] }).end();
    });
    const negotiate: AuthProvider = {
      scheme: "Negotiate",
      connectionBound: true,
      createSession: () => ({ next: (token) => (token === undefined ? "aGVsbG8=" : "Y2xpZW50") }),
    };
    client = createHttpClient({
      proxy: false,
      authProviders: [negotiate],
      credentials: { username: "u", password: "p" },
    });
    for (let index = 0; index < 4; index++) {
      const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
      await response.body.dump();
    }
    expect(handshakes).toBe(1);
    expect(server.connections()).toBe(1);
  });
});
