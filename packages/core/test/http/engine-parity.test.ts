import { createHash } from "node:crypto";
import { once } from "node:events";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import { isMailwireError } from "../../src/errors/mailwire-error.js";
import type { HttpClient, HttpResponse } from "../../src/http/index.js";
import { type ConnectProxy, startConnectProxy } from "./support/connect-proxy.js";
import { createHttpClient, engine } from "./support/engine.js";
import { readBody, startServer, type TestServer } from "./support/servers.js";
import { tlsFixtures } from "./support/tls-fixtures.js";

// Behaviours both engines must share, beyond what the other HTTP tests pin down. This file
// runs once per engine (vitest.config.ts), so each test holds for undici and node:http alike.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The rejection of `promise` (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error as Record<string, unknown>,
  );
}

/** A latch a server handler opens, so a test can wait for "the request reached the server". */
function latch(): { open: () => void; opened: Promise<void> } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe(`engine parity (${engine})`, () => {
  let server: TestServer | undefined;
  let proxy: ConnectProxy | undefined;
  let client: HttpClient | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    await client?.destroy();
    await proxy?.close();
    await server?.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
    client = undefined;
    proxy = undefined;
    server = undefined;
  });

  const ca = async () => (await tlsFixtures()).caCert;

  /** An https server answering each path with itself, a little later (so requests overlap). */
  const echoPaths = () =>
    startServer(
      async (request, response) => {
        await sleep(15);
        response.end(`you asked for ${request.url}`);
      },
      { tls: true },
    );

  /** GETs /item-0 … /item-(count-1) of `url` all at once; the paths and their bodies, in order. */
  const getConcurrently = async (http: HttpClient, url: string, count: number) => {
    const paths = Array.from({ length: count }, (_, index) => `/item-${index}`);
    const bodies = await Promise.all(
      paths.map(async (path) => {
        const response = await http.request({ method: "GET", url: `${url}${path}`, expectStatus: 200 });
        return response.body.text();
      }),
    );
    return { paths, bodies };
  };

  describe("concurrency on few connections", () => {
    it("connectionsPerOrigin 1: ten concurrent https GETs all succeed over one TCP connection", async () => {
      server = await echoPaths();
      const http = createHttpClient({
        proxy: false,
        retry: false,
        connectionsPerOrigin: 1,
        tls: { ca: await ca() },
      });
      client = http;
      const { paths, bodies } = await getConcurrently(http, server.url, 10);
      expect(bodies).toEqual(paths.map((path) => `you asked for ${path}`));
      expect(server.requests()).toBe(10);
      expect(server.connections()).toBe(1);
    });

    it("connectionsPerOrigin 3: 24 concurrent https GETs use at most three connections", async () => {
      server = await echoPaths();
      const http = createHttpClient({
        proxy: false,
        retry: false,
        connectionsPerOrigin: 3,
        tls: { ca: await ca() },
      });
      client = http;
      const { paths, bodies } = await getConcurrently(http, server.url, 24);
      expect(bodies).toEqual(paths.map((path) => `you asked for ${path}`));
      expect(server.requests()).toBe(24);
      expect(server.connections()).toBeGreaterThanOrEqual(1);
      expect(server.connections()).toBeLessThanOrEqual(3);
    });
  });

  describe("concurrency through a CONNECT proxy", () => {
    it("connectionsPerOrigin 1: eight concurrent https GETs share one tunnel and one TLS connection", async () => {
      server = await echoPaths();
      proxy = await startConnectProxy();
      const http = createHttpClient({
        proxy: proxy.url,
        retry: false,
        connectionsPerOrigin: 1,
        tls: { ca: await ca() },
      });
      client = http;
      const { paths, bodies } = await getConcurrently(http, server.url, 8);
      expect(bodies).toEqual(paths.map((path) => `you asked for ${path}`));
      expect(proxy.tunnels).toEqual([new URL(server.url).host]);
      expect(server.connections()).toBe(1);
    });
  });

  describe("response headers", () => {
    it("a repeated header is an array in wire order, a single one a string, every name lower-case", async () => {
      server = await startServer((_request, response) => {
        // A flat raw list, so the wire carries exactly these lines in this order and case.
        response.writeHead(401, [
          "WWW-Authenticate",
          'Basic realm="mail"',
          "Set-Cookie",
          "first=1; Path=/",
          "WWW-Authenticate",
          "NTLM",
          "Set-Cookie",
          "second=2; Path=/; HttpOnly",
          "X-Single-Header",
          "only one",
          "Content-Length",
          "0",
        ]);
        response.end();
      });
      client = createHttpClient({ proxy: false, retry: false });
      const response = await client.request({ method: "GET", url: server.url });
      await response.body.dump();
      expect(response.statusCode).toBe(401);
      expect(response.headers["www-authenticate"]).toEqual(['Basic realm="mail"', "NTLM"]);
      expect(response.headers["set-cookie"]).toEqual(["first=1; Path=/", "second=2; Path=/; HttpOnly"]);
      expect(response.headers["x-single-header"]).toBe("only one");
      for (const name of Object.keys(response.headers)) expect(name).toBe(name.toLowerCase());
      expect(response.headers["WWW-Authenticate"]).toBeUndefined();
    });
  });

  describe("malformed responses (raw bytes from a TCP server)", () => {
    /** A server that answers the first bytes of each connection with `raw`, then closes. */
    const rawServer = async (raw: string) => {
      const sockets: Socket[] = [];
      const listener: Server = createServer((socket) => {
        sockets.push(socket);
        socket.on("error", () => {});
        socket.once("data", () => socket.end(raw));
      });
      listener.listen(0, "127.0.0.1");
      await once(listener, "listening");
      cleanups.push(async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => listener.close(resolve));
      });
      return `http://127.0.0.1:${(listener.address() as { port: number }).port}/`;
    };

    for (const [name, raw] of [
      [
        "two different Content-Length values",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
      ],
      [
        "Content-Length together with chunked",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      ],
    ] as const) {
      it(`${name}: MW_PROTOCOL`, async () => {
        const url = await rawServer(raw);
        client = createHttpClient({ proxy: false, retry: false });
        const error = await rejectionOf(client.request({ method: "GET", url }));
        expect(error).toMatchObject({ name: "ProtocolError", code: ErrorCode.PROTOCOL });
      });
    }

    for (const [name, raw] of [
      ["a status line that is not one", "HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n"],
      ["no HTTP at all", "garbage\r\n\r\n"],
      ["bare LF line ends", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok"],
    ] as const) {
      it(`${name}: MW_PROTOCOL on node:http (undici: see the note)`, async () => {
        const url = await rawServer(raw);
        client = createHttpClient({ proxy: false, retry: false });
        const error = await rejectionOf(client.request({ method: "GET", url }));
        // Both engines: undici 7's HTTPParserError has no code, so map-error.ts knows it by name.
        expect(error).toMatchObject({ name: "ProtocolError", code: ErrorCode.PROTOCOL });
      });
    }

    it("a malformed chunk mid-body fails the body read with a MailwireError (never a raw error or a hang)", async () => {
      const url = await rawServer(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n",
      );
      client = createHttpClient({ proxy: false, retry: false });
      const response = await client.request({ method: "GET", url });
      expect(response.statusCode).toBe(200);
      const error = await rejectionOf(response.body.text());
      expect(isMailwireError(error)).toBe(true);
    });
  });

  describe("malformed exchanges", () => {
    it("response headers past 16 KiB: MW_PROTOCOL", async () => {
      server = await startServer((_request, response) => {
        response.writeHead(200, { "x-huge": "a".repeat(20 * 1024) });
        response.end("never read");
      });
      client = createHttpClient({ proxy: false, retry: false });
      const error = await rejectionOf(client.request({ method: "GET", url: server.url }));
      expect(error).toMatchObject({ name: "ProtocolError", code: ErrorCode.PROTOCOL });
    });

    it("a header value with CR LF (header injection) is refused before anything is sent", async () => {
      server = await startServer((_request, response) => void response.end("no"));
      client = createHttpClient({ proxy: false, retry: false });
      const error = await rejectionOf(
        client.request({ method: "GET", url: server.url, headers: { "x-note": "a\r\nx-injected: 1" } }),
      );
      expect(error).toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
      expect(server.requests()).toBe(0);
    });
  });

  describe("connection reuse and its end", () => {
    it("a response with Connection: close is the connection's last; the next request opens another", async () => {
      server = await startServer((request, response) => {
        if (request.url === "/last") response.setHeader("connection", "close");
        response.end(`answer ${request.url}`);
      });
      const http = createHttpClient({ proxy: false, retry: false, connectionsPerOrigin: 1 });
      client = http;
      for (const path of ["/last", "/after"]) {
        const response = await http.request({ method: "GET", url: `${server.url}${path}` });
        expect(await response.body.text()).toBe(`answer ${path}`);
      }
      expect(server.connections()).toBe(2);
    });

    it("a kept-alive connection the server closed while idle is replaced without an error", async () => {
      server = await startServer((request, response) => {
        response.end(`answer ${request.url}`);
        // Closes its side a little after answering, as a server's idle timeout does.
        if (request.url === "/first") setTimeout(() => request.socket.end(), 50);
      });
      const http = createHttpClient({ proxy: false, retry: false, connectionsPerOrigin: 1 });
      client = http;
      const first = await http.request({ method: "GET", url: `${server.url}/first` });
      expect(await first.body.text()).toBe("answer /first");
      await sleep(500);
      const second = await http.request({ method: "GET", url: `${server.url}/second` });
      expect(await second.body.text()).toBe("answer /second");
      expect(server.connections()).toBe(2);
    });

    it("keepAliveTimeoutMs: an idle connection is closed by the client, and the next request opens another", async () => {
      const closed = latch();
      server = await startServer((request, response) => {
        request.socket.once("close", closed.open);
        response.end("ok");
      });
      // No Keep-Alive hint from the server (keepAliveTimeoutMs is for "when the server does
      // not say"), and it keeps idle connections forever: only the client can close this one.
      server.server.keepAliveTimeout = 0;
      const http = createHttpClient({ proxy: false, retry: false, keepAliveTimeoutMs: 200 });
      client = http;
      const first = await http.request({ method: "GET", url: server.url });
      expect(first.headers["keep-alive"]).toBeUndefined();
      await first.body.text();
      await closed.opened;
      const second = await http.request({ method: "GET", url: server.url });
      expect(await second.body.text()).toBe("ok");
      expect(server.connections()).toBe(2);
    });

    it("an informational 103 before the final response is skipped", async () => {
      server = await startServer((_request, response) => {
        response.writeEarlyHints({ link: "</style.css>; rel=preload; as=style" });
        response.writeHead(200, { "x-final": "yes" });
        response.end("final");
      });
      client = createHttpClient({ proxy: false, retry: false });
      const response = await client.request({ method: "GET", url: server.url });
      expect(response.statusCode).toBe(200);
      expect(response.headers["x-final"]).toBe("yes");
      expect(response.headers.link).toBeUndefined();
      expect(await response.body.text()).toBe("final");
    });
  });

  describe("response bodies", () => {
    it("bytes() of an 8 MiB body arrives intact", async () => {
      const big = Buffer.alloc(8 * 1024 * 1024);
      for (let index = 0; index < big.length; index += 4) big.writeUInt32LE(index, index);
      server = await startServer((_request, response) => void response.end(big));
      client = createHttpClient({ proxy: false, retry: false });
      const response = await client.request({ method: "GET", url: server.url });
      const bytes = await response.body.bytes();
      expect(bytes.length).toBe(big.length);
      expect(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(big)).toBe(true);
    });

    it("dump() of a small body keeps the connection; of one past 1 MiB closes it", async () => {
      server = await startServer((request, response) => {
        if (request.url === "/small") return void response.end(Buffer.alloc(10 * 1024, 1));
        if (request.url === "/huge") return void response.end(Buffer.alloc(4 * 1024 * 1024, 2));
        response.end("next");
      });
      const http = createHttpClient({ proxy: false, retry: false, connectionsPerOrigin: 1 });
      client = http;
      const small = await http.request({ method: "GET", url: `${server.url}/small` });
      await small.body.dump();
      const afterSmall = await http.request({ method: "GET", url: `${server.url}/next` });
      expect(await afterSmall.body.text()).toBe("next");
      expect(server.connections()).toBe(1);
      const huge = await http.request({ method: "GET", url: `${server.url}/huge` });
      await huge.body.dump();
      const afterHuge = await http.request({ method: "GET", url: `${server.url}/next` });
      expect(await afterHuge.body.text()).toBe("next");
      expect(server.connections()).toBe(2);
    });
  });

  describe("connect failures", () => {
    it("a refused connection: MW_CONNECTION, marked as never sent", async () => {
      // A port that was just free: nothing listens there.
      const probe: Server = createServer();
      probe.listen(0, "127.0.0.1");
      await once(probe, "listening");
      const { port } = probe.address() as { port: number };
      await new Promise((resolve) => probe.close(resolve));
      client = createHttpClient({ proxy: false, retry: false });
      const error = await rejectionOf(
        client.request({ method: "POST", url: `http://127.0.0.1:${port}/`, body: "x" }),
      );
      expect(error).toMatchObject({
        name: "ConnectionError",
        code: ErrorCode.CONNECTION,
        details: { transportCode: "ECONNREFUSED", requestSent: false },
      });
    });
  });

  describe("responses without a body", () => {
    for (const kind of ["HEAD", "204", "304", "Content-Length: 0"] as const) {
      it(`${kind}: the connection is free for the next request although the body was never read`, async () => {
        server = await startServer((request, response) => {
          if (request.url === "/next") return void response.end("next");
          if (kind === "204" || kind === "304") return void response.writeHead(Number(kind)).end();
          response.writeHead(200, { "content-length": kind === "HEAD" ? "1234" : "0" });
          response.end();
        });
        const http = createHttpClient({ proxy: false, retry: false, connectionsPerOrigin: 1 });
        client = http;
        const empty = await http.request({ method: kind === "HEAD" ? "HEAD" : "GET", url: server.url });
        expect(empty.statusCode).toBe(kind === "204" || kind === "304" ? Number(kind) : 200);
        // Without the fix the node:http engine waited here for the unread body, forever.
        const next = await http.request({ method: "GET", url: `${server.url}/next`, timeoutMs: 10_000 });
        expect(await next.body.text()).toBe("next");
        // Read late, the empty body is still just empty.
        expect(await empty.body.text()).toBe("");
      });
    }
  });

  describe("proxy credentials", () => {
    const USER = "user";
    const PASSWORD = "p@ss";
    const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
    const hello = () => startServer((_request, response) => void response.end("hello"), { tls: true });
    const proxyUrl = (plain: string) => {
      const url = new URL(plain);
      return `http://${USER}:${encodeURIComponent(PASSWORD)}@${url.host}`;
    };

    it("the CONNECT carries Proxy-Authorization: Basic of the decoded user:password, the target never", async () => {
      const targetSaw: (string | undefined)[] = [];
      server = await startServer(
        (request, response) => {
          targetSaw.push(request.headers["proxy-authorization"]);
          response.end("hello");
        },
        { tls: true },
      );
      proxy = await startConnectProxy();
      client = createHttpClient({ proxy: proxyUrl(proxy.url), retry: false, tls: { ca: await ca() } });
      const response = await client.request({ method: "GET", url: server.url, expectStatus: 200 });
      expect(await response.body.text()).toBe("hello");
      expect(proxy.connects).toHaveLength(1);
      expect(proxy.connects[0]?.["proxy-authorization"]).toBe(`Basic ${BASIC}`);
      expect(proxy.tunnels).toEqual([new URL(server.url).host]);
      expect(targetSaw).toEqual([undefined]);
    });

    it("a 407 from the proxy is MW_CONNECTION, names no credential, and nothing reaches the target", async () => {
      server = await hello();
      proxy = await startConnectProxy({ refuseWith: 407 });
      client = createHttpClient({ proxy: proxyUrl(proxy.url), retry: false, tls: { ca: await ca() } });
      const error = await rejectionOf(client.request({ method: "GET", url: server.url }));
      // Both engines: undici reports the refused tunnel as RequestAbortedError, which map-error.ts
      // recognises by its message, since nobody aborted.
      expect(error).toMatchObject({ name: "ConnectionError", code: ErrorCode.CONNECTION });
      // The proxy did get the credentials (so a leak would have had them to leak).
      expect(proxy.connects[0]?.["proxy-authorization"]).toBe(`Basic ${BASIC}`);
      const cause = error.cause as { message?: unknown } | undefined;
      const texts = [
        String(error.message),
        JSON.stringify(error),
        JSON.stringify(error.details),
        String(cause?.message ?? ""),
      ];
      for (const text of texts) {
        for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), BASIC])
          expect(text).not.toContain(secret);
      }
      expect(server.requests()).toBe(0);
      expect(server.connections()).toBe(0);
    });

    it("a proxy URL that does not parse is MW_CONNECTION, and its password is nowhere in the error", async () => {
      server = await hello();
      // "[bad" is no host: node's URL parser refuses it, and its TypeError keeps the whole input.
      client = createHttpClient({
        proxy: `http://${USER}:s3cret@[bad:8080`,
        retry: false,
        tls: { ca: await ca() },
      });
      const error = await rejectionOf(client.request({ method: "GET", url: server.url }));
      expect(error).toMatchObject({ name: "ConnectionError", code: ErrorCode.CONNECTION });
      expect(inspect(error, { depth: 10 })).not.toContain("s3cret");
      expect(server.connections()).toBe(0);
    });
  });

  describe("body timeout", () => {
    it("a reader that stops reading is not the server's silence: the body completes after the pause", async () => {
      // 4 MiB is far more than the socket and stream buffers hold, so while the reader
      // pauses the server is held back by TCP flow control, longer than bodyMs.
      const total = 4 * 1024 * 1024;
      server = await startServer((_request, response) => {
        response.writeHead(200, { "content-length": String(total) });
        response.end(Buffer.alloc(total, 7));
      });
      client = createHttpClient({ proxy: false, retry: false, timeouts: { bodyMs: 300 } });
      const response = await client.request({ method: "GET", url: server.url });
      const chunks = response.body[Symbol.asyncIterator]();
      const first = await chunks.next();
      let received = (first.value as Buffer).length;
      expect(received).toBeGreaterThan(0);
      // Longer than undici's coarse body timer (checked about once a second) could miss.
      await sleep(2_500);
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        received += (next.value as Buffer).length;
      }
      expect(received).toBe(total);
    });

    it("a server that goes quiet for longer than bodyMs while the reader reads: MW_TIMEOUT, phase body", async () => {
      server = await startServer((_request, response) => {
        response.writeHead(200, { "content-length": "100000" });
        response.write(Buffer.alloc(10 * 1024, 1));
      });
      client = createHttpClient({ proxy: false, retry: false, timeouts: { bodyMs: 300 } });
      const response = await client.request({ method: "GET", url: server.url });
      let received = 0;
      const error = await rejectionOf(
        (async () => {
          for await (const chunk of response.body) received += (chunk as Buffer).length;
        })(),
      );
      expect(received).toBe(10 * 1024);
      expect(error).toMatchObject({
        name: "TimeoutError",
        code: ErrorCode.TIMEOUT,
        details: { phase: "body" },
      });
    });
  });

  describe("headers timeout", () => {
    it("a server that never answers: MW_TIMEOUT, phase headers", async () => {
      server = await startServer(() => {});
      client = createHttpClient({ proxy: false, retry: false, timeouts: { headersMs: 300 } });
      const error = await rejectionOf(client.request({ method: "GET", url: server.url }));
      expect(error).toMatchObject({
        name: "TimeoutError",
        code: ErrorCode.TIMEOUT,
        details: { phase: "headers" },
      });
    });

    it("time spent queued behind another request on the one connection does not count", async () => {
      // Each answer takes 1 s, well inside headersMs (1.7 s); the second request waits about
      // 2 s in all, which would time it out if its timer started when it was queued.
      const seen: string[] = [];
      server = await startServer(async (request, response) => {
        seen.push(`start ${request.url}`);
        await sleep(1_000);
        seen.push(`end ${request.url}`);
        response.end(`answer to ${request.url}`);
      });
      const http = createHttpClient({
        proxy: false,
        retry: false,
        connectionsPerOrigin: 1,
        timeouts: { headersMs: 1_700 },
      });
      client = http;
      const url = server.url;
      const texts = await Promise.all(
        ["/first", "/second"].map(async (path) => {
          const response = await http.request({ method: "GET", url: `${url}${path}` });
          return response.body.text();
        }),
      );
      expect(texts).toEqual(["answer to /first", "answer to /second"]);
      // The second was queued: the server only saw it once the first was answered.
      expect(seen).toEqual(["start /first", "end /first", "start /second", "end /second"]);
      expect(server.connections()).toBe(1);
    });
  });

  describe("streamed request body", () => {
    const CHUNK = 64 * 1024;
    async function* fiveChunks() {
      for (let index = 0; index < 5; index++) yield new Uint8Array(CHUNK).fill(index + 1);
    }
    const expectedHash = createHash("sha256")
      .update(Buffer.concat(Array.from({ length: 5 }, (_, index) => Buffer.alloc(CHUNK, index + 1))))
      .digest("hex");
    /** Answers with the length and SHA-256 of the body it read. */
    const hashing = (tls: boolean) =>
      startServer(
        async (request, response) => {
          const body = await readBody(request);
          response.end(`${body.length} ${createHash("sha256").update(body).digest("hex")}`);
        },
        { tls },
      );

    for (const scheme of ["http", "https"] as const) {
      it(`an async generator of 5 x 64 KiB arrives intact over ${scheme}`, async () => {
        server = await hashing(scheme === "https");
        client = createHttpClient({ proxy: false, retry: false, tls: { ca: await ca() } });
        const response = await client.request({
          method: "PUT",
          url: `${server.url}/upload`,
          body: fiveChunks(),
          expectStatus: 200,
        });
        expect(await response.body.text()).toBe(`${5 * CHUNK} ${expectedHash}`);
      });
    }

    it("a body on GET, DELETE and OPTIONS arrives whole, as bytes, text or a stream, and the connection stays in step", async () => {
      const seen: string[] = [];
      server = await startServer(async (request, response) => {
        const body = await readBody(request);
        seen.push(`${request.method} ${body.toString("utf8")}`);
        response.end("ok");
      });
      const http = createHttpClient({ proxy: false, retry: false, connectionsPerOrigin: 1 });
      client = http;
      async function* streamed(text: string) {
        yield text.slice(0, 3);
        yield new TextEncoder().encode(text.slice(3));
      }
      const expected: string[] = [];
      for (const method of ["GET", "DELETE", "OPTIONS"]) {
        const bodies = [
          `${method} as text ✓`,
          new TextEncoder().encode(`${method} as bytes`),
          streamed(`${method} as a stream`),
        ];
        for (const body of bodies) {
          const response = await http.request({ method, url: server.url, body, expectStatus: 200 });
          expect(await response.body.text()).toBe("ok");
        }
        expected.push(
          `${method} ${method} as text ✓`,
          `${method} ${method} as bytes`,
          `${method} ${method} as a stream`,
        );
      }
      expect(seen).toEqual(expected);
    });

    it("a body generator that throws fails the request with its error, and the connection is not reused", async () => {
      server = await hashing(false);
      const http = createHttpClient({ proxy: false, retry: false, connectionsPerOrigin: 1 });
      client = http;
      const warmUp = await http.request({ method: "PUT", url: server.url, body: "warm", expectStatus: 200 });
      await warmUp.body.text();
      expect(server.connections()).toBe(1);

      const failure = new Error("the producer broke");
      async function* broken() {
        yield new Uint8Array(CHUNK).fill(1);
        yield new Uint8Array(CHUNK).fill(2);
        throw failure;
      }
      const error = await rejectionOf(http.request({ method: "PUT", url: server.url, body: broken() }));
      // The transport wraps it (so the caller sees a MailwireError) and keeps it as the cause.
      expect(error).toMatchObject({ name: "ConnectionError", code: ErrorCode.CONNECTION });
      expect(error.cause).toBe(failure);

      const after = await http.request({ method: "PUT", url: server.url, body: "after", expectStatus: 200 });
      expect(await after.body.text()).toMatch(/^5 /);
      expect(server.connections()).toBe(2);
    });
  });

  describe("abort", () => {
    it("a signal fired while the TLS handshake is still pending: AbortError, long before connectMs", async () => {
      // Accepts TCP and then says nothing: the TLS handshake never completes.
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => sockets.push(socket));
      silent.listen(0, "127.0.0.1");
      await once(silent, "listening");
      cleanups.push(async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      });
      const { port } = silent.address() as { port: number };
      client = createHttpClient({ proxy: false, retry: false, timeouts: { connectMs: 60_000 } });
      const controller = new AbortController();
      const pending = client.request({
        method: "GET",
        url: `https://127.0.0.1:${port}/`,
        signal: controller.signal,
      });
      // Abort only once the TCP connection is up and the handshake is under way.
      while (sockets.length === 0) await sleep(10);
      controller.abort();
      const error = await rejectionOf(pending);
      expect(error).toMatchObject({ name: "AbortError", code: ErrorCode.ABORTED });
    }, 20_000);

    it("a request aborted while queued behind another on the one connection is never sent", async () => {
      const arrived = latch();
      const seen: string[] = [];
      server = await startServer(async (request, response) => {
        seen.push(String(request.url));
        arrived.open();
        await sleep(300);
        response.end(`answer ${request.url}`);
      });
      const http = createHttpClient({ proxy: false, retry: false, connectionsPerOrigin: 1 });
      client = http;
      const first = http.request({ method: "GET", url: `${server.url}/first` });
      await arrived.opened;
      const controller = new AbortController();
      const queued = http.request({ method: "GET", url: `${server.url}/queued`, signal: controller.signal });
      controller.abort();
      expect(await rejectionOf(queued)).toMatchObject({ name: "AbortError", code: ErrorCode.ABORTED });
      expect(await (await first).body.text()).toBe("answer /first");
      const third = await http.request({ method: "GET", url: `${server.url}/third` });
      expect(await third.body.text()).toBe("answer /third");
      expect(seen).toEqual(["/first", "/third"]);
      // (undici closes the connection behind the aborted request and opens another for the
      // third; node:http keeps it. Either way the aborted request never reached the server.)
    });

    it("a signal fired mid-body fails the body read with AbortError; the client still works afterwards", async () => {
      server = await startServer((request, response) => {
        if (request.url === "/ok") return void response.end("fine");
        response.writeHead(200, { "content-length": "100000" });
        response.write(Buffer.alloc(1000, 1));
      });
      const http = createHttpClient({ proxy: false, retry: false, connectionsPerOrigin: 1 });
      client = http;
      const controller = new AbortController();
      const response = await http.request({
        method: "GET",
        url: `${server.url}/stall`,
        signal: controller.signal,
      });
      const chunks = response.body[Symbol.asyncIterator]();
      const first = await chunks.next();
      expect((first.value as Buffer).length).toBe(1000);
      controller.abort();
      const error = await rejectionOf(chunks.next());
      expect(error).toMatchObject({ name: "AbortError", code: ErrorCode.ABORTED });

      const next = await http.request({ method: "GET", url: `${server.url}/ok`, expectStatus: 200 });
      expect(await next.body.text()).toBe("fine");
      // The half-read connection was closed, not handed to the next request.
      expect(server.connections()).toBe(2);
    });
  });

  describe("close()", () => {
    it("lets a request in flight finish, then refuses new ones with MW_CLOSED", async () => {
      const arrived = latch();
      const big = Buffer.alloc(256 * 1024, 3);
      server = await startServer(async (_request, response) => {
        arrived.open();
        await sleep(300);
        response.end(big);
      });
      const http = createHttpClient({ proxy: false, retry: false });
      client = http;
      const pending = http.request({ method: "GET", url: server.url });
      await arrived.opened;
      const closing = http.close();
      const response: HttpResponse = await pending;
      expect(response.statusCode).toBe(200);
      const body = await response.body.bytes();
      expect(Buffer.from(body).equals(big)).toBe(true);
      await closing;
      await expect(http.request({ method: "GET", url: server.url })).rejects.toMatchObject({
        name: "ClosedError",
        code: ErrorCode.CLOSED,
      });
      expect(server.requests()).toBe(1);
    });

    it("requests queued behind the one in flight on its connection complete too", async () => {
      const arrived = latch();
      server = await startServer(async (request, response) => {
        arrived.open();
        await sleep(100);
        response.end(`done ${request.url}`);
      });
      const http = createHttpClient({ proxy: false, retry: false, connectionsPerOrigin: 1 });
      client = http;
      const url = server.url;
      const pending = ["/a", "/b", "/c"].map(async (path) => {
        const response = await http.request({ method: "GET", url: `${url}${path}` });
        return response.body.text();
      });
      await arrived.opened;
      const closing = http.close();
      expect(await Promise.all(pending)).toEqual(["done /a", "done /b", "done /c"]);
      await closing;
      expect(server.connections()).toBe(1);
    });

    it("close() called twice while a request is in flight: both calls resolve", async () => {
      const arrived = latch();
      server = await startServer(async (_request, response) => {
        arrived.open();
        await sleep(100);
        response.end("late");
      });
      const http = createHttpClient({ proxy: false, retry: false });
      client = http;
      const pending = http.request({ method: "GET", url: server.url });
      await arrived.opened;
      const first = http.close();
      const second = http.close();
      const response = await pending;
      expect(await response.body.text()).toBe("late");
      await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    });

    it("destroy() fails what is in flight with MW_CLOSED: waiting for headers, queued, or mid-body", async () => {
      server = await startServer((request, response) => {
        if (request.url === "/silent") return;
        response.writeHead(200, { "content-length": "100000" });
        response.write(Buffer.alloc(1000, 1));
      });
      const url = server.url;
      const closed = { name: "ClosedError", code: ErrorCode.CLOSED };

      const waiting = createHttpClient({ proxy: false, retry: false, connectionsPerOrigin: 1 });
      const arrived = latch();
      server.server.once("request", () => arrived.open());
      const head = rejectionOf(waiting.request({ method: "GET", url: `${url}/silent` }));
      const queued = rejectionOf(waiting.request({ method: "GET", url: `${url}/behind` }));
      await arrived.opened;
      await waiting.destroy();
      expect(await head).toMatchObject(closed);
      expect(await queued).toMatchObject(closed);

      const reading = createHttpClient({ proxy: false, retry: false });
      client = reading;
      const response = await reading.request({ method: "GET", url: `${url}/body` });
      const chunks = response.body[Symbol.asyncIterator]();
      expect((await chunks.next()).done).toBe(false);
      await reading.destroy();
      expect(await rejectionOf(chunks.next())).toMatchObject(closed);
    });

    it("destroy() while the TLS handshake is still pending: MW_CLOSED, long before connectMs", async () => {
      // Accepts TCP and then says nothing: the TLS handshake never completes.
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => sockets.push(socket));
      silent.listen(0, "127.0.0.1");
      await once(silent, "listening");
      cleanups.push(async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      });
      const { port } = silent.address() as { port: number };
      const http = createHttpClient({ proxy: false, retry: false, timeouts: { connectMs: 60_000 } });
      client = http;
      const pending = rejectionOf(http.request({ method: "GET", url: `https://127.0.0.1:${port}/` }));
      while (sockets.length === 0) await sleep(10);
      await http.destroy();
      expect(await pending).toMatchObject({ name: "ClosedError", code: ErrorCode.CLOSED });
    }, 20_000);

    it("a request made just before close() still completes", async () => {
      server = await startServer((_request, response) => void response.end("made it"));
      const http = createHttpClient({ proxy: false, retry: false });
      client = http;
      const pending = http.request({ method: "GET", url: server.url });
      const closing = http.close();
      const response = await pending;
      expect(await response.body.text()).toBe("made it");
      await closing;
    });
  });

  describe("NO_PROXY with an IPv6 literal", () => {
    it("NO_PROXY=[::1] sends a request to http://[::1] direct although HTTP_PROXY is set", async () => {
      const names = ["HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"];
      const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
      cleanups.push(() => {
        for (const name of names) {
          const value = saved[name];
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      });
      for (const name of names) delete process.env[name];
      const target: HttpServer = createHttpServer((_request, response) => void response.end("direct"));
      target.listen(0, "::1");
      await once(target, "listening");
      cleanups.push(async () => {
        target.closeAllConnections();
        await new Promise((resolve) => target.close(resolve));
      });
      const { port } = target.address() as { port: number };
      proxy = await startConnectProxy();
      process.env.HTTP_PROXY = proxy.url;
      process.env.NO_PROXY = "[::1]";
      client = createHttpClient({ retry: false });
      const response = await client.request({
        method: "GET",
        url: `http://[::1]:${port}/`,
        expectStatus: 200,
      });
      expect(await response.body.text()).toBe("direct");
      expect(proxy.connects).toEqual([]);
    });
  });
});
