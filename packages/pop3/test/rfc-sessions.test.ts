import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { connectPop3, parseCapabilities } from "../src/index.js";
import { dotStuff, messageOfSize } from "./support/messages.js";
import { type ScriptedServer, scriptedServer } from "./support/scripted-server.js";

const VECTORS = "/work/shared/vectors/pop3-imap";
const apop = JSON.parse(readFileSync(`${VECTORS}/rfc1939-apop.json`, "utf8")) as Record<string, string>;

/** The C:/S: lines of a vector file, indentation removed, <...> placeholders kept. */
function transcript(file: string): Array<{ side: "C" | "S"; text: string }> {
  return readFileSync(`${VECTORS}/${file}`, "utf8")
    .split("\n")
    .filter((line) => /^[CS]:/.test(line))
    .map((line) => ({ side: line[0] as "C" | "S", text: line.slice(2).trim() }))
    .filter((line) => !/^<(wait|open|close)/.test(line.text));
}

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("RFC 1939 §10 example session against a scripted server", () => {
  it("runs the session: APOP, STAT, LIST, RETR, DELE, QUIT", async () => {
    const steps = transcript("rfc1939-section10-example-session.txt");
    const messages = [messageOfSize(120, "one"), messageOfSize(200, "two", [".leading dot", "..two dots"])];
    server = await scriptedServer(async (peer) => {
      // The RFC's server predates CAPA (RFC 2449): it answers -ERR, the client must cope.
      let retrieved = 0;
      for (const step of steps) {
        if (step.side === "C") {
          if (step.text === "APOP mrose c4c9334bac560ecc979e58001b3e22fb") {
            await peer.expect("CAPA");
            peer.send("-ERR unknown command");
          }
          await peer.expect(step.text);
        } else if (step.text.startsWith("<the POP3 server sends message")) {
          peer.raw(dotStuff(messages[retrieved++] as Buffer).subarray(0, -3)); // the "." line follows
        } else {
          peer.send(step.text);
        }
      }
      peer.end();
    });
    const client = await connectPop3({
      host: "127.0.0.1",
      port: server.port,
      tls: "none",
      auth: { username: apop.user as string, password: apop.shared_secret as string },
    });
    expect(client.method).toBe("APOP");
    expect(client.greeting).toBe("POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
    expect(await client.stat()).toEqual({ messageCount: 2, octets: 320 });
    expect(await client.list()).toEqual([
      { messageNumber: 1, octets: 120 },
      { messageNumber: 2, octets: 200 },
    ]);
    expect(await client.retrieveBuffer(1)).toEqual(messages[0]);
    await client.delete(1);
    const second = await client.retrieveBuffer(2);
    expect(second).toEqual(messages[1]);
    expect(second.byteLength).toBe(200);
    await client.delete(2);
    await client.quit();
    expect(client.closed).toBe(true);
    await server.done();
    expect(server.peers[0]?.received).toEqual([
      "CAPA",
      ...steps.filter((step) => step.side === "C").map((step) => step.text),
    ]);
  });
});

describe("RFC 2449 CAPA example against a scripted server", () => {
  it("parses the example, logs in with CRAM-MD5 from its SASL list, and pipelines UIDL", async () => {
    const capaLines = readFileSync(`${VECTORS}/rfc2449-capa-example.txt`, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("S: "))
      .map((line) => line.slice(3));
    const challenge = "<1896.697170952@postoffice.example.net>";
    server = await scriptedServer(async (peer) => {
      peer.send("+OK ready");
      for (let round = 0; round < 2; round++) {
        await peer.expect("CAPA");
        peer.send(...capaLines);
        if (round === 1) break;
        await peer.expect("AUTH CRAM-MD5");
        peer.send(`+ ${Buffer.from(challenge).toString("base64")}`);
        const { createHmac } = await import("node:crypto");
        const expected = `tim ${createHmac("md5", "tanstaaftanstaaf").update(challenge).digest("hex")}`;
        expect(Buffer.from(await peer.expect(/^[A-Za-z0-9+/=]+$/), "base64").toString()).toBe(expected);
        peer.send("+OK CRAM authentication successful");
      }
      // PIPELINING is advertised: all three UIDL commands arrive before any reply is sent.
      for (const number of [1, 2, 3]) await peer.expect(`UIDL ${number}`);
      peer.send("+OK 1 uid-a", "+OK 2 uid-b", "+OK 3 uid-c");
      await peer.expect("QUIT");
      peer.send("+OK bye");
      peer.end();
    });
    const client = await connectPop3({
      host: "127.0.0.1",
      port: server.port,
      tls: "none",
      auth: { username: "tim", password: "tanstaaftanstaaf" },
    });
    expect(client.method).toBe("CRAM-MD5");
    expect(client.capabilities).toEqual(parseCapabilities(capaLines.slice(1, -1)));
    expect(client.capabilities.loginDelaySeconds).toBe(900);
    expect(await client.uidlMany([1, 2, 3])).toEqual([
      { messageNumber: 1, uniqueId: "uid-a" },
      { messageNumber: 2, uniqueId: "uid-b" },
      { messageNumber: 3, uniqueId: "uid-c" },
    ]);
    await client.quit();
  });
});
