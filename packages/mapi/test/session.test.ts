import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { ClosedError } from "@mailwire/core";
import { describe, expect, it } from "vitest";
import {
  compressRtf,
  decodeRopRequestBuffer,
  LogonRedirectError,
  MapiRopError,
  MapiSession,
  type MessageSummary,
  SessionResetError,
} from "../src/index.js";
import { DELETED, fakeMailbox, INBOX, PROJECTS, SENT } from "./fake/fake-mailbox.js";
import { FakeTransport } from "./fake/fake-transport.js";
import { type FakeMessage, FakeRopEngine } from "./fake/rop-engine.js";

async function setup(count = 127) {
  const engine = new FakeRopEngine(fakeMailbox(count));
  const transport = new FakeTransport(engine);
  const session = await MapiSession.open({ transport, mailboxDn: "/o=Fake/cn=Recipients/cn=alice" });
  return { engine, transport, session };
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("MapiSession over a scripted EMSMDB transport", () => {
  it("logs on to the private mailbox and exposes the special folders", async () => {
    const { session, transport, engine } = await setup();
    expect(transport.connects).toBe(1);
    expect(session.mailbox.folders.inbox).toBe(INBOX);
    expect(session.mailbox.folders.sentItems).toBe(SENT);
    const logon = engine.requests[0]?.[0];
    expect(logon).toMatchObject({
      rop: "RopLogon",
      logonFlags: 0x01,
      essdn: "/o=Fake/cn=Recipients/cn=alice",
    });
  });

  it("turns a logon redirect into LogonRedirectError with the server name", async () => {
    const engine = new FakeRopEngine(fakeMailbox(0));
    engine.redirectTo = "exch02.example.test";
    const transport = new FakeTransport(engine);
    const error = await MapiSession.open({ transport, mailboxDn: "/o=x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogonRedirectError);
    expect((error as LogonRedirectError).serverName).toBe("exch02.example.test");
  });

  it("reads the folder tree with one Execute (OpenFolder + hierarchy table + SetColumns + QueryRows)", async () => {
    const { session, transport } = await setup();
    const before = transport.executes;
    const folders = await session.listFolders();
    expect(transport.executes - before).toBe(1);
    expect(folders.map((f) => f.displayName)).toEqual(["Inbox", "Projects", "Sent Items", "Deleted Items"]);
    const inbox = folders.find((f) => f.folderId === INBOX);
    expect(inbox).toMatchObject({ contentCount: 127, unreadCount: 63, hasSubfolders: true });
    expect(folders.find((f) => f.folderId === PROJECTS)?.parentFolderId).toBe(INBOX);
  });

  it("pages the folder tree when it is bigger than a page", async () => {
    const { session, transport } = await setup();
    const before = transport.executes;
    const folders = await session.listFolders({ pageSize: 3 });
    expect(folders).toHaveLength(4);
    expect(transport.executes - before).toBe(2);
  });

  it("opens the Inbox and lists 100 messages, newest first, in one Execute after logon", async () => {
    const { session, transport, engine } = await setup();
    const before = transport.executes;
    const first: MessageSummary[] = [];
    for await (const message of session.listMessages(INBOX, { pageSize: 100 })) {
      first.push(message);
      if (first.length === 100) break;
    }
    expect(transport.executes - before).toBe(1);
    expect(engine.requests.at(-1)?.map((r) => r.rop)).toEqual([
      "RopOpenFolder",
      "RopGetContentsTable",
      "RopSetColumns",
      "RopSortTable",
      "RopQueryRows",
    ]);
    // The fake's delivery times grow with the index, so newest first is 126, 125, ...
    expect(first[5]).toMatchObject({
      subject: "Message 121",
      senderName: "Alice",
      read: false,
      messageId: 0x100079n,
    });
    expect(first[4]?.read).toBe(true);
    expect(first[0]?.deliveryTime).toBeInstanceOf(Date);
  });

  it("pages through 127 messages with QueryRows and releases the table and folder afterwards", async () => {
    const { session, transport, engine } = await setup();
    const messages = await all(session.listMessages(INBOX, { pageSize: 50 }));
    expect(messages.map((m) => m.subject)).toEqual(
      Array.from({ length: 127 }, (_, i) => `Message ${126 - i}`),
    );
    // 50 + 50 + 27 rows: the last page ends at BOOKMARK_END, so no empty QueryRows follows.
    expect(engine.requests.slice(-3).map((b) => b.map((r) => r.rop))).toEqual([
      ["RopOpenFolder", "RopGetContentsTable", "RopSetColumns", "RopSortTable", "RopQueryRows"],
      ["RopQueryRows"],
      ["RopQueryRows"],
    ]);
    const live = engine.liveHandles;
    await session.listFolders();
    // The next batch carried the two releases: table and folder are gone, only the logon and
    // the folder tree's releases (queued again) remain outstanding. The third RopRelease is the
    // Inbox that batch opened to read the special-folder entry ids.
    const releases = engine.requests.at(-1)?.filter((r) => r.rop === "RopRelease") ?? [];
    expect(releases).toHaveLength(3);
    expect(engine.liveHandles).toBeLessThanOrEqual(live);
    expect(transport.executes).toBeGreaterThan(0);
  });

  it("releases an abandoned iterator's table with the next batch", async () => {
    const { session, engine } = await setup();
    for await (const _ of session.listMessages(INBOX, { pageSize: 10 })) break;
    await session.setReadFlags(INBOX, [0x100001n], true);
    const last = engine.requests.at(-1) ?? [];
    expect(last.map((r) => r.rop)).toEqual([
      "RopOpenFolder",
      "RopSetReadFlags",
      "RopRelease",
      "RopRelease",
      "RopRelease",
    ]);
    expect(engine.liveHandles).toBe(1); // the logon
  });

  it("opens a message in one Execute: properties, recipients, attachment table", async () => {
    const { session, transport } = await setup();
    const before = transport.executes;
    const message = await session.openMessage(INBOX, 0x100000n);
    expect(transport.executes - before).toBe(1);
    expect(message.content).toMatchObject({ subject: "Message 0", senderName: "Alice", read: true });
    expect(message.content.body).toEqual({ kind: "inline", value: "Body of message 0" });
    expect(new TextDecoder().decode(await message.bodyHtml())).toBe("<p>Hello</p>");
    expect(message.content.recipients).toEqual([
      { rowId: 0, kind: "to", displayName: "Bob", emailAddress: "bob@example.test" },
      { rowId: 1, kind: "cc", displayName: "Carol", emailAddress: "carol@example.test" },
    ]);
    expect(message.content.attachments).toEqual([
      {
        attachmentNumber: 0,
        fileName: "big.bin",
        size: 100_000,
        mimeType: "application/octet-stream",
        contentId: undefined,
      },
    ]);
    message.close();
  });

  it("streams an attachment with OpenAttachment/OpenStream/ReadStream", async () => {
    const { session, engine } = await setup();
    const message = await session.openMessage(INBOX, 0x100000n, { streamChunkSize: 30_000 });
    const chunks: Buffer[] = [];
    for await (const chunk of message.openAttachmentStream(0)) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    expect(data.length).toBe(100_000);
    expect(data.every((b, k) => b === k % 251)).toBe(true);
    expect(chunks.length).toBe(4);
    await message[Symbol.asyncDispose]();
    await session.setReadFlags(INBOX, [], true);
    expect(engine.liveHandles).toBe(1);
  });

  it("reads a body over the size limit as a stream", async () => {
    const { session } = await setup();
    const message = await session.openMessage(INBOX, 0x100001n);
    expect(message.content.body).toEqual({ kind: "stream" });
    expect(await message.bodyText()).toBe("long body ".repeat(5000));
    message.close();
  });

  it("an RTF-only message: bodyHtml de-encapsulates PidTagRtfCompressed, bodyText reads plain RTF", async () => {
    const { session, engine, transport } = await setup(4);
    const [htmlOnly, plain, none] = engine.mailbox.messages.slice(1) as [
      FakeMessage,
      FakeMessage,
      FakeMessage,
    ];
    htmlOnly.rtfCompressed = compressRtf(
      new TextEncoder().encode("{\\rtf1\\ansi\\fromhtml1 {\\*\\htmltag64 <p>}Hi \\'e9{\\*\\htmltag72 </p>}}"),
    );
    plain.rtfCompressed = compressRtf(new TextEncoder().encode("{\\rtf1\\ansi\\pard Just text\\par}"));
    const first = await session.openMessage(INBOX, htmlOnly.id);
    expect(first.content.body.kind).toBe("absent");
    expect(first.content.html.kind).toBe("absent");
    const before = transport.executes;
    expect(new TextDecoder().decode(await first.bodyHtml())).toBe("<p>Hi é</p>");
    expect(await first.bodyText()).toBeUndefined();
    expect((await first.bodyRtf())?.format).toBe("html");
    // The RTF stream was read once (OpenStream + ReadStream in one Execute), then remembered.
    expect(transport.executes - before).toBe(1);
    const second = await session.openMessage(INBOX, plain.id);
    expect(await second.bodyText()).toBe("Just text\r\n");
    expect(await second.bodyHtml()).toBeUndefined();
    // A message with text but no RTF never asks for the RTF.
    const third = await session.openMessage(INBOX, none.id);
    const count = transport.executes;
    expect(await third.bodyText()).toBe("Body of message 3");
    expect(await third.bodyHtml()).toBeUndefined();
    expect(transport.executes).toBe(count);
    for (const m of [first, second, third]) m.close();
  });

  it("marks read and unread (SetReadFlags, SetMessageReadFlag)", async () => {
    const { session, engine } = await setup();
    await session.setReadFlags(INBOX, [0x100001n, 0x100003n], true);
    expect(engine.mailbox.messages.find((m) => m.id === 0x100001n)?.read).toBe(true);
    const message = await session.openMessage(INBOX, 0x100002n);
    expect(await message.markRead(false)).toBe(true);
    expect(engine.mailbox.messages.find((m) => m.id === 0x100002n)?.read).toBe(false);
    message.close();
    await expect(message.markRead(true)).rejects.toBeInstanceOf(ClosedError);
  });

  it("moves, copies and deletes messages in one batch each", async () => {
    const { session, engine, transport } = await setup();
    const before = transport.executes;
    await session.moveMessages(INBOX, [0x100004n], DELETED);
    expect(transport.executes - before).toBe(1);
    expect(engine.mailbox.messages.find((m) => m.id === 0x100004n)?.folderId).toBe(DELETED);
    await session.moveMessages(INBOX, [0x100005n], SENT, { copy: true });
    expect(engine.mailbox.messages.filter((m) => m.subject === "Message 5").map((m) => m.folderId)).toEqual([
      INBOX,
      SENT,
    ]);
    await session.deleteMessages(INBOX, [0x100006n]);
    expect(engine.mailbox.messages.some((m) => m.id === 0x100006n)).toBe(false);
    await session.deleteMessages(INBOX, [0x100007n], { hard: true });
    expect(engine.mailbox.messages.some((m) => m.id === 0x100007n)).toBe(false);
    expect(engine.liveHandles).toBe(1);
  });

  it("reports a failed ROP as MapiRopError with its ReturnValue", async () => {
    const { session } = await setup();
    const error = await session.openMessage(INBOX, 0x999n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MapiRopError);
    expect((error as MapiRopError).returnValue).toBe(0x8004010f);
    expect((error as MapiRopError).rop).toBe("RopOpenMessage");
  });

  it("after a session reset: rethrows, never replays the batch, and logs on again on the next call", async () => {
    const { session, transport, engine } = await setup();
    const iterator = session.listMessages(INBOX, { pageSize: 1 });
    await iterator.next();
    transport.expireNext = true;
    const sentBefore = transport.sent.length;
    const error = await session.deleteMessages(INBOX, [0x100008n]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionResetError);
    expect((error as SessionResetError).reconnected).toBe(true);
    expect(transport.sent.length - sentBefore).toBe(1); // sent once, not again
    expect(engine.mailbox.messages.some((m) => m.id === 0x100008n)).toBe(true);
    // The open table belonged to the old context.
    await expect(iterator.next()).rejects.toBeInstanceOf(SessionResetError);
    // The next call logs on again first.
    await session.deleteMessages(INBOX, [0x100008n]);
    const batches = engine.requests.slice(-2).map((b) => b[0]?.rop);
    expect(batches).toEqual(["RopLogon", "RopOpenFolder"]);
    expect(engine.mailbox.messages.some((m) => m.id === 0x100008n)).toBe(false);
  });

  it("after a reset the transport could not recover from, the next call connects and logs on again", async () => {
    const { session, transport } = await setup();
    transport.expireNext = true;
    transport.reconnectOnExpiry = false;
    await expect(session.listFolders()).rejects.toMatchObject({ reconnected: false });
    expect(transport.connects).toBe(1);
    await expect(session.listFolders()).resolves.toHaveLength(4);
    expect(transport.connects).toBe(2);
  });

  it("concurrent calls after a reset share one RopLogon", async () => {
    const { session, transport, engine } = await setup();
    transport.expireNext = true;
    await expect(session.listFolders()).rejects.toBeInstanceOf(SessionResetError);
    const before = engine.requests.length;
    await Promise.all([session.listFolders(), session.setReadFlags(INBOX, [], true), session.listFolders()]);
    const logons = engine.requests.slice(before).filter((batch) => batch[0]?.rop === "RopLogon");
    expect(logons).toHaveLength(1);
  });

  it("publishes each Execute's ROP names on mailwire:mapi:execute", async () => {
    const { session } = await setup();
    const events: unknown[] = [];
    const listener = (message: unknown) => events.push(message);
    subscribe("mailwire:mapi:execute", listener);
    try {
      await session.setReadFlags(INBOX, [], true);
    } finally {
      unsubscribe("mailwire:mapi:execute", listener);
    }
    expect(events).toEqual([
      { rops: ["RopOpenFolder", "RopSetReadFlags", "RopRelease"], bytes: expect.any(Number) },
    ]);
  });

  it("sends nothing once closed and disconnects once", async () => {
    const { session, transport } = await setup();
    await session.close();
    await session.close();
    expect(transport.disconnects).toBe(1);
    await expect(session.listFolders()).rejects.toBeInstanceOf(ClosedError);
    // close() released the logon handle in its last batch.
    const last = transport.sent.at(-1) as Uint8Array;
    expect(decodeRopRequestBuffer(last).rops.map((r) => r.rop)).toEqual(["RopRelease"]);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const { session, transport } = await setup();
    const before = transport.executes;
    await expect(session.listFolders({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "MW_ABORTED",
    });
    expect(transport.executes).toBe(before);
  });
});
