import { createHttpClient, type HttpClient } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { type FolderInfo, MapiSession, SessionResetError } from "@mailwire/mapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MapiHttpMailboxTransport } from "../src/index.js";

// End to end: MapiSession over MapiHttpMailboxTransport against exchange-sim's /mapi/emsmdb/
// over HTTPS with NTLMv2 (channel binding), on the shared fixture store.

let sim: ExchangeSim;
let http: HttpClient;

function userDn(): string {
  return `/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${sim.credentials.username}`;
}

function transport(options: { reconnectOnReset?: boolean } = {}): MapiHttpMailboxTransport {
  return new MapiHttpMailboxTransport({
    url: `${sim.origin}/mapi/emsmdb/?MailboxId=${encodeURIComponent(sim.credentials.email)}`,
    userDn: userDn(),
    http,
    ...options,
  });
}

async function control(command: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await http.request({
    method: "POST",
    url: `${sim.origin}/mailwire/mapi/control`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(command),
    expectStatus: 200,
  });
  return (await response.body.json()) as Record<string, unknown>;
}

function folderPaths(folders: readonly FolderInfo[], root: bigint): string[] {
  const byId = new Map(folders.map((f) => [f.folderId, f]));
  const path = (f: FolderInfo): string[] => {
    const parent = byId.get(f.parentFolderId);
    return f.parentFolderId === root || !parent ? [f.displayName] : [...path(parent), f.displayName];
  };
  return folders.map((f) => path(f).join("/")).sort();
}

beforeAll(async () => {
  sim = await startSim({ fixture: { largeMessageBytes: 200_000 } });
  http = createHttpClient({
    credentials: {
      username: sim.credentials.username,
      password: sim.credentials.password,
      domain: sim.credentials.domain,
    },
    tls: { ca: sim.caPem },
  });
});

afterAll(async () => {
  await http?.close();
  await sim?.close();
});

