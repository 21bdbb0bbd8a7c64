import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode } from "@mailwire/core";
import { type DovecotServer, type MailboxSeed, startDovecot } from "@mailwire/dovecot-harness";
import { describeWithDovecot } from "@mailwire/dovecot-harness/vitest";
import { fixtureMailbox } from "@mailwire/fixtures";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  connectPop3,
  JsonFileSyncStore,
  LeaveOnServerSync,
  type Pop3Client,
  type Pop3ConnectOptions,
} from "../src/index.js";

const MESSAGE_COUNT = 1000;
const decoder = new TextDecoder();

/** The fixture mailbox with every message moved to INBOX: POP3 serves INBOX only (RFC 1939 §1). */
function inboxSeed(messageCount: number): MailboxSeed {
  const fixture = fixtureMailbox({ messageCount, largeMessageBytes: 0 });
  return { ...fixture, messages: fixture.messages.map((message) => ({ ...message, folder: ["Inbox"] })) };
}

function messageId(raw: Uint8Array): string {
  const id = /^Message-ID:\s*(<[^>]+>)/im.exec(decoder.decode(raw.subarray(0, 8192)))?.[1];
  if (id === undefined) throw new Error("message without Message-ID");
  return id;
}

/**
 * What POP3 can deliver of a stored message: RFC 1939 §3 ends a multi-line reply with
 * CRLF "." CRLF, so a message whose last line lacks CRLF (110 of the 1,000 fixture messages
 * end in an unterminated base64 line) arrives with one CRLF added. Every other byte is the same.
 */
