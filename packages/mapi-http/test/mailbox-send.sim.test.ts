import { createHttpClient, type HttpClient } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { compressRtf, type MapiNotification, MapiSession } from "@mailwire/mapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MapiHttpMailboxTransport } from "../src/index.js";

// End to end over MAPI/HTTP against exchange-sim (its own instance: these tests add messages):
// sending a message through the sim's ROP engine, and reading a message whose only body is
// PidTagRtfCompressed.

let sim: ExchangeSim;
let http: HttpClient;

const userDn = () =>
  `/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${sim.credentials.username}`;

async function open(): Promise<{ session: MapiSession; transport: MapiHttpMailboxTransport }> {
  const transport = new MapiHttpMailboxTransport({
    url: `${sim.origin}/mapi/emsmdb/?MailboxId=${encodeURIComponent(sim.credentials.email)}`,
    userDn: userDn(),
    http,
  });
  return { session: await MapiSession.open({ transport, mailboxDn: userDn() }), transport };
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

async function find(session: MapiSession, folderId: bigint, subject: string) {
  for await (const m of session.listMessages(folderId)) if (m.subject === subject) return m;
  return undefined;
}

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 40, largeMessageBytes: 0 } });
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

describe("sending and RTF-only messages over MAPI/HTTP against exchange-sim", () => {
  it("sends a message in one Execute: it is found in Sent Items, and mail to oneself arrives in the Inbox", async () => {
    const { session, transport } = await open();
    const inboxBefore = sim.store.messages(sim.store.specialFolder("inbox").id).length;
    const before = transport.stats.requests;
    const sent = await session.sendMessage({
      subject: "MAPI send e2e",
      to: [{ address: "someone@example.test", name: "Someone" }, { address: sim.credentials.email }],
      body: "Sent over MAPI/HTTP",
      attachments: [{ fileName: "note.txt", mimeType: "text/plain", data: new TextEncoder().encode("hi") }],
    });
    expect(transport.stats.requests - before).toBe(1);
    const { sentItems, inbox, outbox } = session.mailbox.folders;
    const listed = await find(session, sentItems, "MAPI send e2e");
    expect(listed?.messageId).toBe(sent.messageId);
    expect(listed?.hasAttachments).toBe(true);
    expect(await find(session, outbox, "MAPI send e2e")).toBeUndefined();
    const message = await session.openMessage(sentItems, sent.messageId);
    expect(await message.bodyText()).toBe("Sent over MAPI/HTTP");
    expect(message.content.recipients.map((r) => r.emailAddress)).toEqual([
      "someone@example.test",
      sim.credentials.email,
    ]);
    expect(message.content.attachments[0]).toMatchObject({ fileName: "note.txt", size: 2 });
    const chunks: Buffer[] = [];
    for await (const chunk of message.openAttachmentStream(0)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("hi");
    message.close();
    // The shared store saw it too (what EWS and IMAP read), and the copy for the user arrived.
    const stored = sim.store
      .messages(sim.store.specialFolder("sent").id)
      .find((m) => m.fixture.subject === "MAPI send e2e");
    expect(stored?.fixture.attachments[0]?.name).toBe("note.txt");
    expect(Buffer.from(stored?.raw ?? []).toString()).toContain("Subject: MAPI send e2e");
    expect(sim.store.messages(sim.store.specialFolder("inbox").id)).toHaveLength(inboxBefore + 1);
    expect((await find(session, inbox, "MAPI send e2e"))?.read).toBe(false);
    await session.close();
  });

  it("sends a message with a 100 KB attachment in several Executes", async () => {
    const { session } = await open();
    const data = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) % 251);
    const sent = await session.sendMessage({
      subject: "MAPI large send",
      to: [{ address: "someone@example.test" }],
      html: "<p>see attachment</p>",
      attachments: [{ fileName: "data.bin", data }],
    });
    expect(sent.executes).toBeGreaterThan(2);
    const message = await session.openMessage(session.mailbox.folders.sentItems, sent.messageId);
    expect(new TextDecoder().decode(await message.bodyHtml())).toBe("<p>see attachment</p>");
    const chunks: Buffer[] = [];
    for await (const chunk of message.openAttachmentStream(0)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.from(data))).toBe(true);
    message.close();
    await session.setReadFlags(session.mailbox.folders.inbox, [], true);
    // Everything was released: only the logon is open on the server.
    expect((await control({})).openObjects).toBe(1);
    await session.close();
  });

  it("receives a new-mail notification through NotificationWait (with PENDING keep-alives while it waits)", async () => {
    await control({ pendingPeriodMs: 100, notificationWaitMs: 10_000 });
    const { session: watcher, transport } = await open();
    const { session: sender } = await open();
    try {
      const inbox = watcher.mailbox.folders.inbox;
      const controller = new AbortController();
      const received: MapiNotification[] = [];
      const watching = (async () => {
        for await (const n of watcher.notifications({ signal: controller.signal })) {
          received.push(n);
          break;
        }
      })();
      // Let the watcher register and park its NotificationWait through a few keep-alives.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(received).toHaveLength(0);
      await sender.sendMessage({
        subject: "Notify me",
        to: [{ address: sim.credentials.email }],
        body: "ping",
      });
      await watching;
      expect(received[0]).toMatchObject({ kind: "newMail", folderId: inbox, messageClass: "IPM.Note" });
      expect(transport.stats.pendingKeepAlives).toBeGreaterThan(0);
      const message = await watcher.openMessage(inbox, received[0]?.messageId as bigint);
      expect(message.content.subject).toBe("Notify me");
      message.close();
    } finally {
      await control({ pendingPeriodMs: 15_000, notificationWaitMs: 1_000 });
      await watcher.close();
      await sender.close();
    }
  });

  it("pages through a 500-message Inbox with QueryRows, in order, one Execute per page of at most 100 rows", async () => {
    const inboxFolder = sim.store.specialFolder("inbox");
    const template = sim.store.messages(inboxFolder.id)[0]?.fixture;
    if (template === undefined) throw new Error("the fixture Inbox is empty");
    const missing = 500 - sim.store.messages(inboxFolder.id).length;
    for (let i = 0; i < missing; i++) {
      sim.store.addMessage(inboxFolder.id, { ...template, subject: `Bulk ${i}` });
    }
    const expected = sim.store.messages(inboxFolder.id).map((m) => m.fixture.subject);
    expect(expected.length).toBeGreaterThanOrEqual(500);
    const { session, transport } = await open();
    const before = transport.stats.requests;
    const subjects: string[] = [];
    // sortOrders: [] keeps the store's order (no RopSortTable), which `expected` follows.
    for await (const m of session.listMessages(session.mailbox.folders.inbox, {
      pageSize: 100,
      sortOrders: [],
    })) {
      subjects.push(m.subject);
    }
    expect(subjects).toEqual(expected);
    // At most 100 rows per page; the sim may return fewer when a page would not fit its buffer.
    expect(transport.stats.requests - before).toBeGreaterThanOrEqual(Math.ceil(expected.length / 100));
    expect(transport.stats.requests - before).toBeLessThanOrEqual(Math.ceil(expected.length / 50));
    await session.close();
  });

  it("reads a message whose only body is PidTagRtfCompressed: HTML de-encapsulated, plain RTF as text", async () => {
    const htmlRtf =
      "{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss Arial;}}" +
      "{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Rich \\'e9t\\'e9\\htmlrtf\\par\\htmlrtf0 {\\*\\htmltag72 </p>}\\htmlrtf }\\htmlrtf0 }";
    await control({ addRtfOnlyMessage: { subject: "RTF only (html)", rtf: htmlRtf } });
    await control({
      addRtfOnlyMessage: {
        subject: "RTF only (text)",
        rtf: "{\\rtf1\\ansi\\pard Plain \\b rich\\b0  text\\par}",
      },
    });
    const { session } = await open();
    const inbox = session.mailbox.folders.inbox;
    const html = await find(session, inbox, "RTF only (html)");
    const text = await find(session, inbox, "RTF only (text)");
    const first = await session.openMessage(inbox, html?.messageId as bigint);
    expect(first.content.body.kind).toBe("absent");
    expect(first.content.html.kind).toBe("absent");
    expect(new TextDecoder().decode(await first.bodyHtml())).toBe("<p>Rich été</p>");
    expect((await first.bodyRtf())?.rtf).toEqual(new Uint8Array(Buffer.from(htmlRtf, "latin1")));
    const second = await session.openMessage(inbox, text?.messageId as bigint);
    expect(await second.bodyText()).toBe("Plain rich text\r\n");
    first.close();
    second.close();
    // An RTF-only message with an attachment, stored through MAPI itself, then copied (the
    // RTF travels with the copy) and read back.
    const rtf = new Uint8Array(
      Buffer.from(
        "{\\rtf1\\ansi\\fromhtml1 {\\*\\htmltag64 <p>}See the file{\\*\\htmltag72 </p>}}",
        "latin1",
      ),
    );
    const saved = await session.saveMessage(session.mailbox.folders.sentItems, {
      subject: "RTF with attachment",
      rtfCompressed: compressRtf(rtf),
      attachments: [{ fileName: "a.bin", data: Uint8Array.of(1, 2, 3) }],
    });
    await session.moveMessages(session.mailbox.folders.sentItems, [saved.messageId], inbox, { copy: true });
    const copy = await find(session, inbox, "RTF with attachment");
    const third = await session.openMessage(inbox, copy?.messageId as bigint);
    expect(third.content.body.kind).toBe("absent");
    expect(new TextDecoder().decode(await third.bodyHtml())).toBe("<p>See the file</p>");
    expect(third.content.attachments.map((a) => a.fileName)).toEqual(["a.bin"]);
    const chunks: Buffer[] = [];
    for await (const chunk of third.openAttachmentStream(0)) chunks.push(chunk as Buffer);
    expect([...Buffer.concat(chunks)]).toEqual([1, 2, 3]);
    third.close();
    await session.close();
  });
});
