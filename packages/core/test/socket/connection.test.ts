import { createHash } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { once } from "node:events";
import { type LookupFunction, connect as netConnect } from "node:net";
import { Duplex, PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ErrorCode, type MailwireError } from "../../src/index.js";
import { connect, LineConnection } from "../../src/socket/index.js";
import { failure, useSocketFixtures } from "./helpers/fixtures.js";
import { lineSource } from "./helpers/servers.js";

const { serve, open, track } = useSocketFixtures();

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe("LineConnection over TCP", () => {
  it("reads the greeting and replies, writes commands, keeps pipelined lines in order", async () => {
    const server = await serve((socket) => {
      socket.write("+OK POP3 ready\r\n");
      const next = lineSource(socket);
      void (async () => {
        expect(await next()).toBe("USER alice");
        expect(await next()).toBe("NOOP");
        socket.write("+OK user\r\n+OK noop\r\n");
      })();
    });
    const connection = await open(server);
    expect(await connection.readLine()).toBe("+OK POP3 ready");
    await connection.writeLine("USER alice");
    await connection.writeLine("NOOP");
    expect(await connection.readLine()).toBe("+OK user");
    expect(await connection.readLine()).toBe("+OK noop");
    expect(connection.encrypted).toBe(false);
  });

  it("refuses a command containing CR or LF (command injection)", async () => {
    const server = await serve(() => {});
    const connection = await open(server);
    const error = await failure(connection.writeLine("SELECT INBOX\r\nA2 DELETE INBOX"));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
  });

  it("writeLines sends pipelined commands in one write, traces each line redacted, refuses CR/LF", async () => {
    const writes: string[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, done) {
        writes.push(chunk.toString("utf8"));
        done();
      },
    });
    const events: Array<Record<string, unknown>> = [];
    const listener = (message: unknown) => events.push(message as Record<string, unknown>);
    subscribe("mailwire:socket:line", listener);
    const connection = new LineConnection(socket);
    try {
      await connection.writeLines(["RETR 1", "RETR 2", "PASS hunter2-secret"]);
      const error = await failure(connection.writeLines(["RETR 3", "RETR 4\r\nDELE 1"]));
      expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
      await connection.writeLines([]);
    } finally {
      unsubscribe("mailwire:socket:line", listener);
      connection.destroy();
    }
    // One write for the batch; the rejected batch sent nothing, not even its valid first line.
    expect(writes).toEqual(["RETR 1\r\nRETR 2\r\nPASS hunter2-secret\r\n"]);
    expect(events.map((e) => e.line)).toEqual(["RETR 1", "RETR 2", "PASS [REDACTED]"]);
  });

  it("publishes redacted lines: credentials never reach diagnostics or the logger", async () => {
    const server = await serve((socket) => socket.write("+OK\r\n"));
    const events: Array<Record<string, unknown>> = [];
    const logged: string[] = [];
    const listener = (message: unknown) => events.push(message as Record<string, unknown>);
    subscribe("mailwire:socket:line", listener);
    try {
      const connection = await open(server, {
        logger: { debug: (message) => logged.push(message), warn: () => {} },
      });
      await connection.readLine();
      await connection.writeLine("PASS hunter2-secret");
      await connection.writeLine("A1 LOGIN alice hunter2-secret");
      await connection.writeLine("aHVudGVyMi1zZWNyZXQ=", { sensitive: true });
    } finally {
      unsubscribe("mailwire:socket:line", listener);
    }
    const outgoing = events.filter((e) => e.direction === "out").map((e) => e.line);
    expect(outgoing).toEqual(["PASS [REDACTED]", "A1 LOGIN alice [REDACTED]", "[REDACTED]"]);
    expect(events.find((e) => e.direction === "in")?.line).toBe("+OK");
    expect(JSON.stringify([events, logged])).not.toMatch(/hunter2|aHVudGVy/);
  });

  it("streams a dot-terminated body with stuffing undone, then reads the next reply", async () => {
    const server = await serve((socket) => {
      socket.write("+OK 3 octets\r\nSubject: hi\r\n\r\n..dot line\r\nend\r\n.\r\n+OK after\r\n");
    });
    const connection = await open(server);
    expect(await connection.readLine()).toBe("+OK 3 octets");
    const body = await collect(connection.readDotTerminated());
    expect(body.toString()).toBe("Subject: hi\r\n\r\n.dot line\r\nend\r\n");
    expect(await connection.readLine()).toBe("+OK after");
  });

  it("streams an IMAP literal of exactly n bytes and resumes line reading", async () => {
    const server = await serve((socket) => {
      socket.write("* 1 FETCH (BODY[] {12}\r\n");
      setTimeout(() => socket.write("hello\r\nwor"), 10);
      setTimeout(() => socket.write("ld)\r\nA1 OK FETCH done\r\n"), 20);
    });
    const connection = await open(server);
    const line = await connection.readLine();
    const size = Number(/\{(\d+)\}$/.exec(line)?.[1]);
    expect((await collect(connection.readBytes(size))).toString()).toBe("hello\r\nworld");
    expect(await connection.readLine()).toBe(")");
    expect(await connection.readLine()).toBe("A1 OK FETCH done");
  });

  it("allows only one read at a time", async () => {
    const server = await serve(() => {});
    const connection = await open(server);
    const first = connection.readLine().catch((error: unknown) => error);
    expect((await failure(connection.readLine())).code).toBe(ErrorCode.INVALID_ARGUMENT);
    connection.destroy();
    expect(((await first) as MailwireError).code).toBe(ErrorCode.CLOSED);
  });

  describe("peer close", () => {
    it("fails a read pending when the peer closes with MW_CONNECTION_CLOSED", async () => {
      const server = await serve((socket) => {
        socket.write("+OK partial line without end");
        setTimeout(() => socket.end(), 20);
      });
      const connection = await open(server);
      const error = await failure(connection.readLine());
      expect(error.code).toBe(ErrorCode.CONNECTION_CLOSED);
      // Later calls report the same failure; nothing partial is ever returned.
      expect((await failure(connection.readLine())).code).toBe(ErrorCode.CONNECTION_CLOSED);
    });

    it("still returns complete lines received before the peer closed", async () => {
      const server = await serve((socket) => socket.end("-ERR bye\r\n"));
      const connection = await open(server);
      await sleep(30);
      expect(await connection.readLine()).toBe("-ERR bye");
      expect((await failure(connection.readLine())).code).toBe(ErrorCode.CONNECTION_CLOSED);
    });

    it("fails a body stream cut short by the peer", async () => {
      const server = await serve((socket) => socket.end("+OK\r\nline 1\r\nline 2\r\n"));
      const connection = await open(server);
      await connection.readLine();
      const error = await failure(collect(connection.readDotTerminated()));
      expect(error.code).toBe(ErrorCode.CONNECTION_CLOSED);
    });

    it("reports a reset as MW_CONNECTION", async () => {
      const server = await serve((socket) => setTimeout(() => socket.resetAndDestroy(), 20));
      const connection = await open(server);
      const error = await failure(connection.readLine());
      expect([ErrorCode.CONNECTION, ErrorCode.CONNECTION_CLOSED]).toContain(error.code);
    });
  });

  describe("timeouts per phase", () => {
    it("greeting", async () => {
      const server = await serve(() => {});
      const connection = await open(server, { timeouts: { greetingMs: 50 } });
      const error = await failure(connection.readLine());
      expect(error.code).toBe(ErrorCode.TIMEOUT);
      expect(error.details.phase).toBe("greeting");
      expect(connection.closed).toBe(true);
    });

    it("response, and a per-call timeoutMs", async () => {
      const server = await serve((socket) => socket.write("+OK hi\r\n"));
      const connection = await open(server, { timeouts: { responseMs: 50 } });
      await connection.readLine();
      const error = await failure(connection.readLine());
      expect(error.details.phase).toBe("response");

      const other = await open(server, { timeouts: { responseMs: 60_000 } });
      await other.readLine();
      const started = Date.now();
      expect((await failure(other.readLine({ timeoutMs: 40 }))).details.phase).toBe("response");
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it("idle: silence in the middle of a body", async () => {
      const server = await serve((socket) => socket.write("+OK\r\nfirst line\r\n"));
      const connection = await open(server, { timeouts: { idleMs: 60 } });
      await connection.readLine();
      const error = await failure(collect(connection.readDotTerminated()));
      expect(error.code).toBe(ErrorCode.TIMEOUT);
      expect(error.details.phase).toBe("idle");
    });

    it("connect (name resolution and TCP), inside the overall deadline", async () => {
      // A resolver that never answers keeps connect() in its connect phase.
      const lookup = (() => {}) as unknown as LookupFunction;
      const error = await failure(
        connect({ host: "mail.test", port: 110, lookup, timeouts: { connectMs: 50 } }),
      );
      expect(error.code).toBe(ErrorCode.TIMEOUT);
      expect(error.details.phase).toBe("connect");
      const total = await failure(
        connect({ host: "mail.test", port: 110, lookup, timeoutMs: 50, timeouts: { connectMs: 60_000 } }),
      );
      expect(total.code).toBe(ErrorCode.TIMEOUT);
      expect(total.details.phase).toBe("connect-total");
    });

    it("connection refused is MW_CONNECTION", async () => {
      const server = await serve(() => {});
      const port = server.port;
      await server.close();
      const error = await failure(connect({ host: "127.0.0.1", port }));
      expect(error.code).toBe(ErrorCode.CONNECTION);
      expect(error.details.reason).toBe("ECONNREFUSED");
    });

    it("write: the server stops reading", async () => {
      const server = await serve((socket) => socket.pause());
      const connection = await open(server);
      const big = new Uint8Array(64 * 1024 * 1024);
      const error = await failure(connection.write(big, { timeoutMs: 200 }));
      expect(error.details.phase).toBe("write");
      expect(connection.closed).toBe(true);
    });
  });

  describe("abort", () => {
    it("rejects at once for an already aborted signal", async () => {
      const server = await serve(() => {});
      const connection = await open(server);
      const error = await failure(connection.readLine({ signal: AbortSignal.abort() }));
      expect(error.code).toBe(ErrorCode.ABORTED);
      await expect(
        connect({ host: "127.0.0.1", port: server.port, signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    });

    it("aborts a pending read and closes the connection (a late reply must not answer the next command)", async () => {
      const server = await serve(() => {});
      const connection = await open(server);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const error = await failure(connection.readLine({ signal: controller.signal }));
      expect(error.code).toBe(ErrorCode.ABORTED);
      expect(connection.closed).toBe(true);
    });

    it("aborts a body stream", async () => {
      const server = await serve((socket) => socket.write("+OK\r\nsome body\r\n"));
      const connection = await open(server);
      await connection.readLine();
      const controller = new AbortController();
      const body = connection.readDotTerminated({ signal: controller.signal });
      setTimeout(() => controller.abort(), 30);
      expect((await failure(collect(body))).code).toBe(ErrorCode.ABORTED);
    });
  });

  it("rejects an over-long line from the server without buffering it", async () => {
    const server = await serve((socket) => {
      socket.write("+OK ");
      socket.write(Buffer.alloc(1024 * 1024, 0x41));
    });
    const connection = await open(server, { maxLineLength: 4096 });
    const error = await failure(connection.readLine());
    expect(error.code).toBe(ErrorCode.LIMIT_EXCEEDED);
    expect(connection.closed).toBe(true);
  });

  it("backpressure: a slow consumer of a large body pauses the socket and keeps memory bounded", async () => {
    const line = `${"x".repeat(998)}\r\n`;
    const lines = 32 * 1024; // 32 MiB
    const expected = createHash("sha256");
    let sent = false;
    const server = await serve((socket) => {
      socket.write("+OK 33554432 octets\r\n");
      const block = Buffer.from(line.repeat(1024));
      let written = 0;
      const pump = () => {
        while (written < lines) {
          written += 1024;
          if (!socket.write(block)) return void socket.once("drain", pump);
        }
        socket.write(".\r\n+OK next\r\n");
        sent = true;
      };
      pump();
    });
    for (let i = 0; i < lines / 1024; i++) expected.update(line.repeat(1024));

    const tcp = netConnect(server.port, "127.0.0.1");
    await once(tcp, "connect");
    const connection = new LineConnection(tcp, { host: "127.0.0.1", port: server.port });
    track(connection);
    expect(await connection.readLine()).toBe("+OK 33554432 octets");
    const body = connection.readDotTerminated();
    const iterator = body[Symbol.asyncIterator]();
    const hash = createHash("sha256");
    const first = await iterator.next();
    hash.update(first.value as Uint8Array);
    // Stall: the transport must stop reading instead of buffering the whole message.
    await sleep(300);
    expect(tcp.isPaused()).toBe(true);
    expect(sent).toBe(false);
    const readWhileStalled = tcp.bytesRead;
    await sleep(200);
    expect(tcp.bytesRead).toBe(readWhileStalled);
    expect(body.readableLength).toBeLessThanOrEqual(2 * 64 * 1024);
    // Then consume slowly to the end; every byte arrives, in order.
    let total = (first.value as Uint8Array).length;
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      hash.update(step.value);
      total += step.value.length;
    }
    expect(total).toBe(line.length * lines);
    expect(hash.digest("hex")).toBe(expected.digest("hex"));
    expect(await connection.readLine()).toBe("+OK next");
  });

  it("abandoning a body stream part-way destroys the connection", async () => {
    const server = await serve((socket) => socket.write(`+OK\r\n${"line\r\n".repeat(50_000)}`));
    const connection = await open(server);
    await connection.readLine();
    for await (const _ of connection.readDotTerminated()) break;
    expect(connection.closed).toBe(true);
    expect((await failure(connection.readLine())).code).toBe(ErrorCode.CLOSED);
  });
});

describe("LineConnection over an injected Duplex (the test seam)", () => {
  function pair() {
    const toClient = new PassThrough();
    const fromClient = new PassThrough();
    const socket = Duplex.from({ readable: toClient, writable: fromClient });
    return { socket, toClient, fromClient };
  }

  it("works over any Duplex, and close() fails a pending read with ClosedError", async () => {
    const { socket, toClient, fromClient } = pair();
    const connection = new LineConnection(socket, { host: "test" });
    toClient.write("* OK hello\r\n");
    expect(await connection.readLine()).toBe("* OK hello");
    await connection.writeLine("A1 NOOP");
    expect(fromClient.read()?.toString()).toBe("A1 NOOP\r\n");
    const pending = connection.readLine();
    const closing = connection.close();
    expect((await failure(pending)).code).toBe(ErrorCode.CLOSED);
    toClient.end();
    await closing;
    expect((await failure(connection.writeLine("A2 NOOP"))).code).toBe(ErrorCode.CLOSED);
  });

  it("supports await using (Symbol.asyncDispose)", async () => {
    const { socket, toClient } = pair();
    let seen: LineConnection | undefined;
    {
      await using connection = new LineConnection(socket, { timeouts: { closeMs: 50 } });
      seen = connection;
      toClient.write("+OK\r\n");
      expect(await connection.readLine()).toBe("+OK");
    }
    expect(seen?.closed).toBe(true);
  });
});
