import { createHash } from "node:crypto";
import { buffer } from "node:stream/consumers";
import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { fixtureMailbox } from "@mailwire/fixtures";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { connectImap, type ImapConnectOptions, type ImapSession, type MessageSummary } from "../src/index.js";
import { dovecotImapsOptions } from "./support/dovecot-options.js";

const MESSAGE_COUNT = 1000;
const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

describeWithDovecot("@mailwire/imap mailbox model against Dovecot (1,000-message fixture)", () => {
  const fixture = fixtureMailbox({ messageCount: MESSAGE_COUNT, largeMessageBytes: 0 });
  const dovecot = useDovecot({ mailbox: fixture });
  let session: ImapSession;
  let scratch: ImapSession;

  const options = (role: "fixture" | "second"): ImapConnectOptions => dovecotImapsOptions(dovecot(), role);

  beforeAll(async () => {
    session = await connectImap(options("fixture"));
    scratch = await connectImap(options("second"));
  });
  afterAll(async () => {
    await session?.close();
    await scratch?.close();
  });

  it("lists folders with special-use roles and STATUS counts matching the fixture", async () => {
    const folders = await session.listFolders();
    const byPath = new Map(folders.map((folder) => [folder.path, folder]));
    expect(byPath.get("INBOX")?.role).toBe("inbox");
    expect(byPath.get("Drafts")?.role).toBe("drafts");
    expect(byPath.get("Sent Items")?.role).toBe("sent");
    expect(byPath.get("Deleted Items")?.role).toBe("trash");
    expect(byPath.get("Junk Email")?.role).toBe("junk");
    expect(byPath.get("Sent Items")?.roleSource).toBe("server");
    expect(byPath.has("Kundenprojekte – Übersicht/東京")).toBe(true);
    const counts = dovecot().user("fixture").messageCounts;
    for (const [path, count] of Object.entries(counts)) {
      expect(byPath.get(path)?.counts?.messages, path).toBe(count);
    }
    expect(byPath.get("INBOX")?.counts?.highestModseq).toBeTypeOf("bigint");
  });

  it("pages through INBOX newest first, each summary with envelope, flags, size and UID", async () => {
    const expected = dovecot().user("fixture").messageCounts.INBOX ?? 0;
    const seen: MessageSummary[] = [];
    for await (const summary of session.messages("INBOX", { pageSize: 97 })) seen.push(summary);
    expect(seen).toHaveLength(expected);
    for (let index = 1; index < seen.length; index++) {
      expect((seen[index] as MessageSummary).uid).toBeLessThan((seen[index - 1] as MessageSummary).uid);
    }
    const byMessageId = new Map(fixture.messages.map((message) => [message.messageId, message]));
    for (const summary of seen.slice(0, 50)) {
      const source = byMessageId.get(summary.envelope.messageId ?? "");
      expect(source, summary.envelope.messageId).toBeDefined();
      expect(summary.size).toBe(source?.size);
      expect(summary.envelope.subject).toBe(source?.subject);
      expect(summary.flags.includes("\\Seen")).toBe(source?.flags.seen);
    }
  });

  it("downloads whole messages byte-identical to the fixture's raw", async () => {
    const byMessageId = new Map(fixture.messages.map((message) => [message.messageId, message]));
    let checked = 0;
    for await (const summary of session.messages("INBOX", { pageSize: 40, order: "oldest" })) {
      const source = byMessageId.get(summary.envelope.messageId ?? "");
      if (source === undefined) throw new Error("unknown message");
      const bytes = await buffer(await session.download("INBOX", summary.uid));
      expect(sha256(bytes)).toBe(sha256(source.raw));
      if (++checked === 40) break;
    }
    expect(checked).toBe(40);
  });

  it("a UID that does not exist is ClosedError for download and downloadPart, and the folder lock is released", async () => {
    const missing = 4_000_000_000;
    await expect(session.download("INBOX", missing)).rejects.toMatchObject({ name: "ClosedError" });
    await expect(session.downloadPart("INBOX", missing, "1")).rejects.toMatchObject({
      name: "ClosedError",
      details: { uid: missing, part: "1" },
    });
    expect(await session.search("INBOX", { uid: "1:3" }, { timeoutMs: 5_000 })).toEqual([1, 2, 3]);
  });

  it("consecutive calls on one folder keep one mailbox lock; another folder's call is not starved by the loop", async () => {
    const uids = await session.search("INBOX", { uid: "1:30" });
    const sent = await session.search("Sent Items", { all: true });
    expect(uids.length).toBe(30);
    expect(sent.length).toBeGreaterThan(0);
    const expected = new Map<number, string>();
    for (const uid of uids) expected.set(uid, sha256(await buffer(await session.download("INBOX", uid))));
    const expectedSent = sha256(await buffer(await session.download("Sent Items", sent[0] as number)));

    const locks = vi.spyOn(session.client, "getMailboxLock");
    try {
      for (const uid of uids.slice(0, 10)) await buffer(await session.download("INBOX", uid));
      // Ten downloads awaited one after another: the lock taken for the first is kept for all.
      expect(locks.mock.calls.length).toBeLessThanOrEqual(1);

      locks.mockClear();
      const order: string[] = [];
      const loop = (async () => {
        for (const uid of uids) {
          expect(sha256(await buffer(await session.download("INBOX", uid)))).toBe(expected.get(uid));
          order.push(`inbox ${uid}`);
        }
        order.push("loop done");
      })();
      const other = (async () => {
        await new Promise((resolve) => setImmediate(resolve));
        const bytes = await buffer(await session.download("Sent Items", sent[0] as number));
        expect(sha256(bytes)).toBe(expectedSent);
        order.push("sent done");
      })();
      await Promise.all([loop, other]);
      // The call on the other folder waited for at most the download in progress, not the loop.
      expect(order.indexOf("sent done")).toBeLessThan(order.indexOf("loop done") - 5);
      expect(order.filter((entry) => entry.startsWith("inbox"))).toHaveLength(30);
    } finally {
      locks.mockRestore();
    }
  });

  it("a kept mailbox lock is free again one turn after the call, for imapflow calls made directly", async () => {
    const [uid] = await session.search("INBOX", { uid: "1" });
    await buffer(await session.download("INBOX", uid as number));
    const lock = await Promise.race([
      session.client.getMailboxLock("INBOX"),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("lock still held")), 5_000)),
    ]);
    lock.release();
    // And the session goes on after someone else held the lock.
    expect(await session.search("INBOX", { uid: "1:3" })).toEqual([1, 2, 3]);
  });

  it("body structure and a single attachment part, decoded", async () => {
    const withAttachment = fixture.messages.find(
      (message) => message.folder.join("/") === "Inbox" && message.attachments.some((part) => !part.inline),
    );
    if (withAttachment === undefined) throw new Error("fixture has no INBOX message with an attachment");
    const [uid] = await session.search("INBOX", { header: { "message-id": withAttachment.messageId } });
    expect(uid).toBeTypeOf("number");
    const root = await session.bodyStructure("INBOX", uid as number);
    const parts: { part: string | undefined; filename: string | undefined }[] = [];
    const walk = (node: typeof root): void => {
      parts.push({ part: node.part, filename: node.dispositionParameters.filename ?? node.parameters.name });
      for (const child of node.children) walk(child);
    };
    walk(root);
    const attachment = withAttachment.attachments.find((part) => !part.inline);
    const target = parts.find((entry) => entry.filename === attachment?.name);
    expect(target?.part).toBeDefined();
    const download = await session.downloadPart("INBOX", uid as number, target?.part as string);
    const bytes = await buffer(download.content);
    expect(sha256(bytes)).toBe(sha256(attachment?.bytes as Uint8Array));
  });

  it("searches by subject", async () => {
    const message = fixture.messages.find(
      (entry) => entry.folder.join("/") === "Inbox" && /^[\x20-\x7e]{8,}$/.test(entry.subject),
    );
    if (message === undefined) throw new Error("no ASCII subject in INBOX");
    const uids = await session.search("INBOX", { subject: message.subject });
    expect(uids.length).toBeGreaterThan(0);
    const summaries: MessageSummary[] = [];
    for await (const summary of session.messages("INBOX", { uids })) summaries.push(summary);
    expect(summaries.some((summary) => summary.envelope.messageId === message.messageId)).toBe(true);
  });

  it("append (from a stream), flag, copy, move and delete", async () => {
    const raw = Buffer.from(
      "From: a@mailwire.test\r\nTo: b@mailwire.test\r\nSubject: appended\r\nMessage-ID: <append-1@mailwire.test>\r\n\r\nhello\r\n",
    );
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield raw.subarray(0, 10);
      yield raw.subarray(10);
    }
    const appended = await scratch.append("INBOX", chunks(), { flags: ["\\Seen"] });
    expect(appended.uid).toBeTypeOf("number");
    const uid = appended.uid as number;
    expect(sha256(await buffer(await scratch.download("INBOX", uid)))).toBe(sha256(raw));

    await scratch.setFlags("INBOX", [uid], "add", ["\\Flagged"]);
    const [flagged] = await scratch.search("INBOX", { flagged: true });
    expect(flagged).toBe(uid);
    await scratch.setFlags("INBOX", [uid], "remove", ["\\Flagged"]);
    expect(await scratch.search("INBOX", { flagged: true })).toEqual([]);

    const copied = await scratch.copy("INBOX", [uid], "Drafts");
    expect(copied.get(uid)).toBeTypeOf("number");
    const moved = await scratch.move("Drafts", [copied.get(uid) as number], "Junk Email");
    expect(moved.size).toBe(1);
    expect(await scratch.search("Drafts", { all: true })).toEqual([]);
    expect(await scratch.search("Junk Email", { all: true })).toHaveLength(1);

    await scratch.delete("INBOX", [uid]);
    expect(await scratch.search("INBOX", { all: true })).toEqual([]);
  });
});