describe("MapiSession over MAPI/HTTP against exchange-sim (NTLM over HTTPS)", () => {
  it("connects with NTLM, logs on, and keeps the session cookies and server application", async () => {
    const t = transport();
    const session = await MapiSession.open({ transport: t, mailboxDn: userDn() });
    expect(t.cookie("MapiContext")).toMatch(/^[0-9a-f]{32}$/);
    expect(t.cookie("MapiSequence")).toBeDefined();
    expect(t.serverApplication).toMatch(/^Exchange\//);
    expect(t.pendingPeriodMs).toBe(15_000);
    expect(session.connectInfo?.displayName).toBe(sim.credentials.username);
    expect(sim.stats.ntlmHandshakes).toBeGreaterThanOrEqual(1);
    await session.close();
    expect(t.connected).toBe(false);
  });

  it("lists the folder tree equal to the fixture's folders, with counts", async () => {
    const session = await MapiSession.open({ transport: transport(), mailboxDn: userDn() });
    const folders = await session.listFolders();
    expect(folderPaths(folders, session.mailbox.folders.ipmSubtree)).toEqual(
      sim.store
        .folders()
        .map((f) => f.path.join("/"))
        .sort(),
    );
    const inbox = folders.find((f) => f.folderId === session.mailbox.folders.inbox);
    const storeInbox = sim.store.specialFolder("inbox");
    expect(inbox?.displayName).toBe("Inbox");
    expect(inbox?.contentCount).toBe(sim.store.messages(storeInbox.id).length);
    expect(inbox?.unreadCount).toBe(sim.store.messages(storeInbox.id).filter((m) => !m.flags.seen).length);
    await session.close();
  });

  it("opens the Inbox and lists 100 messages in one Execute after logon, then pages through all 127", async () => {
    const t = transport();
    const session = await MapiSession.open({ transport: t, mailboxDn: userDn() });
    const before = t.stats.requests;
    const subjects: string[] = [];
    for await (const message of session.listMessages(session.mailbox.folders.inbox, { pageSize: 100 })) {
      subjects.push(message.subject);
      if (subjects.length === 100) expect(t.stats.requests - before).toBe(1);
    }
    const expected = sim.store.messages(sim.store.specialFolder("inbox").id).map((m) => m.fixture.subject);
    expect(expected).toHaveLength(127);
    expect(subjects).toEqual(expected);
    expect(t.stats.requests - before).toBe(2);
    await session.close();
  });

  it("reads a message: subject, sender, body and recipients match the fixture; attachments stream", async () => {
    const session = await MapiSession.open({ transport: transport(), mailboxDn: userDn() });
    const stored = sim.store
      .messages()
      .find(
        (m) =>
          m.fixture.attachments.length > 0 &&
          m.fixture.text &&
          m.fixture.attachments[0]!.bytes.length > 100_000,
      );
    expect(stored).toBeDefined();
    if (!stored) return;
    const folderId = (await session.listFolders()).find((f) => f.displayName === stored.fixture.folder.at(-1))
      ?.folderId as bigint;
    let messageId: bigint | undefined;
    for await (const m of session.listMessages(folderId))
      if (m.subject === stored.fixture.subject) messageId = m.messageId;
    const message = await session.openMessage(folderId, messageId as bigint);
    expect(message.content.subject).toBe(stored.fixture.subject);
    expect(message.content.senderEmailAddress).toBe(stored.fixture.from.address);
    expect(await message.bodyText()).toBe(stored.fixture.text);
    expect(message.content.recipients.filter((r) => r.kind === "to").map((r) => r.emailAddress)).toEqual(
      stored.fixture.to.map((a) => a.address),
    );
    expect(message.content.attachments[0]).toMatchObject({
      fileName: stored.fixture.attachments[0]?.name,
      size: stored.fixture.attachments[0]?.bytes.length,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of message.openAttachmentStream(0)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.from(stored.fixture.attachments[0]!.bytes))).toBe(true);
    expect(chunks.length).toBeGreaterThan(3);
    message.close();
    // Every handle was released (the attachment table with the open batch, the rest on the
    // next batch): only this session's logon is still open on the server.
    await session.setReadFlags(folderId, [], true);
    expect((await control({})).openObjects).toBe(1);
    await session.close();
  });

  it("marks read and unread; the store sees it", async () => {
    const session = await MapiSession.open({ transport: transport(), mailboxDn: userDn() });
    const inbox = session.mailbox.folders.inbox;
    let target: { messageId: bigint; subject: string } | undefined;
    for await (const m of session.listMessages(inbox)) if (!m.read && !target) target = m;
    expect(target).toBeDefined();
    const stored = () =>
      sim.store
        .messages(sim.store.specialFolder("inbox").id)
        .find((m) => m.fixture.subject === target?.subject);
    await session.setReadFlags(inbox, [target!.messageId], true);
    expect(stored()?.flags.seen).toBe(true);
    const message = await session.openMessage(inbox, target!.messageId);
    expect(message.content.read).toBe(true);
    expect(await message.markRead(false)).toBe(true);
    expect(stored()?.flags.seen).toBe(false);
    message.close();
    await session.close();
  });

  it("moves to Deleted Items and deletes; the store sees both", async () => {
    const session = await MapiSession.open({ transport: transport(), mailboxDn: userDn() });
    const { inbox, deletedItems } = session.mailbox.folders;
    const first: { messageId: bigint; subject: string }[] = [];
    for await (const m of session.listMessages(inbox, { pageSize: 2 })) {
      first.push(m);
      if (first.length === 2) break;
    }
    const [a, b] = first as [{ messageId: bigint; subject: string }, { messageId: bigint; subject: string }];
    const storeInbox = sim.store.specialFolder("inbox").id;
    const countBefore = sim.store.messages(storeInbox).length;
    const withSubject = (subject: string) =>
      sim.store.messages(storeInbox).filter((m) => m.fixture.subject === subject).length;
    const sameAsB = withSubject(b.subject);
    await session.moveMessages(inbox, [a.messageId], deletedItems);
    expect(
      sim.store.messages(sim.store.specialFolder("trash").id).some((m) => m.fixture.subject === a.subject),
    ).toBe(true);
    await session.deleteMessages(inbox, [b.messageId]);
    expect(sim.store.messages(storeInbox)).toHaveLength(countBefore - 2);
    expect(withSubject(b.subject)).toBe(sameAsB - 1);
    await session.close();
  });

  it("an expired session: X-ResponseCode 10 → reconnect, SessionResetError, no replay; the next call logs on again", async () => {
    const t = transport();
    const session = await MapiSession.open({ transport: t, mailboxDn: userDn() });
    const inbox = session.mailbox.folders.inbox;
    const executesBefore = (await control({})).executes as number;
    await control({ expireSessions: true });
    const error = await session.setReadFlags(inbox, [], true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionResetError);
    expect(error).toMatchObject({
      reconnected: true,
      code: "MW_CONNECTION",
      retryable: true,
      details: { responseCode: 10 },
    });
    expect(t.stats.reconnects).toBe(1);
    // The expired Execute never reached the ROP engine, and it was not sent again.
    expect((await control({})).executes).toBe(executesBefore);
    const folders = await session.listFolders();
    expect(folders.length).toBe(sim.store.folders().length);
    await session.close();
  });

  it("without reconnectOnReset the error says so and the transport is left disconnected", async () => {
    const t = transport({ reconnectOnReset: false });
    const session = await MapiSession.open({ transport: t, mailboxDn: userDn() });
    await control({ expireSessions: true });
    await expect(session.listFolders()).rejects.toMatchObject({ reconnected: false });
    expect(t.connected).toBe(false);
    await expect(t.execute(Uint8Array.of(2, 0))).rejects.toMatchObject({ code: "MW_CLOSED" });
    // The session connects again itself on its next call, then logs on.
    await expect(session.listFolders()).resolves.toHaveLength(sim.store.folders().length);
    expect(t.connected).toBe(true);
    await session.close();
  });

  it("PENDING keep-alives on a slow Execute are read through", async () => {
    const t = transport();
    const session = await MapiSession.open({ transport: t, mailboxDn: userDn() });
    await control({ keepAlives: 3, pendingPeriodMs: 30 });
    try {
      const folders = await session.listFolders();
      expect(folders.length).toBe(sim.store.folders().length);
      expect(t.stats.pendingKeepAlives).toBe(3);
      expect(t.pendingPeriodMs).toBe(30);
    } finally {
      await control({ keepAlives: 0, pendingPeriodMs: 15_000 });
    }
    await session.close();
  });

  it("concurrent operations on one session are queued, so the MapiSequence cookie never races", async () => {
    const t = transport();
    const session = await MapiSession.open({ transport: t, mailboxDn: userDn() });
    const inbox = session.mailbox.folders.inbox;
    const ids: bigint[] = [];
    for await (const m of session.listMessages(inbox, { pageSize: 8 })) {
      ids.push(m.messageId);
      if (ids.length === 8) break;
    }
    const messages = await Promise.all(ids.map((id) => session.openMessage(inbox, id)));
    expect(messages.map((m) => m.content.messageId)).toEqual(ids);
    for (const m of messages) m.close();
    await session.close();
  });

  it("PING and NotificationWait", async () => {
    const t = transport();
    await t.ping();
    await t.connect();
    expect(await t.waitForNotifications()).toBe(false);
    await t.disconnect();
  });
});
