// readRaw: a consumer that frames the replies itself gets every byte, synchronously, with one
// timer, one abort listener and the socket flowing for the whole read.
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ErrorCode, ParseError } from "../../src/index.js";
import { countAbortListeners, failure, useSocketFixtures } from "./helpers/fixtures.js";

const { serve, open } = useSocketFixtures();

/** A consumer that takes bytes until it has seen `count` lines "END", then hands the rest back. */
function untilEnds(count: number) {
  let seen = "";
  let ends = 0;
  const consume = (chunk: Uint8Array): number => {
    const text = Buffer.from(chunk).toString("latin1");
    for (let index = 0; index < text.length; index++) {
      seen += text[index];
      if (seen.endsWith("END\r\n") && ++ends === count) return index + 1;
    }
    return -1;
  };
  return { consume, seen: () => seen };
}

describe("LineConnection.readRaw", () => {
  it("hands buffered bytes first, then each chunk; what the consumer leaves goes back to line reading", async () => {
    const server = await serve(async (socket) => {
      socket.write("+OK hello\r\na1\r\nEND\r\nb");
      await sleep(20);
      socket.write("2\r\nEND\r\n+OK after\r\n");
    });
    const connection = await open(server);
    expect(await connection.readLine()).toBe("+OK hello");
    const reader = untilEnds(2);
    await connection.readRaw(reader.consume);
    expect(reader.seen()).toBe("a1\r\nEND\r\nb2\r\nEND\r\n");
    expect(await connection.readLine()).toBe("+OK after");
  });

  it("a consumer that ends exactly at a chunk's end leaves nothing behind", async () => {
    const server = await serve(async (socket) => {
      socket.write("x\r\nEND\r\n");
      await sleep(20);
      socket.write("+OK next\r\n");
    });
    const connection = await open(server);
    await connection.readRaw(untilEnds(1).consume);
    expect(await connection.readLine()).toBe("+OK next");
  });

  it("a throw from the consumer fails the connection with that error", async () => {
    const server = await serve((socket) => socket.write("garbage\r\n"));
    const connection = await open(server);
    const error = await failure(
      connection.readRaw(() => {
        throw new ParseError("not a reply");
      }),
    );
    expect(error.code).toBe(ErrorCode.PARSE);
    expect(connection.closed).toBe(true);
    expect((await failure(connection.readLine())).code).toBe(ErrorCode.PARSE);
  });

  it("times out on silence (idle phase, naming what was read) and reports a peer close", async () => {
    const silent = await serve((socket) => socket.write("half"));
    const connection = await open(silent);
    const error = await failure(connection.readRaw(() => -1, { timeoutMs: 60, what: "pipelined replies" }));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.details).toMatchObject({ phase: "idle", timeoutMs: 60 });
    expect(error.message).toContain("pipelined replies");

    const closing = await serve((socket) => socket.end("half"));
    const other = await open(closing);
    expect((await failure(other.readRaw(() => -1))).code).toBe(ErrorCode.CONNECTION_CLOSED);
  });

  it("re-arms the idle clock with every chunk: bytes trickling in for longer than it never fail", async () => {
    // 10 pieces 200 ms apart: 2 s in all against a 1 s idle timeout (generous gaps for a loaded machine).
    const server = await serve(async (socket) => {
      for (let n = 0; n < 10; n++) {
        socket.write(`part ${n}\r\n`);
        await sleep(200);
      }
      socket.write("END\r\n");
    });
    const connection = await open(server, { timeouts: { idleMs: 1000 } });
    const reader = untilEnds(1);
    await connection.readRaw(reader.consume);
    expect(reader.seen()).toContain("part 9\r\nEND\r\n");
  });

  it("aborts, and removes its abort listener once settled", async () => {
    const server = await serve(async (socket) => {
      socket.write("END\r\n");
      await sleep(20);
      socket.write("more");
    });
    const connection = await open(server);
    const controller = new AbortController();
    const listeners = countAbortListeners(controller.signal);
    await connection.readRaw(untilEnds(1).consume, { signal: controller.signal });
    expect(listeners()).toBe(0);
    const pending = connection.readRaw(() => -1, { signal: controller.signal });
    setTimeout(() => controller.abort(), 40);
    expect((await failure(pending)).code).toBe(ErrorCode.ABORTED);
    expect(connection.closed).toBe(true);
  });

  it("traceLine reports a line the consumer framed to the logger", async () => {
    const debug: string[] = [];
    const server = await serve((socket) => socket.write("+OK\r\n"));
    const connection = await open(server, {
      logger: { debug: (message) => debug.push(message), warn: () => {} },
    });
    connection.traceLine(Buffer.from("+OK 20480 octets"));
    expect(debug).toContain("S: +OK 20480 octets");
  });
});
