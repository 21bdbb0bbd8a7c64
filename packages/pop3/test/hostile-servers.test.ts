import { ErrorCode, type Logger } from "@mailwire/core";
import { afterEach, describe, expect, it } from "vitest";
import { connectPop3, type Pop3Client } from "../src/index.js";
import { dotStuff, messageOfSize } from "./support/messages.js";
import { login, options, PASSWORD } from "./support/scripted-login.js";
import { delay, type ScriptedServer, scriptedServer, testCertificate } from "./support/scripted-server.js";

let server: ScriptedServer | undefined;
let client: Pop3Client | undefined;
afterEach(async () => {
  client?.destroy();
  client = undefined;
  await server?.close();
  server = undefined;
});

describe("STARTTLS attacks", () => {
  it("refuses a server whose CAPA lacks STLS (stripping) before sending any credential", async () => {
    server = await scriptedServer(async (peer) => {
      peer.send("+OK ready");
      await peer.expect("CAPA");
      peer.send("+OK", "USER", "SASL PLAIN", ".");
      await peer.line();
    });
    await expect(
      connectPop3(options(server.port, { tls: "starttls", allowInsecureAuth: false })),
    ).rejects.toMatchObject({
      name: "TlsError",
      code: ErrorCode.STARTTLS_UNAVAILABLE,
    });
    await delay(20);
    expect(server.peers[0]?.received).toEqual(["CAPA"]);
  });

  it("refuses a server that answers STLS with -ERR", async () => {
    server = await scriptedServer(async (peer) => {
      peer.send("+OK ready");
      await peer.expect("CAPA");
      peer.send("+OK", "STLS", "USER", ".");
      await peer.expect("STLS");
      peer.send("-ERR not now");
      await peer.line();
    });
    await expect(connectPop3(options(server.port, { tls: "starttls" }))).rejects.toMatchObject({
      code: ErrorCode.STARTTLS_UNAVAILABLE,
    });
  });

  it("fails with MW_STARTTLS_INJECTION when plaintext follows +OK Begin TLS", async () => {
    server = await scriptedServer(async (peer) => {
      peer.send("+OK ready");
      await peer.expect("CAPA");
      peer.send("+OK", "STLS", "USER", ".");
      await peer.expect("STLS");
      // The injected reply rides in the same segment as the STLS answer.
      peer.send("+OK Begin TLS negotiation", "+OK injected", "+OK", "USER", ".");
      await peer.line();
    });
    await expect(connectPop3(options(server.port, { tls: "starttls" }))).rejects.toMatchObject({
      name: "TlsError",
      code: ErrorCode.STARTTLS_INJECTION,
    });
  });

  it("upgrades with STLS, asks CAPA again under TLS and logs in there (opportunistic too)", async () => {
    const { ca } = await testCertificate();
    for (const tls of ["starttls", "opportunistic"] as const) {
      server = await scriptedServer(async (peer) => {
        peer.send("+OK ready");
        await peer.expect("CAPA");
        peer.send("+OK", "STLS", ".");
        await peer.expect("STLS");
        peer.send("+OK Begin TLS negotiation");
        await peer.upgrade();
        await peer.expect("CAPA");
        peer.send("+OK", "USER", "SASL PLAIN", ".");
        const auth = await peer.expect(/^AUTH PLAIN /);
        expect(Buffer.from(auth.slice(11), "base64").toString()).toBe(`\0alice\0${PASSWORD}`);
        peer.send("+OK");
        await peer.expect("CAPA");
        peer.send("+OK", "USER", "SASL PLAIN", ".");
        await peer.expect("NOOP");
        peer.send("+OK");
        await peer.line();
      });
      client = await connectPop3(options(server.port, { tls, allowInsecureAuth: false, tlsOptions: { ca } }));
      expect(client.encrypted).toBe(true);
      expect(client.method).toBe("PLAIN");
      await client.noop();
      client.destroy();
      await server.close();
      server = undefined;
    }
  });
});

