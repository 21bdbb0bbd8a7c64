import { buffer } from "node:stream/consumers";
import type { FixtureMessage } from "@mailwire/fixtures";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MailboxErrorCode } from "../../src/errors.js";
import type { FolderInfo, FolderRole, Mailbox, MailEvent, MessageSummary } from "../../src/mailbox.js";

// One contract every adapter passes, against the real server behind it (exchange-sim or
// Dovecot) seeded with the shared fixture mailbox. Tests run in order: reads first, then the
// tests that change the mailbox, each on its own message, then watch.

export interface ContractSetup {
  /** Opens a Mailbox on the seeded server (called once). */
  open(): Promise<Mailbox>;
  /** The Inbox's fixture messages in the order `list` must return them. */
  inbox(): readonly FixtureMessage[];
  /** Roles `folders()` must report. */
  readonly roles: readonly FolderRole[];
  /** Delivers a message with this subject into the Inbox over another connection. */
  deliver(subject: string): Promise<void>;
  /** Whether the adapter sends by itself (EWS), without an injected `send`. */
  readonly canSend: boolean;
  /** Polling interval for protocols that poll (POP3) or compare folders (MAPI). */
  readonly pollIntervalMs?: number;
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

/** The first Inbox message with a text body and a real (non-inline) attachment. */
function knownMessage(inbox: readonly FixtureMessage[]): FixtureMessage {
  const found = inbox.find((m) => m.text !== undefined && m.attachments.some((a) => !a.inline));
  if (!found) throw new Error("the fixture Inbox has no message with a text body and an attachment");
  return found;
}

export function mailboxContract(setup: ContractSetup): void {
  let mailbox: Mailbox;
  let folders: FolderInfo[];
  let inboxId: string;
  let listed: MessageSummary[];

  const byRole = (role: FolderRole): FolderInfo => {
    const folder = folders.find((f) => f.role === role);
    if (!folder) throw new Error(`no ${role} folder`);
    return folder;
  };
  /** The listed summary of a fixture message (subject and date identify it). */
  const summaryOf = (message: FixtureMessage): MessageSummary => {
    const found = listed.find(
      (s) => s.subject === message.subject && s.date?.getTime() === message.date.getTime(),
    );
    if (!found) throw new Error(`fixture message ${message.id} not listed`);
    return found;
  };

  beforeAll(async () => {
    mailbox = await setup.open();
    folders = await mailbox.folders();
    inboxId = byRole("inbox").id;
  });
  afterAll(async () => {
    await mailbox?.close();
  });

  it("folders: every role is found, ids are printable, paths start at the root", () => {
    for (const role of setup.roles) expect(byRole(role).path.length, role).toBeGreaterThan(0);
    for (const folder of folders) {
      expect(folder.id).toMatch(/^[\x21-\x7e]+$/);
      if (folder.parentId !== undefined) {
        const parent = folders.find((f) => f.id === folder.parentId);
        expect(parent, folder.name).toBeDefined();
        expect(folder.path.slice(0, -1)).toEqual(parent?.path);
      }
    }
    expect(new Set(folders.map((f) => f.id)).size).toBe(folders.length);
  });

  it("list: pages through the Inbox in order, as many as the fixture holds", async () => {
    listed = await all(mailbox.list(inboxId, { pageSize: 7 }));
    const expected = setup.inbox();
    expect(listed.map((s) => s.subject)).toEqual(expected.map((m) => m.subject));
    expect(listed.map((s) => s.date?.getTime())).toEqual(expected.map((m) => m.date.getTime()));
    expect(listed.map((s) => s.read)).toEqual(
      expected.map((m) => (mailbox.capabilities.markRead ? m.flags.seen : false)),
    );
    expect(new Set(listed.map((s) => s.id)).size).toBe(listed.length);
    for (const summary of listed) {
      expect(summary.id).toMatch(/^[\x21-\x7e]+$/);
      expect(summary.folderId).toBe(inboxId);
    }
    const first = listed[0];
    expect(first?.from?.address).toBe(expected[0]?.from.address);
    // Stopping early is allowed and leaves the mailbox usable.
    for await (const _ of mailbox.list(inboxId, { pageSize: 3 })) break;
  });

  it("read: subject, text body, headers and attachments of a known message; attachment bytes", async () => {
    const known = knownMessage(setup.inbox());
    const detail = await mailbox.read(summaryOf(known).id);
    expect(detail.subject).toBe(known.subject);
    expect(detail.from?.address).toBe(known.from.address);
    expect(detail.to.map((a) => a.address)).toEqual(known.to.map((a) => a.address));
    expect(detail.text?.replace(/\r\n/g, "\n").trim()).toBe(known.text?.trim());
    expect(detail.attachments.map((a) => a.name)).toEqual(known.attachments.map((a) => a.name));
    const pdf = known.attachments.find((a) => !a.inline);
    const info = detail.attachments.find((a) => a.name === pdf?.name);
    if (!pdf || !info) throw new Error("attachment missing");
    const bytes = await buffer(await mailbox.openAttachment(detail.id, info.id));
    expect(Buffer.compare(bytes, Buffer.from(pdf.bytes))).toBe(0);
    if (detail.headers.length > 0) {
      expect(detail.headers.find(([name]) => name.toLowerCase() === "message-id")?.[1]).toBe(known.messageId);
    }
  });

  it("search: subject and sender find exactly the matching Inbox messages", async () => {
    const known = knownMessage(setup.inbox());
    const word = known.subject.split(/\s+/).find((w) => w.length >= 4) ?? known.subject;
    const expected = setup
      .inbox()
      .filter(
        (m) =>
          m.subject.toLowerCase().includes(word.toLowerCase()) &&
          m.from.address.toLowerCase().includes(known.from.address.toLowerCase()),
      );
    const found = await all(
      mailbox.search(inboxId, { subject: word, from: known.from.address }, { pageSize: 5 }),
    );
    expect(found.map((s) => s.subject).sort()).toEqual(expected.map((m) => m.subject).sort());
    expect(found.length).toBeGreaterThan(0);
    const none = await all(mailbox.search(inboxId, { subject: "no such subject 7f3e9a" }));
    expect(none).toEqual([]);
  });

  it("markRead: a round trip shows in list and read (or a typed refusal)", async () => {
    const target = listed[2] as MessageSummary;
    if (!mailbox.capabilities.markRead) {
      await expect(mailbox.markRead([target.id], true)).rejects.toMatchObject({
        code: MailboxErrorCode.UNSUPPORTED_OPERATION,
        protocol: mailbox.protocol,
      });
      return;
    }
    for (const read of [!target.read, target.read]) {
      await mailbox.markRead([target.id], read);
      expect((await mailbox.read(target.id)).read).toBe(read);
      const again = (await all(mailbox.list(inboxId, { pageSize: 50 }))).find((s) => s.id === target.id);
      expect(again?.read).toBe(read);
    }
  });

  it("move: the message leaves the Inbox and appears in the target (or a typed refusal)", async () => {
    const target = listed[3] as MessageSummary;
    if (!mailbox.capabilities.move) {
      await expect(mailbox.move([target.id], inboxId)).rejects.toMatchObject({
        code: MailboxErrorCode.UNSUPPORTED_OPERATION,
      });
      return;
    }
    const archive = folders.find((f) => f.path.join("/") === "Archive/2024");
    if (!archive) throw new Error("no Archive/2024 folder");
    await mailbox.move([target.id], archive.id);
    const inbox = await all(mailbox.list(inboxId));
    expect(
      inbox.some((s) => s.subject === target.subject && s.date?.getTime() === target.date?.getTime()),
    ).toBe(false);
    expect(inbox).toHaveLength(listed.length - 1);
    const moved = await all(mailbox.list(archive.id));
    expect(
      moved.some((s) => s.subject === target.subject && s.date?.getTime() === target.date?.getTime()),
    ).toBe(true);
  });

  it("delete: the message is gone from the Inbox", async () => {
    const target = listed[4] as MessageSummary;
    const before = (await all(mailbox.list(inboxId))).length;
    await mailbox.delete([target.id]);
    const after = await all(mailbox.list(inboxId));
    expect(after).toHaveLength(before - 1);
    expect(after.some((s) => s.id === target.id)).toBe(false);
  });

  it("send: capabilities tell; a protocol that cannot send refuses with a typed error", async () => {
    expect(mailbox.capabilities.send).toBe(setup.canSend);
    if (setup.canSend) return; // sending is tested per adapter, it changes other folders
    await expect(
      mailbox.send({ to: [{ address: "bob@contoso.example" }], subject: "x" }),
    ).rejects.toMatchObject({
      code: MailboxErrorCode.UNSUPPORTED_OPERATION,
      protocol: mailbox.protocol,
      step: "send",
    });
  });

  it("an aborted signal stops list and read with MW_ABORTED, naming protocol and step", async () => {
    const aborted = AbortSignal.abort();
    await expect(all(mailbox.list(inboxId, { signal: aborted }))).rejects.toMatchObject({
      code: "MW_ABORTED",
      protocol: mailbox.protocol,
      step: "list",
    });
    await expect(mailbox.read(listed[0]?.id ?? "", { signal: aborted })).rejects.toMatchObject({
      code: "MW_ABORTED",
      protocol: mailbox.protocol,
      step: "read",
    });
    // The mailbox is still usable afterwards.
    expect((await mailbox.folders()).length).toBeGreaterThan(0);
  });

  it("a signal that fires during a list leaves the mailbox usable", async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const stopped = await (async () => {
      for await (const summary of mailbox.list(inboxId, { pageSize: 2, signal: controller.signal })) {
        seen.push(summary.id);
        controller.abort();
      }
    })().catch((error: unknown) => error);
    expect(seen.length).toBeGreaterThan(0);
    expect(stopped).toMatchObject({ code: "MW_ABORTED", protocol: mailbox.protocol });
    const again = await all(mailbox.list(inboxId, { pageSize: 50 }));
    expect(again.length).toBeGreaterThan(0);
  });

