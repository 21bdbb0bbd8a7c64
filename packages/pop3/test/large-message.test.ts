import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterEach, expect, it } from "vitest";
import { connectPop3, type Pop3Client } from "../src/index.js";
import { type ScriptedServer, scriptedServer } from "./support/scripted-server.js";

let server: ScriptedServer | undefined;
let client: Pop3Client | undefined;
afterEach(async () => {
  client?.destroy();
  await server?.close();
});

const MIB = 1024 * 1024;

it("streams a 200 MB RETR with flat memory (peak RSS well under 64 MB above baseline)", async () => {
  // 1,000-octet lines, a tenth of them starting with "." (stuffed on the wire, unstuffed by us).
  const plain = Buffer.from(`${"z".repeat(998)}\r\n`);
  const stuffed = Buffer.from(`..${"d".repeat(996)}\r\n`);
  const block = Buffer.concat(Array.from({ length: 64 }, (_, index) => (index % 10 === 0 ? stuffed : plain)));
  const blocks = Math.ceil((200 * MIB) / block.length);
  server = await scriptedServer(async (peer) => {
    peer.send("+OK ready");
    await peer.expect("CAPA");
    peer.send("+OK", "USER", ".");
    await peer.expect("USER u");
    peer.send("+OK");
    await peer.expect("PASS p");
    peer.send("+OK");
    await peer.expect("CAPA");
    peer.send("+OK", "USER", ".");
    await peer.expect("RETR 1");
    peer.send("+OK");
    for (let index = 0; index < blocks; index++) {
      if (!peer.socket.write(block)) await new Promise((resolve) => peer.socket.once("drain", resolve));
    }
    peer.send(".");
    await peer.line();
  });
  client = await connectPop3({
    host: "127.0.0.1",
    port: server.port,
    tls: "none",
    allowInsecureAuth: true,
    auth: { username: "u", password: "p" },
  });
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let received = 0;
  let chunks = 0;
  await pipeline(
    await client.retrieve(1),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (++chunks % 256 === 0) peak = Math.max(peak, process.memoryUsage().rss);
        callback();
      },
    }),
  );
  const unstuffedPerBlock = block.length - 7; // one dot removed from each of the 7 stuffed lines
  expect(received).toBe(blocks * unstuffedPerBlock);
  expect((peak - baseline) / MIB).toBeLessThan(64);
}, 120_000);
