import { ErrorCode } from "@mailwire/core";
import { afterEach, describe, expect, it } from "vitest";
import { connectPop3, type Pop3Client } from "../src/index.js";
import { dotStuff, messageOfSize } from "./support/messages.js";
import { login, options, PASSWORD } from "./support/scripted-login.js";
import { delay, type ScriptedServer, scriptedServer } from "./support/scripted-server.js";

let server: ScriptedServer | undefined;
let client: Pop3Client | undefined;
afterEach(async () => {
  client?.destroy();
  client = undefined;
  await server?.close();
  server = undefined;
});

describe("pipelining (RFC 2449 §6.6)", () => {
  it("keeps at most `window` RETR commands in flight and streams each body in order", async () => {
    const messages = Array.from({ length: 10 }, (_, index) =>
      messageOfSize(100 + index, `m${index + 1}`, [".x"]),
    );
    const inFlight: number[] = [];
    server = await scriptedServer(async (peer) => {
      await login(peer, ["USER", "PIPELINING"]);
      let next = 1;
      let answered = 0;
      while (answered < 10) {
        // Collect every command that has arrived by now, answer one, repeat.
        await delay(15);
        const arrived = peer.received.filter((line) => line.startsWith("RETR")).length;
        inFlight.push(arrived - answered);
        await peer.expect(`RETR ${next}`);
        peer.raw(Buffer.concat([Buffer.from("+OK\r\n"), dotStuff(messages[next - 1] as Buffer)]));
        next++;
        answered++;
      }
      await peer.line();
    });
    client = await connectPop3(options(server.port, { pipelineWindow: 4 }));
    const bodies: Buffer[] = [];
    for await (const message of client.retrieveMany(Array.from({ length: 10 }, (_, index) => index + 1))) {
      bodies.push(Buffer.concat(await message.body.toArray()));
    }
    expect(bodies).toEqual(messages);
    expect(Math.max(...inFlight)).toBe(4);
  });

  it("retrieveManyBuffers collects each pipelined body, unstuffed and in order", async () => {
    const messages = [1, 2, 3].map((number) => messageOfSize(90 + number, `m${number}`, [".dot"]));
    server = await scriptedServer(async (peer) => {
      await login(peer, ["USER", "PIPELINING"]);
      for (const number of [1, 2, 3]) await peer.expect(`RETR ${number}`);
      for (const message of messages) peer.raw(Buffer.concat([Buffer.from("+OK\r\n"), dotStuff(message)]));
      await peer.expect("NOOP");
      peer.send("+OK in step");
      await peer.line();
    });
    client = await connectPop3(options(server.port, { pipelineWindow: 4 }));
    const received: { messageNumber: number; body: Buffer }[] = [];
    for await (const message of client.retrieveManyBuffers([1, 2, 3])) received.push(message);
    expect(received).toEqual(messages.map((body, index) => ({ messageNumber: index + 1, body })));
    await client.noop();
  });

  it("retrieveManyBuffers reads the replies still owed when the caller stops early", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer, ["USER", "PIPELINING"]);
      for (const number of [1, 2, 3]) await peer.expect(`RETR ${number}`);
      peer.raw(Buffer.concat([Buffer.from("+OK\r\n"), dotStuff(messageOfSize(80, "m1"))]));
      peer.send("-ERR no such message");
      peer.raw(Buffer.concat([Buffer.from("+OK\r\n"), dotStuff(messageOfSize(80, "m3"))]));
      await peer.expect("NOOP");
      peer.send("+OK in step");
      await peer.line();
    });
    client = await connectPop3(options(server.port, { pipelineWindow: 3 }));
    for await (const message of client.retrieveManyBuffers([1, 2, 3])) {
      expect(message.messageNumber).toBe(1);
      break;
    }
    await client.noop();
  });

  it("retrieveManyBuffers: an -ERR mid-pipeline throws Pop3CommandError, a garbled status line ParseError", async () => {
    const first = messageOfSize(80, "m1", [".dot"]);
    server = await scriptedServer(async (peer) => {
      await login(peer, ["USER", "PIPELINING"]);
      for (const number of [1, 2, 3]) await peer.expect(`RETR ${number}`);
      peer.raw(Buffer.concat([Buffer.from("+OK\r\n"), dotStuff(first)]));
      peer.send("-ERR [SYS/PERM] no such message");
      peer.raw(Buffer.concat([Buffer.from("+OK\r\n"), dotStuff(messageOfSize(80, "m3"))]));
      await peer.expect("NOOP");
      peer.send("+OK in step");
      for (const number of [4, 5]) await peer.expect(`RETR ${number}`);
      peer.send("* not a POP3 status");
      await peer.line();
    });
    client = await connectPop3(options(server.port, { pipelineWindow: 4 }));
    const received: Buffer[] = [];
    await expect(
      (async () => {
        for await (const message of client?.retrieveManyBuffers([1, 2, 3]) ?? []) received.push(message.body);
      })(),
    ).rejects.toMatchObject({ name: "Pop3CommandError", command: "RETR", responseCode: "SYS/PERM" });
    expect(received).toEqual([first]);
    // The third reply (a body) was read and dropped: the connection is still in step.
    await client.noop();
    await expect(
      (async () => {
        for await (const _ of client?.retrieveManyBuffers([4, 5]) ?? []) {
          // never reached
        }
      })(),
    ).rejects.toMatchObject({ code: ErrorCode.PARSE });
    expect(client.closed).toBe(true);
  });

  it("sends one command at a time when the server does not advertise PIPELINING", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer, ["USER"]);
      for (const number of [1, 2, 3]) {
        await peer.expect(`DELE ${number}`);
        await delay(20);
        expect(peer.received.filter((line) => line.startsWith("DELE"))).toHaveLength(number);
        peer.send(`+OK message ${number} deleted`);
      }
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    await client.deleteMany([1, 2, 3]);
  });

  it("reads the replies still owed when the caller stops early, so the session stays in step", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer, ["USER", "PIPELINING"]);
      for (const number of [1, 2, 3]) await peer.expect(`RETR ${number}`);
      for (const number of [1, 2, 3])
        peer.raw(Buffer.concat([Buffer.from("+OK\r\n"), dotStuff(messageOfSize(80, `m${number}`))]));
      await peer.expect("NOOP");
      peer.send("+OK in step");
      await peer.line();
    });
    client = await connectPop3(options(server.port, { pipelineWindow: 3 }));
    for await (const message of client.retrieveMany([1, 2, 3])) {
      expect(message.messageNumber).toBe(1);
      break;
    }
    await client.noop();
  });

  it("an -ERR in the middle of a bulk UIDL throws Pop3CommandError and drains the rest", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer, ["USER", "PIPELINING"]);
      for (const number of [1, 2, 3]) await peer.expect(`UIDL ${number}`);
      peer.send("+OK 1 a", "-ERR no such message", "+OK 3 c");
      await peer.expect("NOOP");
      peer.send("+OK");
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    await expect(client.uidlMany([1, 2, 3])).rejects.toMatchObject({
      name: "Pop3CommandError",
      command: "UIDL",
    });
    await client.noop();
  });
});

