import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { fixtureMailbox } from "@mailwire/fixtures";
import { afterAll, beforeAll, expect, it } from "vitest";
import { requireBuiltCli, runCliProcess } from "./spawn-cli.js";

// The CLI end to end on IMAP and POP3 against a real Dovecot (servers given by hand, as in
// Outlook's manual POP/IMAP setup), with SMTP submission for sending: exchange-sim's
// listener, set up with the same account, stands in for the submission server.

describeWithDovecot("mailbox CLI against Dovecot", () => {
  const fixture = fixtureMailbox({ messageCount: 30, largeMessageBytes: 0 });
  const dovecot = useDovecot({ mailbox: fixture });
  let smtp: ExchangeSim;
  let home: string;
  let caFile: string;
  let env: NodeJS.ProcessEnv;
  let account: { username: string; address: string; password: string };

  beforeAll(async () => {
    requireBuiltCli();
    const user = dovecot().user("fixture");
    account = { username: user.username, address: user.address, password: user.password };
    smtp = await startSim({
      credentials: { username: user.username, password: user.password, email: user.address },
      fixture: { messageCount: 1, largeMessageBytes: 0 },
    });
    home = await mkdtemp(join(tmpdir(), "mailbox-dovecot-"));
    caFile = join(home, "ca.pem");
    // One file, both CAs: Dovecot's for IMAP/POP3, the sim's for SMTP.
    await writeFile(caFile, `${dovecot().caPem}\n${smtp.caPem}`);
    env = { MAILBOX_HOME: home, MAILBOX_PASSWORD: user.password };
  });
  afterAll(async () => {
    await smtp?.close();
    await rm(home, { recursive: true, force: true });
  });

  const inboxCount = () => fixture.messages.filter((m) => m.folder.join("/") === "Inbox").length;

  it("connect over IMAP with servers given by hand, list, read, sync, then send through SMTP", {
    timeout: 90_000,
  }, async () => {
    const server = dovecot();
    const connect = await runCliProcess(
      [
        "connect",
        account.address,
        "--username",
        account.username,
        "--imap",
        `${server.host}:${server.ports.imaps}:tls`,
        "--smtp",
        `${smtp.smtp.host}:${smtp.smtp.port}:starttls`,
        "--ca-file",
        caFile,
        "--name",
        "imap",
        "--json",
      ],
      env,
    );
    expect(connect.code, connect.stderr).toBe(0);
    expect(connect.json()[0]).toMatchObject({
      protocol: "imap",
      attempts: [
        { protocol: "mapi-http", outcome: "no-endpoint" },
        { protocol: "rpc-http", outcome: "no-endpoint" },
        { protocol: "ews", outcome: "no-endpoint" },
        { protocol: "imap", outcome: "connected" },
      ],
      smtp: { port: smtp.smtp.port, encryption: "starttls" },
    });

    const list = await runCliProcess(["list", "inbox", "--all", "--json"], env);
    expect(list.code, list.stderr).toBe(0);
    const messages = (list.json() as { type: string; id: string; subject: string }[]).filter(
      (r) => r.type === "message",
    );
    expect(messages).toHaveLength(inboxCount());
    const read = await runCliProcess(["read", messages[0]?.id as string], env);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain(`Subject: ${messages[0]?.subject}`);

    const sync = await runCliProcess(["sync", "--folder", "inbox", "--json"], env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.json().at(-1)).toMatchObject({ type: "done", listed: inboxCount() });

    const send = await runCliProcess(
      [
        "send",
        "--to",
        account.address,
        "--subject",
        "sent from an IMAP account",
        "--text",
        "via SMTP",
        "--json",
      ],
      env,
    );
    expect(send.code, send.stderr).toBe(0);
    expect(send.json()[0]).toMatchObject({ type: "send", queued: false, protocol: "imap" });
    expect(smtp.smtp.deliveries.at(-1)?.recipients).toEqual([account.address]);
    expect(smtp.store.messages().some((m) => m.fixture.subject === "sent from an IMAP account")).toBe(true);
  });

  it("POP3 forced: the one Inbox, listed and read", { timeout: 90_000 }, async () => {
    const server = dovecot();
    const connect = await runCliProcess(
      [
        "connect",
        account.address,
        "--username",
        account.username,
        "--pop3",
        `${server.host}:${server.ports.pop3s}:tls`,
        "--protocol",
        "pop3",
        "--ca-file",
        caFile,
        "--name",
        "pop3",
      ],
      env,
    );
    expect(connect.code, connect.stderr).toBe(0);
    expect(connect.stdout).toMatch(/pop3 +connected/);
    const folders = (await runCliProcess(["folders", "--profile", "pop3", "--json"], env)).json()[0] as {
      folders: { role?: string }[];
    };
    expect(folders.folders.map((f) => f.role)).toEqual(["inbox"]);
    const list = await runCliProcess(["list", "inbox", "--profile", "pop3", "--limit", "3", "--json"], env);
    expect(list.code, list.stderr).toBe(0);
    const first = list.json()[0] as { id: string };
    const read = await runCliProcess(["read", first.id, "--profile", "pop3", "--json"], env);
    expect(read.code, read.stderr).toBe(0);
    expect(read.json()[0]).toMatchObject({ type: "message", source: "server" });
  });
});