  it("rejects ids from elsewhere with a typed error", async () => {
    await expect(mailbox.read("not-an-id")).rejects.toMatchObject({ code: MailboxErrorCode.INVALID_ID });
  });

  it("watch: sees a message delivered by another connection", async () => {
    const controller = new AbortController();
    const subject = `contract watch ${mailbox.protocol} ${Date.now()}`;
    const events: MailEvent[] = [];
    const iterator = mailbox
      .watch({ folderId: inboxId, signal: controller.signal, pollIntervalMs: setup.pollIntervalMs ?? 500 })
      [Symbol.asyncIterator]();
    // The first next() starts the watcher (subscription, baseline); deliver once it is running.
    const first = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await setup.deliver(subject);
    const deadline = setTimeout(() => controller.abort(), 20_000);
    try {
      let result = await first;
      while (!result.done) {
        events.push(result.value);
        if (result.value.type === "new") break;
        result = await iterator.next();
      }
    } finally {
      clearTimeout(deadline);
      controller.abort();
      await iterator.return?.(undefined).catch(() => undefined);
    }
    const event = events.find((e) => e.type === "new");
    expect(event).toMatchObject({ type: "new", folderId: inboxId });
    if (event?.type === "new" && event.messageId !== undefined) {
      expect((await mailbox.read(event.messageId)).subject).toBe(subject);
    }
  }, 40_000);
}
