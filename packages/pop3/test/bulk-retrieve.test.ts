import { ErrorCode, type Logger } from "@mailwire/core";
import { afterEach, describe, expect, it } from "vitest";
import { connectPop3, type Pop3Client } from "../src/index.js";
import { dotStuff, messageOfSize } from "./support/messages.js";
import { login, options } from "./support/scripted-login.js";
import { delay, type ScriptedPeer, type ScriptedServer, scriptedServer } from "./support/scripted-server.js";

// retrieveManyBuffers frames the replies itself, straight from the socket chunks (RetrReplyDecoder
// inside one raw read of the transport): these pin the guarantees the per-message path had.

let server: ScriptedServer | undefined;
let client: Pop3Client | undefined;
afterEach(async () => {
  client?.destroy();
  client = undefined;
  await server?.close();
  server = undefined;
});

/** USER and PIPELINING only: retrieveManyBuffers must not need UIDL or TOP. */
const CAPA = ["USER", "PIPELINING"];

function reply(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`+OK ${message.length} octets\r\n`), dotStuff(message)]);
}

/** Answers RETR 1..count (as they arrive) with `answer(n)`, then NOOP. */
async function answerRetrs(peer: ScriptedPeer, count: number, answer: (n: number) => Promise<void> | void) {
  for (let number = 1; number <= count; number++) {
    await peer.expect(`RETR ${number}`);
    await answer(number);
  }
  await peer.expect("NOOP");
  peer.send("+OK in step");
  await peer.line();
}

describe("retrieveManyBuffers (bulk reader)", () => {
  it("gets every message byte for byte when the server writes the replies in odd, tiny pieces", async () => {
    const messages = Array.from({ length: 12 }, (_, index) =>
      messageOfSize(60 + index * 37, `m${index + 1}`, [".", "..two", ".\r", "x"]),
    );
    server = await scriptedServer(async (peer) => {
      await login(peer, CAPA);
      peer.socket.setNoDelay(true);
      await answerRetrs(peer, messages.length, async (number) => {
        const bytes = reply(messages[number - 1] as Buffer);
        // Pieces of 1 to 13 bytes, each its own write: the terminator and status lines split everywhere.
        for (let from = 0, size = 1; from < bytes.length; from += size, size = (size % 13) + 1) {
          peer.raw(bytes.subarray(from, from + size));
          if (size % 4 === 0) await delay(1);
        }
      });
    });
    client = await connectPop3(options(server.port, { pipelineWindow: 4 }));
    const received: Buffer[] = [];
    for await (const message of client.retrieveManyBuffers(messages.map((_, index) => index + 1)))
      received.push(message.body);
    expect(received).toEqual(messages);
    await client.noop();
  });

  it("times out when the server stalls in the middle of a body, with the idle phase", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer, CAPA);
      await peer.expect("RETR 1");
      await peer.expect("RETR 2");
      peer.raw(reply(messageOfSize(100, "m1")));
      peer.raw("+OK 1000 octets\r\nSubject: stall\r\n\r\nhalf of the bo");
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    const received: number[] = [];
    const started = Date.now();
    await expect(
      (async () => {
        for await (const message of client?.retrieveManyBuffers([1, 2], { idleTimeoutMs: 200 }) ?? [])
          received.push(message.messageNumber);
      })(),
    ).rejects.toMatchObject({ name: "TimeoutError", details: expect.objectContaining({ phase: "idle" }) });
    expect(received).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(client.closed).toBe(true);
  });

  it("an abort mid-download rejects with AbortError and drops the connection", async () => {
    const controller = new AbortController();
    server = await scriptedServer(async (peer) => {
      await login(peer, CAPA);
      await peer.expect("RETR 1");
      await peer.expect("RETR 2");
      peer.raw(reply(messageOfSize(100, "m1")));
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    await expect(
      (async () => {
        for await (const _ of client?.retrieveManyBuffers([1, 2], { signal: controller.signal }) ?? [])
          setTimeout(() => controller.abort(), 20);
      })(),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(client.closed).toBe(true);
  });

  it("a body past maxMessageBytes is LimitExceededError; the connection is dropped", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer, CAPA);
      await peer.expect("RETR 1");
      await peer.expect("RETR 2");
      peer.raw(reply(messageOfSize(100, "m1")));
      peer.raw(reply(messageOfSize(5000, "m2")));
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    const received: number[] = [];
    await expect(
      (async () => {
        for await (const message of client?.retrieveManyBuffers([1, 2], { maxMessageBytes: 1000 }) ?? [])
          received.push(message.body.length);
      })(),
    ).rejects.toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED });
    expect(received).toEqual([100]);
    expect(client.closed).toBe(true);
  });

  it("a close mid-body is MW_CONNECTION_CLOSED", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer, CAPA);
      await peer.expect("RETR 1");
      peer.raw("+OK 1000 octets\r\nSubject: cut\r\n\r\nhalf");
      await delay(20);
      peer.destroy();
    });
    client = await connectPop3(options(server.port));
    await expect(
      (async () => {
        for await (const _ of client?.retrieveManyBuffers([1]) ?? []) {
          // never reached
        }
      })(),
    ).rejects.toMatchObject({ code: ErrorCode.CONNECTION_CLOSED });
  });

  it("logs every status line it framed itself, as the per-reply reads did", async () => {
    const debug: string[] = [];
    const logger: Logger = { debug: (message) => debug.push(message), warn: () => {} };
    server = await scriptedServer(async (peer) => {
      await login(peer, CAPA);
      await answerRetrs(peer, 2, (number) => {
        if (number === 1) peer.raw(reply(messageOfSize(80, "m1")));
        else peer.send("-ERR [SYS/PERM] gone");
      });
    });
    client = await connectPop3(options(server.port, { logger }));
    await expect(
      (async () => {
        for await (const _ of client?.retrieveManyBuffers([1, 2]) ?? []) {
          // the first one arrives, the second throws
        }
      })(),
    ).rejects.toMatchObject({ name: "Pop3CommandError", responseCode: "SYS/PERM" });
    await client.noop();
    expect(debug).toContain("S: +OK 80 octets");
    expect(debug).toContain("S: -ERR [SYS/PERM] gone");
  });

  it("rejects bad arguments before sending anything, and leaves the session usable", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer, CAPA);
      await peer.expect("NOOP");
      peer.send("+OK");
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    await expect(client.retrieveManyBuffers([0]).next()).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
    });
    await expect(client.retrieveManyBuffers([1], { maxMessageBytes: -1 }).next()).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
    });
    await client.noop();
  });
});