describe("framing attacks and broken servers", () => {
  it("finds the RETR terminator wherever the packets split it", async () => {
    const message = messageOfSize(300, "split", [".dot-stuffed line", "", "."]);
    const wire = Buffer.concat([Buffer.from("+OK 300 octets\r\n"), dotStuff(message)]);
    const offsets = Array.from({ length: wire.length - 1 }, (_, index) => index + 1);
    server = await scriptedServer(async (peer) => {
      await login(peer);
      for (const offset of offsets) {
        await peer.expect(`RETR ${offset}`);
        peer.raw(wire.subarray(0, offset));
        await delay(2);
        peer.raw(wire.subarray(offset));
      }
      await peer.expect("NOOP");
      peer.send("+OK still in step");
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    for (const offset of offsets) {
      expect(await client.retrieveBuffer(offset)).toEqual(message);
    }
    await client.noop();
  });

  it("rejects an over-long reply line with MW_LIMIT_EXCEEDED", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer);
      await peer.expect("STAT");
      peer.raw(`+OK ${"9".repeat(20_000)}`);
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    await expect(client.stat()).rejects.toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED });
    await expect(client.noop()).rejects.toBeDefined();
  });

  it("rejects an over-long line inside a LIST listing", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer);
      await peer.expect("LIST");
      peer.send("+OK", "1 100", `2 ${"1".repeat(10_000)}`, ".");
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    await expect(client.list()).rejects.toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED });
  });

  it("times out when the server stalls mid-RETR", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer);
      await peer.expect("RETR 1");
      peer.raw("+OK 1000 octets\r\nSubject: stall\r\n\r\nhalf of the bo");
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    const started = Date.now();
    await expect(client.retrieveBuffer(1, { idleTimeoutMs: 200 })).rejects.toMatchObject({
      name: "TimeoutError",
      code: ErrorCode.TIMEOUT,
      details: expect.objectContaining({ phase: "idle" }),
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.each(["RETR 1", "TOP 1 0"])(
    "bounds what %s collects into one Buffer: a body that never ends fails with MW_LIMIT_EXCEEDED",
    async (command) => {
      let sent = 0;
      server = await scriptedServer(async (peer) => {
        await login(peer);
        await peer.expect(command);
        peer.raw("+OK endless\r\n");
        // Line after line and never the terminator, until the client hangs up.
        const line = Buffer.from(`${"x".repeat(1022)}\r\n`);
        while (!peer.socket.destroyed && sent < 64 * 1024 * 1024) {
          if (!peer.socket.write(line)) {
            await new Promise((resolve) => {
              peer.socket.once("drain", resolve);
              peer.socket.once("close", resolve);
            });
          }
          sent += line.length;
        }
      });
      client = await connectPop3(options(server.port));
      const collect =
        command === "TOP 1 0"
          ? client.topBuffer(1, 0, { maxMessageBytes: 256 * 1024 })
          : client.retrieveBuffer(1, { maxMessageBytes: 256 * 1024 });
      await expect(collect).rejects.toMatchObject({
        name: "LimitExceededError",
        code: ErrorCode.LIMIT_EXCEEDED,
        details: expect.objectContaining({ limit: "maxMessageBytes", max: 256 * 1024 }),
      });
      // The client stopped reading long before the server ran out of body to send.
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    },
  );

  it("reports a close mid-RETR as MW_CONNECTION_CLOSED", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer);
      await peer.expect("RETR 1");
      peer.raw("+OK 1000 octets\r\nSubject: cut\r\n\r\nhalf");
      await delay(20);
      peer.destroy();
    });
    client = await connectPop3(options(server.port));
    await expect(client.retrieveBuffer(1)).rejects.toMatchObject({ code: ErrorCode.CONNECTION_CLOSED });
  });

  it("refuses a server that ends lines with a bare LF", async () => {
    server = await scriptedServer(async (peer) => {
      peer.raw("+OK bare LF server\n");
      await peer.line();
    });
    await expect(connectPop3(options(server.port))).rejects.toMatchObject({ code: ErrorCode.PARSE });
  });

  it("refuses a reply that is neither +OK nor -ERR and drops the connection", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer);
      await peer.expect("STAT");
      peer.send("* OK this is IMAP");
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    await expect(client.stat()).rejects.toMatchObject({ code: ErrorCode.PARSE });
    await expect(client.stat()).rejects.toBeDefined();
  });

  it("keeps memory flat: a slow consumer pauses the socket instead of buffering the message", async () => {
    const chunk = Buffer.from(`${"y".repeat(1022)}\r\n`);
    const chunks = 16 * 1024; // 16 MiB
    let written = 0;
    server = await scriptedServer(async (peer) => {
      await login(peer);
      await peer.expect("RETR 1");
      peer.send(`+OK ${chunk.length * chunks} octets`);
      for (let index = 0; index < chunks; index++) {
        if (!peer.socket.write(chunk)) await new Promise((resolve) => peer.socket.once("drain", resolve));
        written++;
      }
      peer.send(".");
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    const body = await client.retrieve(1);
    // Read nothing for a while: the server must be stuck behind TCP flow control.
    await delay(300);
    expect(written).toBeLessThan(chunks / 4);
    let received = 0;
    for await (const piece of body) received += (piece as Buffer).length;
    expect(received).toBe(chunk.length * chunks);
  });
});