describe("UTF8 and LANG (RFC 6856)", () => {
  it("enters UTF-8 mode before login when asked, lists and sets languages", async () => {
    server = await scriptedServer(async (peer) => {
      peer.send("+OK ready");
      await peer.expect("CAPA");
      peer.send("+OK", "USER", "UTF8 USER", "LANG", ".");
      await peer.expect("UTF8");
      peer.send("+OK UTF8 enabled");
      await peer.expect("USER alice");
      peer.send("+OK");
      await peer.expect(`PASS ${PASSWORD}`);
      peer.send("+OK");
      await peer.expect("CAPA");
      peer.send("+OK", "USER", "UTF8 USER", "LANG", ".");
      await peer.expect("LANG");
      peer.send("+OK Language listing follows", "en English", "de Deutsch", "ja 日本語", ".");
      await peer.expect("LANG de");
      peer.send("+OK Sprache geändert");
      await peer.line();
    });
    client = await connectPop3(options(server.port, { utf8: true }));
    expect(client.capabilities.utf8User).toBe(true);
    expect(await client.languages()).toEqual([
      { tag: "en", description: "English" },
      { tag: "de", description: "Deutsch" },
      { tag: "ja", description: "日本語" },
    ]);
    await client.setLanguage("de");
    await expect(client.setLanguage("de\r\nDELE 1")).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
    });
  });
});

describe("session lifecycle", () => {
  it("close() sends QUIT when idle; calls afterwards fail with ClosedError; await using closes too", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer, ["USER"]);
      await peer.expect("QUIT");
      peer.send("+OK bye");
      peer.end();
    });
    {
      await using session = await connectPop3(options(server.port));
      client = session;
    }
    expect(client.closed).toBe(true);
    await expect(client.noop()).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    await server.done();
    expect(server.peers[0]?.received.at(-1)).toBe("QUIT");
  });

  it("refuses a certificate it cannot verify with TlsError MW_TLS", async () => {
    const { createServer } = await import("node:tls");
    const { testCertificate } = await import("./support/scripted-server.js");
    const { cert, key } = await testCertificate();
    const tlsServer = createServer({ cert, key }, (socket) => socket.end("+OK ready\r\n"));
    await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
    const port = (tlsServer.address() as { port: number }).port;
    try {
      await expect(connectPop3(options(port, { tls: "implicit" }))).rejects.toMatchObject({
        name: "TlsError",
        code: ErrorCode.TLS,
      });
    } finally {
      tlsServer.close();
    }
  });
});

describe("diagnostics", () => {
  it("publishes one redacted session event per connectPop3 on mailwire:pop3:session", async () => {
    const { subscribe, unsubscribe } = await import("node:diagnostics_channel");
    const { Pop3ChannelName } = await import("../src/index.js");
    const events: unknown[] = [];
    const listener = (message: unknown) => events.push(message);
    subscribe(Pop3ChannelName.session, listener);
    try {
      server = await scriptedServer(async (peer) => {
        await login(peer, ["USER"]);
        await peer.line();
      });
      client = await connectPop3(options(server.port));
      expect(events).toEqual([
        { host: "127.0.0.1", port: server.port, tls: "none", ok: true, method: "USER", encrypted: false },
      ]);
      expect(JSON.stringify(events)).not.toContain(PASSWORD);
    } finally {
      unsubscribe(Pop3ChannelName.session, listener);
    }
  });
});
