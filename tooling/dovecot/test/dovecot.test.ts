import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { fixtureMailbox } from "@mailwire/fixtures";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type MailboxSeed, mailboxName, startDovecot } from "../src/index.js";
import { isAlive, processTree } from "../src/processes.js";
import type { DovecotServer } from "../src/start-dovecot.js";
import { describeWithDovecot } from "../src/vitest.js";
import { LineClient } from "./support/line-client.js";

// The whole default fixture mailbox, large message included, as other packages' tests get it.
const seed: MailboxSeed = fixtureMailbox();
const inboxMessages = seed.messages.filter((message) => mailboxName(message.folder) === "INBOX");
const decoder = new TextDecoder();

function messageId(raw: Uint8Array): string | undefined {
  return /^Message-ID:\s*(<[^>]+>)/im.exec(decoder.decode(raw))?.[1];
}

function quoted(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function saslPlain(username: string, password: string): string {
  return Buffer.from(`\0${username}\0${password}`, "utf8").toString("base64");
}

describeWithDovecot("Dovecot harness", () => {
  let server: DovecotServer;
  const open: LineClient[] = [];

  async function connect(port: keyof DovecotServer["ports"]): Promise<LineClient> {
    const tls = port === "imaps" || port === "pop3s";
    const client = await LineClient.connect({
      host: server.host,
      port: server.ports[port],
      ...(tls ? { ca: server.caPem } : {}),
    });
    open.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await startDovecot({ mailbox: seed });
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await server?.stop();
  });

  it("serves IMAP over implicit TLS and accepts LOGIN", async () => {
    const imap = await connect("imaps");
    expect(imap.encrypted).toBe(true);
    expect(await imap.readLine()).toMatch(/^\* OK /);
    const user = server.user();
    const login = await imap.imap("a1", `LOGIN ${quoted(user.username)} ${quoted(user.password)}`);
    expect(login.at(-1)).toMatch(/^a1 OK /);
    // Post-login capabilities include what the sync code relies on.
    const capability = (await imap.imap("a2", "CAPABILITY")).join("\n");
    for (const name of ["CONDSTORE", "QRESYNC", "SPECIAL-USE", "IDLE", "UIDPLUS", "MOVE"]) {
      expect(capability).toContain(name);
    }
  });

  it("refuses LOGIN on cleartext IMAP until STARTTLS, then accepts it", async () => {
    expect(server.cleartextRequiresTls).toBe(true);
    const imap = await connect("imap");
    const greeting = await imap.readLine();
    expect(greeting).toContain("STARTTLS");
    expect(greeting).toContain("LOGINDISABLED");
    const user = server.user();
    const refused = await imap.imap("a1", `LOGIN ${quoted(user.username)} ${quoted(user.password)}`);
    expect(refused.at(-1)).toMatch(/^a1 NO \[PRIVACYREQUIRED\]/);
    expect((await imap.imap("a2", "STARTTLS")).at(-1)).toMatch(/^a2 OK/);
    await imap.startTls(server.host, server.caPem);
    const capability = (await imap.imap("a3", "CAPABILITY")).join("\n");
    expect(capability).not.toContain("LOGINDISABLED");
    expect(capability).toContain("AUTH=PLAIN");
    const login = await imap.imap("a4", `LOGIN ${quoted(user.username)} ${quoted(user.password)}`);
    expect(login.at(-1)).toMatch(/^a4 OK /);
  });

  it("accepts AUTHENTICATE PLAIN, also with a non-ASCII password, and rejects a wrong one", async () => {
    const imap = await connect("imaps");
    await imap.readLine();
    const unicode = server.user("unicode");
    expect(unicode.password).toMatch(/[^\x00-\x7f]/);
    const wrong = await imap.imap("a1", `AUTHENTICATE PLAIN ${saslPlain(unicode.username, "wrong")}`);
    expect(wrong.at(-1)).toMatch(/^a1 NO /);
    const right = await imap.imap(
      "a2",
      `AUTHENTICATE PLAIN ${saslPlain(unicode.username, unicode.password)}`,
    );
    expect(right.at(-1)).toMatch(/^a2 OK /);
  });

  it("does not hold logins back after failed ones (Dovecot's auth penalty is off)", async () => {
    const user = server.user("second");
    for (const tag of ["b1", "b2"]) {
      const imap = await connect("imaps");
      await imap.readLine();
      expect((await imap.imap(tag, `LOGIN ${quoted(user.username)} "wrong"`)).at(-1)).toMatch(/ NO /);
    }
    const imap = await connect("imaps");
    await imap.readLine();
    const started = Date.now();
    expect((await imap.imap("b3", `LOGIN ${quoted(user.username)} ${quoted(user.password)}`)).at(-1)).toMatch(
      / OK /,
    );
    // The penalty would be at least 2 s (AUTH_PENALTY_INIT_SECS), doubling with each failure.
    expect(Date.now() - started).toBeLessThan(1_900);
  });

  it("shows the seeded INBOX, folders and flags", async () => {
    const imap = await connect("imaps");
    await imap.readLine();
    const user = server.user();
    await imap.imap("a1", `AUTHENTICATE PLAIN ${saslPlain(user.username, user.password)}`);
    const select = await imap.imap("a2", "SELECT INBOX (CONDSTORE)");
    expect(select).toContain(`* ${inboxMessages.length} EXISTS`);
    expect(select.at(-1)).toMatch(/^a2 OK \[READ-WRITE\]/);

    // UIDs follow the seed's order.
    const first = inboxMessages[0]!;
    const header = (await imap.imap("a3", "FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")).join(
      "\n",
    );
    expect(header).toContain(messageId(first.raw));
    expect(header.includes("\\Seen")).toBe(first.flags?.seen === true);

    const list = (await imap.imap("a4", 'LIST "" "*" RETURN (SPECIAL-USE)')).join("\n");
    expect(list).toMatch(/\\Sent[^\n]*"Sent Items"/);
    expect(list).toMatch(/\\Trash[^\n]*"Deleted Items"/);
    expect(list).toMatch(/\\Junk[^\n]*"Junk Email"/);
    expect(list).toMatch(/\\Drafts[^\n]*Drafts/);
    expect(list).toContain('"/" INBOX/Projects');
    // RFC 3501 5.1.3: non-ASCII names travel in modified UTF-7.
    expect(list).toContain('"Kundenprojekte &IBM- &ANw-bersicht/&Z3FOrA-"');
    const lsub = (await imap.imap("a5", 'LSUB "" "*"')).join("\n");
    expect(lsub).toContain('"Sent Items"');
  });

  it("serves POP3 over implicit TLS: USER/PASS, STAT, UIDL", async () => {
    const pop3 = await connect("pop3s");
    expect(await pop3.readLine()).toMatch(/^\+OK /);
    const user = server.user();
    expect((await pop3.pop3(`USER ${user.username}`))[0]).toMatch(/^\+OK/);
    expect((await pop3.pop3(`PASS ${user.password}`))[0]).toMatch(/^\+OK/);
    const totalSize = inboxMessages.reduce((sum, message) => sum + message.raw.byteLength, 0);
    expect((await pop3.pop3("STAT"))[0]).toBe(`+OK ${inboxMessages.length} ${totalSize}`);
    const uidl = (await pop3.pop3("UIDL", true)).slice(1);
    expect(uidl).toHaveLength(inboxMessages.length);
    expect(new Set(uidl.map((line) => line.split(" ")[1])).size).toBe(inboxMessages.length);
    expect((await pop3.pop3("QUIT"))[0]).toMatch(/^\+OK/);
  });

  it("accepts APOP with the greeting's timestamp (RFC 1939 section 7)", async () => {
    const pop3 = await connect("pop3s");
    const greeting = await pop3.readLine();
    const timestamp = /<[^>]+>/.exec(greeting)?.[0];
    expect(timestamp).toBeDefined();
    const user = server.user();
    const digest = createHash("md5").update(`${timestamp}${user.password}`, "utf8").digest("hex");
    expect((await pop3.pop3(`APOP ${user.username} ${digest}`))[0]).toMatch(/^\+OK/);
    expect((await pop3.pop3("STAT"))[0]).toMatch(new RegExp(`^\\+OK ${inboxMessages.length} `));
  });

  it("refuses USER/PASS on cleartext POP3 until STLS", async () => {
    const pop3 = await connect("pop3");
    await pop3.readLine();
    const capa = (await pop3.pop3("CAPA", true)).join("\n");
    expect(capa).toContain("STLS");
    const user = server.user("second");
    const refused = [
      ...(await pop3.pop3(`USER ${user.username}`)),
      ...(await pop3.pop3(`PASS ${user.password}`)),
    ];
    expect(refused.some((line) => line.startsWith("-ERR"))).toBe(true);
    expect((await pop3.pop3("STLS"))[0]).toMatch(/^\+OK/);
    await pop3.startTls(server.host, server.caPem);
    expect((await pop3.pop3(`USER ${user.username}`))[0]).toMatch(/^\+OK/);
    expect((await pop3.pop3(`PASS ${user.password}`))[0]).toMatch(/^\+OK/);
    expect((await pop3.pop3("STAT"))[0]).toBe("+OK 0 0");
  });

  it("stop() leaves no process and no temp dir behind", async () => {
    const tree = processTree(server.pid);
    expect(tree.length).toBeGreaterThan(3);
    for (const client of open) client.close();
    await server.stop();
    expect(tree.filter(isAlive)).toEqual([]);
    expect(existsSync(server.directory)).toBe(false);
    await server.stop(); // idempotent
  });
});