describe("typed errors from response codes", () => {
  const loginFailure = async (reply: string, capa: string[] = ["USER"]) => {
    server = await scriptedServer(async (peer) => {
      peer.send("+OK ready");
      await peer.expect("CAPA");
      peer.send("+OK", ...capa, ".");
      await peer.expect("USER alice");
      peer.send("+OK");
      await peer.expect(/^PASS /);
      peer.send(reply);
      await peer.line();
    });
    const error = await connectPop3(options(server.port)).catch((caught: unknown) => caught);
    await delay(20);
    return error as { code: string; name: string; details: Record<string, unknown>; retryAfterMs?: number };
  };

  it("[IN-USE] → ServerBusyError", async () => {
    expect(await loginFailure("-ERR [IN-USE] maildrop locked")).toMatchObject({
      name: "ServerBusyError",
      code: ErrorCode.SERVER_BUSY,
      details: expect.objectContaining({ responseCode: "IN-USE", command: "PASS" }),
    });
  });

  it("[LOGIN-DELAY] → ServerBusyError with retryAfterMs from CAPA", async () => {
    const error = await loginFailure("-ERR [LOGIN-DELAY] wait", ["USER", "LOGIN-DELAY 900"]);
    expect(error).toMatchObject({ name: "ServerBusyError", retryAfterMs: 900_000 });
  });

  it("[SYS/TEMP] → ServerBusyError, [SYS/PERM] → Pop3CommandError", async () => {
    expect(await loginFailure("-ERR [SYS/TEMP] backend down")).toMatchObject({ code: ErrorCode.SERVER_BUSY });
    await server?.close();
    expect(await loginFailure("-ERR [SYS/PERM] account disabled")).toMatchObject({
      name: "Pop3CommandError",
      code: ErrorCode.PROTOCOL,
      details: expect.objectContaining({ responseCode: "SYS/PERM" }),
    });
  });

  it("[AUTH] or a plain -ERR → AuthError, tried once only, password never in the error", async () => {
    const error = await loginFailure(`-ERR [AUTH] bad password ${PASSWORD}`);
    expect(error).toMatchObject({ name: "AuthError", code: ErrorCode.AUTH_FAILED });
    expect(
      JSON.stringify({ message: (error as unknown as Error).message, details: error.details }),
    ).not.toContain(PASSWORD);
    expect(server?.peers).toHaveLength(1);
    expect(server?.peers[0]?.received.filter((line) => line.startsWith("PASS"))).toHaveLength(1);
    await server?.close();
    expect(await loginFailure("-ERR invalid login")).toMatchObject({ code: ErrorCode.AUTH_FAILED });
  });

  it("-ERR on RETR → Pop3CommandError and the session goes on", async () => {
    server = await scriptedServer(async (peer) => {
      await login(peer);
      await peer.expect("RETR 9");
      peer.send("-ERR no such message");
      await peer.expect("NOOP");
      peer.send("+OK");
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    await expect(client.retrieve(9)).rejects.toMatchObject({
      name: "Pop3CommandError",
      command: "RETR",
      serverMessage: "no such message",
    });
    await client.noop();
  });
});

describe("auth policy and redaction", () => {
  it("refuses USER/PASS on a plaintext connection unless allowInsecureAuth", async () => {
    server = await scriptedServer(async (peer) => {
      peer.send("+OK ready");
      await peer.expect("CAPA");
      peer.send("+OK", "USER", "SASL PLAIN LOGIN", ".");
      await peer.line();
    });
    await expect(connectPop3(options(server.port, { allowInsecureAuth: false }))).rejects.toMatchObject({
      name: "AuthError",
      code: ErrorCode.INSECURE_AUTH_REFUSED,
    });
    await delay(20);
    expect(server.peers[0]?.received).toEqual(["CAPA"]);
  });

  it("never writes the password or the SASL response to the protocol log", async () => {
    const logged: string[] = [];
    const logger: Logger = {
      debug: (message, fields) => logged.push(`${message} ${JSON.stringify(fields ?? {})}`),
      warn: (message) => logged.push(message),
    };
    for (const mechanism of ["USER", "PLAIN", "LOGIN"]) {
      server = await scriptedServer(async (peer) => {
        peer.send("+OK ready");
        await peer.expect("CAPA");
        peer.send("+OK", "USER", "SASL PLAIN LOGIN", ".");
        if (mechanism === "USER") {
          await peer.expect("USER alice");
          peer.send("+OK");
          await peer.expect(/^PASS /);
        } else if (mechanism === "PLAIN") {
          await peer.expect(/^AUTH PLAIN /);
        } else {
          await peer.expect("AUTH LOGIN");
          peer.send(`+ ${Buffer.from("Username:").toString("base64")}`);
          await peer.line();
          peer.send(`+ ${Buffer.from("Password:").toString("base64")}`);
          await peer.line();
        }
        peer.send("+OK");
        await peer.expect("CAPA");
        peer.send("+OK", "USER", ".");
        await peer.line();
      });
      client = await connectPop3(options(server.port, { logger, mechanisms: [mechanism] }));
      expect(client.method).toBe(mechanism);
      client.destroy();
      await server.close();
      server = undefined;
    }
    const text = logged.join("\n");
    expect(text).toContain("C: CAPA");
    for (const form of [
      PASSWORD,
      Buffer.from(PASSWORD).toString("base64"),
      Buffer.from(`\0alice\0${PASSWORD}`).toString("base64"),
    ]) {
      expect(text).not.toContain(form);
    }
  });

  it("XOAUTH2 holds the token back until the server's empty challenge (Exchange Online)", async () => {
    const token = `eyJ${"a".repeat(900)}`;
    server = await scriptedServer(async (peer) => {
      peer.send("+OK ready");
      await peer.expect("CAPA");
      peer.send("+OK", "SASL XOAUTH2", ".");
      await peer.expect("AUTH XOAUTH2");
      peer.send("+ ");
      const response = Buffer.from(await peer.expect(/^[A-Za-z0-9+/=]+$/), "base64").toString();
      expect(response).toBe(`user=alice@contoso.com\x01auth=Bearer ${token}\x01\x01`);
      peer.send("+OK User successfully authenticated.");
      await peer.expect("CAPA");
      peer.send("+OK", "SASL XOAUTH2", ".");
      await peer.line();
    });
    client = await connectPop3(
      options(server.port, { auth: { username: "alice@contoso.com", tokenProvider: () => token } }),
    );
    expect(client.method).toBe("XOAUTH2");
  });

  it("rejects at once when the signal is already aborted, and aborts a pending reply", async () => {
    await expect(connectPop3(options(1, { signal: AbortSignal.abort() }))).rejects.toMatchObject({
      code: ErrorCode.ABORTED,
    });
    server = await scriptedServer(async (peer) => {
      await login(peer);
      await peer.expect("STAT");
      await peer.line();
    });
    client = await connectPop3(options(server.port));
    const controller = new AbortController();
    const pending = client.stat({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.ABORTED });
  });
});
