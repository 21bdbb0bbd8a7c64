import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConnectionSlot } from "../../src/http/connection/connection-slot.js";
import { loadUndici } from "../../src/http/connection/undici-parts.js";

// Core loads undici's dispatcher files one by one (src/http/connection/undici-parts.ts), not
// its index, which would also load fetch, WebSocket, the cache and the mocks (~9 MiB RSS), and
// only when the first HTTP request is sent.
// Each case runs in a fresh Node process: the module cache of a test worker may already hold
// whatever another file loaded.
const run = promisify(execFile);
const httpIndex = fileURLToPath(new URL("../../src/http/index.ts", import.meta.url));
const undiciRoot = `${dirname(createRequire(import.meta.url).resolve("undici/package.json"))}${sep}`;

async function inChild(script: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
}

/** The child: one GET through core's client to a node:http server, then what undici loaded. */
const requestAndList = (preload: string) => `
${preload}
import { createServer } from "node:http";
import { createRequire } from "node:module";
const root = ${JSON.stringify(undiciRoot)};
const undiciFiles = () => Object.keys(createRequire(import.meta.url).cache)
  .filter((path) => path.startsWith(root))
  .map((path) => path.slice(root.length));
const { createHttpClient } = await import(${JSON.stringify(httpIndex)});
const client = createHttpClient({ proxy: false });
const beforeRequest = undiciFiles();
const server = createServer((request, response) => response.end("hello"));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const response = await client.request({ method: "GET", url: "http://127.0.0.1:" + server.address().port + "/" });
const text = await response.body.text();
await client.close();
server.close();
const loaded = undiciFiles();
const Dispatcher = createRequire(import.meta.url)("undici/lib/dispatcher/dispatcher.js");
console.log(JSON.stringify({ status: response.statusCode, text, beforeRequest, loaded, request: Dispatcher.prototype.request === globalThis.indexRequest }));
`;

describe("undici's modules", () => {
  it("a request works without undici's index, which stays unloaded with fetch and WebSocket", async () => {
    const result = await inChild(requestAndList(""));
    // Importing the client and creating one loads nothing of undici; the first request does.
    expect(result.beforeRequest).toEqual([]);
    expect(result.status).toBe(200);
    expect(result.text).toBe("hello");
    const loaded = result.loaded as string[];
    expect(loaded).toContain("lib/dispatcher/client.js");
    expect(loaded).not.toContain("index.js");
    expect(loaded.filter((path) => path.startsWith("lib/web/"))).toEqual([]);
    expect(loaded.filter((path) => path.startsWith("lib/mock/"))).toEqual([]);
  });

  it("leaves Dispatcher.prototype as undici's index set it when the application loaded undici first", async () => {
    const result = await inChild(
      requestAndList(`
import { createRequire as early } from "node:module";
early(import.meta.url)("undici");
globalThis.indexRequest = early(import.meta.url)("undici/lib/dispatcher/dispatcher.js").prototype.request;`),
    );
    expect(result.status).toBe(200);
    expect(result.loaded).toContain("index.js");
    expect(result.request).toBe(true);
  });
});

describe.each(["undici", "node"] as const)(
  "a connection slot closed before its first request (%s)",
  (engine) => {
    const settings = {
      engine,
      tls: {},
      proxy: false as const,
      connectTimeoutMs: 5_000,
      headersTimeoutMs: 5_000,
      bodyTimeoutMs: 5_000,
      keepAliveTimeoutMs: 1_000,
    };

    it.each(["close", "destroy"] as const)("refuses it after %s, as for a closed connection", async (end) => {
      await loadUndici();
      const slot = new ConnectionSlot("http://127.0.0.1:9", settings, () => {});
      await slot[end]();
      const attempt = slot.connection().request({
        origin: "http://127.0.0.1:9",
        path: "/",
        method: "GET",
        headers: {},
        body: undefined,
        signal: undefined,
      });
      await expect(attempt).rejects.toMatchObject(
        engine === "node"
          ? { code: "MW_CLOSED" }
          : { code: end === "close" ? "UND_ERR_CLOSED" : "UND_ERR_DESTROYED" },
      );
    });
  },
);
