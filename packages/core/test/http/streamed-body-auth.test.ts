import { getEventListeners } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpClient } from "../../src/http/index.js";
import { createHttpClient } from "./support/engine.js";
import { createNtlmHandler } from "./support/ntlm-test-server.js";
import { readBody, startServer, type TestServer } from "./support/servers.js";

const user = { username: "alice", password: "Secr3t-pass!", domain: "CONTOSO" };
const CHUNKS = 16;
const CHUNK_BYTES = 4096;

/** A one-shot stream that records whether anyone started reading it. */
function trackedStream(): { stream: Readable; started: () => boolean } {
  let started = false;
  const chunks = Array.from({ length: CHUNKS }, (_, index) => Buffer.alloc(CHUNK_BYTES, index));
  const stream = new Readable({
    read() {
      started = true;
      const next = chunks.shift();
      this.push(next ?? null);
    },
  });
  return { stream, started: () => started };
}

/** The body as it must arrive: every chunk, in order. */
const expectedBody = Buffer.concat(
  Array.from({ length: CHUNKS }, (_, index) => Buffer.alloc(CHUNK_BYTES, index)),
);

describe("streamed request bodies and connection-bound NTLM", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
    client = undefined;
  });

  it("regression: a stream queued on an authenticated connection the server then closes is re-authenticated, then sent whole, once", async () => {
    const uploads: Buffer[] = [];
    let releaseSlow: () => void = () => {};
    let slowStarted: () => void = () => {};
    const slowHasStarted = new Promise<void>((resolve) => {
      slowStarted = resolve;
    });
    const ntlm = createNtlmHandler({
      ...user,
      onAuthenticated: async (request: IncomingMessage, response: ServerResponse) => {
        const body = await readBody(request);
        if (request.url === "/slow") {
          slowStarted();
          await new Promise<void>((resolve) => {
            releaseSlow = resolve;
          });
          // The server recycles the connection with this answer (as IIS does).
          response.setHeader("connection", "close");
          response.end("slow");
          return;
        }
        // The handshake's last leg reaches here too, without the body (it waits for auth).
        if (request.url === "/upload" && body.length > 0) uploads.push(body);
        response.end("ok");
      },
    });
    server = await startServer(ntlm.handler);
    client = createHttpClient({ credentials: user, proxy: false, retry: false, connectionsPerOrigin: 1 });
    await (await client.request({ method: "GET", url: `${server.url}/warm`, expectStatus: 200 })).body.dump();
    expect(ntlm.stats.negotiates).toBe(1);

    // The only connection is busy with /slow, so the upload waits in undici's queue behind it.
    const slow = client.request({ method: "GET", url: `${server.url}/slow`, expectStatus: 200 });
    await slowHasStarted;
    const { stream } = trackedStream();
    const upload = client.request({
      method: "POST",
      url: `${server.url}/upload`,
      body: stream,
      expectStatus: 200,
    });
    await delay(20);
    releaseSlow();
    expect(await (await slow).body.text()).toBe("slow");
    expect(await (await upload).body.text()).toBe("ok");

    expect(uploads).toHaveLength(1);
    expect(uploads[0]?.equals(expectedBody)).toBe(true);
    // A second handshake on the replacement connection, and no request failed authentication.
    expect(ntlm.stats.negotiates).toBe(2);
    expect(ntlm.stats.failures).toBe(0);
  });

  it("a stream after the server closed the idle authenticated connection: a new handshake first, then the whole body", async () => {
    const uploads: Buffer[] = [];
    const ntlm = createNtlmHandler({
      ...user,
      onAuthenticated: async (request: IncomingMessage, response: ServerResponse) => {
        const body = await readBody(request);
        // The handshake's last leg reaches here too, without the body (it waits for auth).
        if (request.url === "/upload" && body.length > 0) uploads.push(body);
        response.end("ok", () => {
          // Drop the connection once the answer is out, without announcing it.
          if (request.url === "/warm") request.socket.destroy();
        });
      },
    });
    server = await startServer(ntlm.handler);
    client = createHttpClient({ credentials: user, proxy: false, retry: false });
    await (await client.request({ method: "GET", url: `${server.url}/warm`, expectStatus: 200 })).body.dump();
    await delay(50);
    const { stream } = trackedStream();
    const response = await client.request({
      method: "PUT",
      url: `${server.url}/upload`,
      body: stream,
      expectStatus: 200,
    });
    await response.body.dump();
    expect(uploads).toHaveLength(1);
    expect(uploads[0]?.equals(expectedBody)).toBe(true);
    expect(ntlm.stats.negotiates).toBe(2);
  });

  it("a server that forgets the authentication mid-stream: a typed error, never a silent success", async () => {
    let forget = false;
    const ntlm = createNtlmHandler({
      ...user,
      onAuthenticated: async (request: IncomingMessage, response: ServerResponse) => {
        await readBody(request);
        if (forget) {
          response.writeHead(401, { "www-authenticate": "NTLM" });
          response.end();
          return;
        }
        response.end("ok");
      },
    });
    server = await startServer(ntlm.handler);
    client = createHttpClient({ credentials: user, proxy: false, retry: false });
    await (await client.request({ method: "GET", url: `${server.url}/warm`, expectStatus: 200 })).body.dump();
    forget = true;
    const { stream, started } = trackedStream();
    await expect(
      client.request({ method: "POST", url: `${server.url}/upload`, body: stream }),
    ).rejects.toMatchObject({
      name: "ConnectionError",
      code: "MW_CONNECTION",
      details: { scheme: "NTLM", requestSent: true },
    });
    // The stream went out once (it is spent); the error says it cannot be sent again.
    expect(started()).toBe(true);
  });
});

describe("abort signal listeners", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
    client = undefined;
  });

  it("one long-lived signal over many calls (success, error status, NTLM, body read or dumped) keeps no listener", async () => {
    const ntlm = createNtlmHandler(user);
    server = await startServer((request, response) => {
      if (request.url === "/missing") {
        response.statusCode = 404;
        response.end("nope");
        return;
      }
      if (request.url?.startsWith("/ntlm")) return ntlm.handler(request, response);
      response.end("hello");
    });
    client = createHttpClient({ credentials: user, proxy: false });
    const controller = new AbortController();
    const { signal } = controller;
    for (let index = 0; index < 40; index++) {
      const plain = await client.request({ method: "GET", url: `${server.url}/plain`, signal });
      if (index % 2 === 0) await plain.body.text();
      else await plain.body.dump();
      await expect(
        client.request({ method: "GET", url: `${server.url}/missing`, signal, expectStatus: 200 }),
      ).rejects.toMatchObject({ code: "MW_HTTP_STATUS" });
      const authenticated = await client.request({
        method: "GET",
        url: `${server.url}/ntlm`,
        signal,
        timeoutMs: 10_000,
      });
      for await (const _chunk of authenticated.body) {
        // read through the stream interface this time
      }
    }
    expect(ntlm.stats.negotiates).toBe(1);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });
});
