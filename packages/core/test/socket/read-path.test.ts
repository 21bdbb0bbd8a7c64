// The cheap read path: a body stream that has not been read yet does not pause the socket,
// one timer serves every read, and readDotTerminatedBytes collects a body with no stream.
import { once } from "node:events";
import { connect as netConnect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/index.js";
import { DotTerminatedDecoder } from "../../src/socket/codec/dot-decoder.js";
import { LineConnection, SocketLimits } from "../../src/socket/index.js";
import { ReadDeadline } from "../../src/socket/read-deadline.js";
import { countAbortListeners, failure, useSocketFixtures } from "./helpers/fixtures.js";

const { serve, open, track } = useSocketFixtures();

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

describe("flow control without a pause per body", () => {
  it("keeps reading while a new body stream is not yet read, up to the high-water mark", async () => {
    const small = `+OK\r\n${"line\r\n".repeat(100)}.\r\n+OK next\r\n`;
    const server = await serve((socket) => socket.write(small));
    const tcp = netConnect(server.port, "127.0.0.1");
    await once(tcp, "connect");
    const connection = new LineConnection(tcp, { host: "127.0.0.1", port: server.port });
    track(connection);
    await connection.readLine();
    const body = connection.readDotTerminated();
    // Nobody reads the stream yet: a small body is below the mark, so the socket keeps flowing.
    await sleep(50);
    expect(tcp.isPaused()).toBe(false);
    const parts: Uint8Array[] = [];
    for await (const part of body) parts.push(part);
    expect(Buffer.concat(parts).toString("latin1")).toBe("line\r\n".repeat(100));
    expect(await connection.readLine()).toBe("+OK next");
  });

  it("pauses once the unread bytes of a body nobody reads pass the high-water mark", async () => {
    const line = `${"y".repeat(998)}\r\n`;
    let written = 0;
    const server = await serve((socket) => {
      socket.write("+OK\r\n");
      const block = Buffer.from(line.repeat(256));
      const pump = () => {
        while (written < 64 * 1024 * 1024) {
          written += block.length;
          if (!socket.write(block)) return void socket.once("drain", pump);
        }
      };
      pump();
    });
    const tcp = netConnect(server.port, "127.0.0.1");
    await once(tcp, "connect");
    const connection = new LineConnection(tcp, { host: "127.0.0.1", port: server.port });
    track(connection);
    await connection.readLine();
    const body = connection.readDotTerminated();
    await sleep(200);
    expect(tcp.isPaused()).toBe(true);
    const read = tcp.bytesRead;
    await sleep(100);
    expect(tcp.bytesRead).toBe(read);
    // At most the mark plus one socket read is held for the stream nobody reads.
    expect(read).toBeLessThan(SocketLimits.streamHighWaterMark + 256 * 1024);
    body.destroy();
  });
});

describe("readDotTerminatedBytes", () => {
  it("collects a body (stuffing undone) and resumes line reading, for many bodies in a row", async () => {
    const reply = (n: number) => `+OK\r\nbody ${n}\r\n..dot line\r\n.\r\n`;
    const server = await serve((socket) =>
      socket.write(Array.from({ length: 50 }, (_, n) => reply(n)).join("")),
    );
    const connection = await open(server);
    for (let n = 0; n < 50; n++) {
      expect(await connection.readLine()).toBe("+OK");
      expect(text(await connection.readDotTerminatedBytes())).toBe(`body ${n}\r\n.dot line\r\n`);
    }
  });

  it("finds the terminator split across packets", async () => {
    const server = await serve(async (socket) => {
      for (const piece of ["+OK\r\nab\r", "\n.", "\r", "\n+OK after\r\n"]) {
        socket.write(piece);
        await sleep(15);
      }
    });
    const connection = await open(server);
    await connection.readLine();
    expect(text(await connection.readDotTerminatedBytes())).toBe("ab\r\n");
    expect(await connection.readLine()).toBe("+OK after");
  });

  it("fails a body past maxBytes with MW_LIMIT_EXCEEDED and destroys the connection", async () => {
    const server = await serve((socket) => socket.write(`+OK\r\n${"x".repeat(5000)}\r\n.\r\n`));
    const connection = await open(server);
    await connection.readLine();
    const error = await failure(connection.readDotTerminatedBytes({ maxBytes: 1000 }));
    expect(error.code).toBe(ErrorCode.LIMIT_EXCEEDED);
    expect(connection.closed).toBe(true);
  });

  it("times out on silence in the middle of the body (idle), and the peer closing is MW_CONNECTION_CLOSED", async () => {
    const silent = await serve((socket) => socket.write("+OK\r\nfirst\r\n"));
    const connection = await open(silent, { timeouts: { idleMs: 60 } });
    await connection.readLine();
    const error = await failure(connection.readDotTerminatedBytes());
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.details.phase).toBe("idle");

    const closing = await serve((socket) => socket.end("+OK\r\nfirst\r\n"));
    const other = await open(closing);
    await other.readLine();
    expect((await failure(other.readDotTerminatedBytes())).code).toBe(ErrorCode.CONNECTION_CLOSED);
  });

  it("keeps the idle clock running while bytes trickle in, without failing", async () => {
    const server = await serve(async (socket) => {
      socket.write("+OK\r\n");
      for (let n = 0; n < 8; n++) {
        socket.write(`part ${n}\r\n`);
        await sleep(25);
      }
      socket.write(".\r\n");
    });
    const connection = await open(server, { timeouts: { idleMs: 80 } });
    await connection.readLine();
    const body = text(await connection.readDotTerminatedBytes());
    expect(body).toBe(Array.from({ length: 8 }, (_, n) => `part ${n}\r\n`).join(""));
  });

  it("aborts, and removes its abort listener once settled", async () => {
    const server = await serve((socket) => socket.write("+OK\r\nbody\r\n.\r\n+OK\r\nstalled\r\n"));
    const connection = await open(server);
    await connection.readLine();
    const controller = new AbortController();
    const listeners = countAbortListeners(controller.signal);
    expect(text(await connection.readDotTerminatedBytes({ signal: controller.signal }))).toBe("body\r\n");
    expect(listeners()).toBe(0);
    await connection.readLine();
    const pending = connection.readDotTerminatedBytes({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect((await failure(pending)).code).toBe(ErrorCode.ABORTED);
    expect(connection.closed).toBe(true);
  });
});

describe("one timer per connection", () => {
  it("a line read without a signal adds no abort listener and a timed-out one still names its phase", async () => {
    const server = await serve((socket) => socket.write("+OK hi\r\n"));
    const connection = await open(server, { timeouts: { responseMs: 60_000 } });
    await connection.readLine();
    for (let n = 0; n < 3; n++) {
      const started = Date.now();
      const error = await failure(connection.readLine({ timeoutMs: 30 }));
      if (n === 0) {
        expect(error.code).toBe(ErrorCode.TIMEOUT);
        expect(error.details).toMatchObject({ phase: "response", timeoutMs: 30 });
        expect(Date.now() - started).toBeLessThan(2_000);
      } else {
        // The first failure is kept for every later call.
        expect(error.code).toBe(ErrorCode.TIMEOUT);
      }
    }
  });

  it("ReadDeadline: expires once after its window, touch() pushes it back, stop() disarms it", async () => {
    let fired = 0;
    const deadline = new ReadDeadline(() => fired++);
    deadline.start(40);
    for (let n = 0; n < 4; n++) {
      await sleep(20);
      deadline.touch();
    }
    expect(fired).toBe(0);
    await sleep(80);
    expect(fired).toBe(1);
    expect(deadline.running).toBe(false);
    deadline.start(30);
    deadline.stop();
    await sleep(60);
    expect(fired).toBe(1);
    // A shorter wait after a longer one re-arms the timer earlier.
    deadline.start(10_000);
    deadline.start(20);
    await sleep(80);
    expect(fired).toBe(2);
    deadline.dispose();
  });
});

describe("DotTerminatedDecoder.reset", () => {
  it("decodes a second body after reset()", () => {
    const decoder = new DotTerminatedDecoder();
    const first = decoder.decode(Buffer.from("a\r\n..b\r\n.\r\n"));
    expect(first.done).toBe(true);
    decoder.reset();
    const second = decoder.decode(Buffer.from(".c\r\nd\r"));
    const third = decoder.decode(Buffer.from("\n.\r\nrest"));
    expect(Buffer.concat([...second.body, ...third.body]).toString()).toBe("c\r\nd\r\n");
    expect(third.done).toBe(true);
    expect(Buffer.from(third.rest ?? []).toString()).toBe("rest");
  });
});
