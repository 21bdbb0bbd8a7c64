import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChannelName } from "../../src/diagnostics/channels.js";
import type { Logger } from "../../src/diagnostics/logger.js";
import { createHttpClient } from "./support/engine.js";
import { createNtlmHandler } from "./support/ntlm-test-server.js";
import { startServer } from "./support/servers.js";
import { tlsFixtures } from "./support/tls-fixtures.js";

const PASSWORD = "Hunter2-very-secret";
const TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOi.secret-bearer-token";
const captured: string[] = [];
const authorizationsSent: string[] = [];
const listener = (message: unknown, name: string | symbol) =>
  captured.push(`${String(name)} ${JSON.stringify(message)}`);
const logger: Logger = {
  debug: (message, fields) =>
    captured.push(`${message} ${JSON.stringify(fields)} ${inspect(fields, { depth: 8 })}`),
  warn: (message, fields) => captured.push(`${message} ${JSON.stringify(fields)}`),
};

describe("secret redaction across a whole authenticated session", () => {
  beforeAll(() => {
    for (const name of Object.values(ChannelName)) subscribe(name, listener);
  });
  afterAll(() => {
    for (const name of Object.values(ChannelName)) unsubscribe(name, listener);
  });

  it("no password, token, Basic value, NTLM message or Authorization value escapes", async () => {
    const ca = (await tlsFixtures()).caCert;
    const ntlm = createNtlmHandler({ username: "alice", password: PASSWORD, domain: "CONTOSO" });
    const server = await startServer(
      (request, response) => {
        if (request.headers.authorization) authorizationsSent.push(request.headers.authorization);
        const auth = request.headers.authorization ?? "";
        if (request.url === "/basic") {
          if (auth === `Basic ${Buffer.from(`alice:${PASSWORD}`).toString("base64")}`)
            return void response.end("ok");
          return void response.writeHead(401, { "www-authenticate": 'Basic realm="r"' }).end();
        }
        if (request.url === "/bearer") {
          if (auth === `Bearer ${TOKEN}`) return void response.end("ok");
          return void response.writeHead(401, { "www-authenticate": "Bearer" }).end();
        }
        return ntlm.handler(request, response);
      },
      { tls: true },
    );
    const errors: unknown[] = [];
    const run = async (options: Parameters<typeof createHttpClient>[0], path: string) => {
      const client = createHttpClient({ proxy: false, logger, tls: { ca }, ...options });
      try {
        const response = await client.request({ method: "GET", url: `${server.url}${path}` });
        await response.body.dump();
      } catch (error) {
        errors.push(error);
      } finally {
        await client.destroy();
      }
    };
    // Basic and Bearer on their own paths (own origins would be cleaner; the path decides here).
    await run({ credentials: { username: "alice", password: PASSWORD }, authProviders: [] }, "/basic");
    await run({ credentials: { tokenProvider: async () => TOKEN } }, "/bearer");
    await run({ credentials: { username: "CONTOSO\\alice", password: PASSWORD } }, "/ntlm");
    await run({ credentials: { username: "alice", password: `${PASSWORD}-wrong` } }, "/ntlm");
    await run({ credentials: { tokenProvider: async () => `${TOKEN}-expired` } }, "/ntlm-bearer-mismatch");
    await server.close();

    expect(ntlm.stats.authenticatedRequests).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
    const secrets = new Set([
      PASSWORD,
      TOKEN,
      Buffer.from(`alice:${PASSWORD}`).toString("base64"),
      Buffer.from(PASSWORD, "utf16le").toString("hex"),
      Buffer.from(PASSWORD, "utf8").toString("base64"),
    ]);
    for (const value of authorizationsSent) {
      secrets.add(value);
      secrets.add(value.replace(/^\S+\s+/, ""));
    }
    const errorText = errors.map((error) => {
      const chain: string[] = [];
      for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
        chain.push(
          String((current as Error).message),
          JSON.stringify((current as { details?: unknown }).details),
        );
      }
      return `${chain.join(" ")} ${JSON.stringify(error)} ${inspect(error, { depth: 10 })}`;
    });
    const everything = [...captured, ...errorText].join("\n");
    expect(captured.length).toBeGreaterThan(10);
    expect(authorizationsSent.some((value) => value.startsWith("NTLM "))).toBe(true);
    for (const secret of secrets)
      expect(everything.includes(secret), `leaked ${secret.slice(0, 6)}…`).toBe(false);
  });
});