function pop3Form(raw: Uint8Array): Uint8Array {
  const terminated = raw.length >= 2 && raw[raw.length - 2] === 0x0d && raw[raw.length - 1] === 0x0a;
  return terminated ? raw : Buffer.concat([raw, Buffer.from("\r\n")]);
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describeWithDovecot("@mailwire/pop3 against a real Dovecot", () => {
  const seed = inboxSeed(MESSAGE_COUNT);
  const expected = new Map(
    seed.messages.map((message) => [messageId(message.raw), sha256(pop3Form(message.raw))]),
  );
  const storedSize = new Map(
    seed.messages.map((message) => [messageId(message.raw), message.raw.byteLength]),
  );
  let server: DovecotServer;
  const clients: Pop3Client[] = [];

  beforeAll(async () => {
    server = await startDovecot({ mailbox: seed });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server?.stop();
  });

  function options(extra: Partial<Pop3ConnectOptions> = {}): Pop3ConnectOptions {
    const user = server.user();
    return {
      host: server.host,
      port: server.ports.pop3s,
      tls: "implicit",
      tlsOptions: { ca: server.caPem },
      auth: { username: user.username, password: user.password },
      ...extra,
    };
  }

  async function open(extra: Partial<Pop3ConnectOptions> = {}): Promise<Pop3Client> {
    const client = await connectPop3(options(extra));
    clients.push(client);
    return client;
  }

  it("picks the strongest mechanism Dovecot offers (SCRAM-SHA-256) over implicit TLS", async () => {
    const client = await open();
    expect(client.encrypted).toBe(true);
    expect(client.method).toBe("SCRAM-SHA-256");
    expect(client.capabilities).toMatchObject({ uidl: true, top: true, pipelining: true, respCodes: true });
    expect(await client.stat()).toEqual({
      messageCount: MESSAGE_COUNT,
      octets: seed.messages.reduce((sum, message) => sum + message.raw.byteLength, 0),
    });
    await client.quit();
  });

  for (const mechanism of ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256", "SCRAM-SHA-1", "APOP", "USER"]) {
    it(`logs in with ${mechanism}`, async () => {
      const client = await open({ mechanisms: [mechanism] });
      expect(client.method).toBe(mechanism);
      expect((await client.stat()).messageCount).toBe(MESSAGE_COUNT);
      await client.quit();
    });
  }

  it("logs in with a non-ASCII password (SCRAM, APOP, PLAIN)", async () => {
    const user = server.user("unicode");
    for (const mechanism of ["SCRAM-SHA-256", "APOP", "PLAIN"]) {
      const client = await open({
        mechanisms: [mechanism],
        auth: { username: user.username, password: user.password },
      });
      expect((await client.stat()).messageCount).toBe(0);
      await client.quit();
    }
  });

  it("upgrades port 110 with STLS (mandatory by default), then logs in", async () => {
    const client = await open({ port: server.ports.pop3, tls: "starttls" });
    expect(client.encrypted).toBe(true);
    expect(client.tlsInfo?.authorized).toBe(true);
    expect(client.capabilities.stls).toBe(false); // Dovecot stops offering STLS once it is on
    await client.quit();
  });

  it("without TLS uses only a method that keeps the password off the wire", async () => {
    const client = await open({ port: server.ports.pop3, tls: "none" });
    expect(client.encrypted).toBe(false);
    expect(client.method).toBe("SCRAM-SHA-256");
    await client.quit();
    for (const mechanism of ["PLAIN", "USER"]) {
      // Dovecot itself stops offering them before TLS (disable_plaintext_auth); either way no password is sent.
      await expect(
        open({ port: server.ports.pop3, tls: "none", mechanisms: [mechanism] }),
      ).rejects.toMatchObject({
        name: "AuthError",
        code: expect.stringMatching(/^MW_(INSECURE_AUTH_REFUSED|AUTH_UNSUPPORTED)$/),
      });
    }
  });

  it("fails a wrong password with AuthError, once", async () => {
    await expect(
      open({ auth: { username: server.user().username, password: "wrong-password" } }),
    ).rejects.toMatchObject({
      name: "AuthError",
      code: ErrorCode.AUTH_FAILED,
    });
  });

  it("downloads all 1,000 messages pipelined, byte-identical to the fixture", async () => {
    const client = await open();
    const listing = await client.list();
    expect(listing).toHaveLength(MESSAGE_COUNT);
    const seen = new Map<string, string>();
    for await (const message of client.retrieveMany(
      listing.map((entry) => entry.messageNumber),
      { window: 32 },
    )) {
      const chunks: Buffer[] = [];
      for await (const chunk of message.body) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      // LIST reports the stored size (RFC 1939 §5), before any CRLF the terminator needed.
      expect(listing[message.messageNumber - 1]?.octets).toBe(storedSize.get(messageId(raw)));
      seen.set(messageId(raw), sha256(raw));
    }
    expect(seen).toEqual(expected);
    await client.quit();
  });

  it("downloads all 1,000 messages with retrieveManyBuffers, byte-identical to the fixture", async () => {
    const client = await open();
    const numbers = Array.from({ length: MESSAGE_COUNT }, (_, index) => index + 1);
    const seen = new Map<string, string>();
    for await (const message of client.retrieveManyBuffers(numbers, { window: 32 })) {
      seen.set(messageId(message.body), sha256(message.body));
    }
    expect(seen).toEqual(expected);
    await client.quit();
  });

  it("answers UIDL/LIST singly, in bulk (pipelined) and as lazy iterators consistently; TOP returns headers", async () => {
    const client = await open();
    const all = await client.uidl();
    expect(new Set(all.map((entry) => entry.uniqueId)).size).toBe(MESSAGE_COUNT);
    const some = [1, 2, 500, 999, 1000];
    expect(await client.uidlMany(some)).toEqual(some.map((number) => all[number - 1]));
    expect(await client.uidlMessage(500)).toEqual(all[499]);
    const sizes = await client.listMany(some, { window: 2 });
    expect(sizes.map((entry) => entry.messageNumber)).toEqual(some);
    let first: number | undefined;
    for await (const entry of client.listEntries()) {
      first = entry.messageNumber;
      break; // the rest of the listing is drained; the session stays usable
    }
    expect(first).toBe(1);
    const top = (await client.topBuffer(1, 0)).toString("utf8");
    expect(top).toMatch(/^[\s\S]*Message-ID:/im);
    expect(top.endsWith("\r\n\r\n")).toBe(true);
    await client.noop();
    await client.quit();
  });
});

describeWithDovecot("@mailwire/pop3 DELE/RSET and leave-on-server sync against Dovecot", () => {
  const seed = inboxSeed(12);
  let server: DovecotServer;
  let directory: string;

  beforeAll(async () => {
    server = await startDovecot({ mailbox: seed });
    directory = await mkdtemp(join(tmpdir(), "pop3-sync-"));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  function open(): Promise<Pop3Client> {
    const user = server.user();
    return connectPop3({
      host: server.host,
      port: server.ports.pop3s,
      tlsOptions: { ca: server.caPem },
      auth: { username: user.username, password: user.password },
    });
  }

  it("DELE hides a message, RSET brings it back, QUIT commits, a dropped session does not", async () => {
    let client = await open();
    await client.delete(1);
    expect((await client.stat()).messageCount).toBe(11);
    await expect(client.retrieve(1)).rejects.toMatchObject({ name: "Pop3CommandError", command: "RETR" });
    await client.reset();
    expect((await client.stat()).messageCount).toBe(12);
    await client.deleteMany([1, 2]);
    client.destroy(); // no QUIT: Dovecot must forget the marks (RFC 1939 §6)
    client = await open();
    expect((await client.stat()).messageCount).toBe(12);
    await client.delete(12);
    await client.quit();
    client = await open();
    expect((await client.stat()).messageCount).toBe(11);
    await client.quit();
  });

  it("syncs only new messages, survives a crashing handler without loss or duplicates, deletes old ones", async () => {
    const store = new JsonFileSyncStore(join(directory, "state.json"));
    const delivered: string[] = [];
    let clock = Date.UTC(2026, 0, 1);
    const sync = new LeaveOnServerSync({ store, now: () => clock });

    // Run 1 crashes in the handler of the 5th message: 4 are recorded.
    let client = await open();
    let calls = 0;
    await expect(
      sync.run(client, async (message) => {
        if (++calls === 5) throw new Error("consumer crashed");
        await message.body.toArray();
        delivered.push(message.uniqueId);
      }),
    ).rejects.toThrow("consumer crashed");
    client.destroy();
    expect(delivered).toHaveLength(4);

    // Run 2 resumes with the 5th message and hands over the rest exactly once.
    client = await open();
    const second = await sync.run(client, async (message) => {
      await message.body.toArray();
      delivered.push(message.uniqueId);
    });
    await client.quit();
    expect(second).toMatchObject({ downloaded: 7, alreadySeen: 4, deleted: 0 });
    expect(new Set(delivered).size).toBe(11);
    expect(delivered).toHaveLength(11);

    // Run 3: nothing new. 31 days later with deleteAfterDays 30, everything goes.
    client = await open();
    expect(await sync.run(client, () => {})).toMatchObject({ downloaded: 0, alreadySeen: 11 });
    await client.quit();
    clock += 31 * 86_400_000;
    const expiring = new LeaveOnServerSync({ store, now: () => clock, deleteAfterDays: 30 });
    client = await open();
    expect(await expiring.run(client, () => {})).toMatchObject({ downloaded: 0, deleted: 11 });
    await client.quit();
    client = await open();
    expect((await client.stat()).messageCount).toBe(0);
    expect(await expiring.run(client, () => {})).toMatchObject({ downloaded: 0, forgotten: 11 });
    await client.quit();
    expect((await store.load())?.seen).toEqual({});
  });
});
