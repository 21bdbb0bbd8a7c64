import { describe, expect, it } from "vitest";
import {
  compressRtf,
  DraftTags,
  folderServerId,
  MapiRopError,
  MapiSession,
  SessionTags,
} from "../src/index.js";
import { fakeMailbox, INBOX, SENT } from "./fake/fake-mailbox.js";
import { FakeTransport } from "./fake/fake-transport.js";
import { FakeRopEngine } from "./fake/rop-engine.js";

async function setup() {
  const engine = new FakeRopEngine(fakeMailbox(3));
  const transport = new FakeTransport(engine);
  const session = await MapiSession.open({ transport, mailboxDn: "/o=Fake/cn=Recipients/cn=fake" });
  return { engine, transport, session };
}

const ropsOf = (engine: FakeRopEngine, index: number) => engine.requests.at(index)?.map((r) => r.rop);

describe("MapiSession: creating and submitting messages", () => {
  it("sends a small message in one Execute; the copy lands in Sent Items and mail to oneself in the Inbox", async () => {
    const { session, engine, transport } = await setup();
    const before = transport.executes;
    const sent = await session.sendMessage({
      subject: "Hello",
      to: [{ address: "bob@example.test", name: "Bob" }, { address: engine.userAddress }],
      cc: [{ address: "carol@example.test" }],
      body: "Hi Bob",
      html: "<p>Hi Bob</p>",
      attachments: [
        { fileName: "a.txt", mimeType: "text/plain", data: new TextEncoder().encode("attached") },
      ],
    });
    expect(transport.executes - before).toBe(1);
    expect(sent.executes).toBe(1);
    expect(ropsOf(engine, -1)).toEqual([
      "RopCreateMessage",
      "RopSetProperties",
      "RopModifyRecipients",
      "RopCreateAttachment",
      "RopSetProperties",
      "RopOpenStream",
      "RopWriteStream",
      "RopCommitStream",
      "RopRelease",
      "RopSaveChangesAttachment",
      "RopRelease",
      "RopSaveChangesMessage",
      "RopSubmitMessage",
      "RopRelease",
    ]);
    const create = engine.requests.at(-1)?.[0];
    expect(create).toMatchObject({ rop: "RopCreateMessage", folderId: session.mailbox.folders.outbox });
    const setProps = engine.requests.at(-1)?.[1];
    expect(setProps?.rop === "RopSetProperties" && setProps.propertyValues).toContainEqual({
      tag: DraftTags.PidTagSentMailServerId,
      value: folderServerId(SENT),
    });
    const copy = engine.mailbox.messages.find((m) => m.id === sent.messageId);
    expect(copy).toMatchObject({ folderId: SENT, subject: "Hello", body: "Hi Bob" });
    expect(new TextDecoder().decode(copy?.html)).toBe("<p>Hi Bob</p>");
    expect(copy?.recipients.map((r) => [r.type, r.emailAddress])).toEqual([
      [1, "bob@example.test"],
      [1, engine.userAddress],
      [2, "carol@example.test"],
    ]);
    expect(new TextDecoder().decode(copy?.attachments[0]?.data)).toBe("attached");
    expect(engine.submitted).toHaveLength(1);
    const delivered = engine.mailbox.messages.filter((m) => m.folderId === INBOX && m.subject === "Hello");
    expect(delivered).toHaveLength(1);
    // Every handle the batch opened was released in it: only the logon is left.
    expect(engine.liveHandles).toBe(1);
    // And it reads back like any other message.
    const message = await session.openMessage(SENT, sent.messageId);
    expect(await message.bodyText()).toBe("Hi Bob");
    message.close();
  });

  it("streams large bodies and attachments over several Executes of at most 24 KiB of data", async () => {
    const { session, engine } = await setup();
    const big = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
    const body = "long text ".repeat(3000); // 60,000 bytes as UTF-16
    const sent = await session.sendMessage({
      subject: "Large",
      to: [{ address: "bob@example.test" }],
      body,
      attachments: [{ fileName: "big.bin", data: big }],
    });
    const batches = engine.requests.slice(-sent.executes);
    expect(batches[0]?.map((r) => r.rop)).toEqual([
      "RopCreateMessage",
      "RopSetProperties",
      "RopModifyRecipients",
      "RopCreateAttachment",
      "RopSetProperties",
      "RopOpenStream",
      "RopOpenStream",
    ]);
    const writes = batches.slice(1, -1);
    expect(writes.every((b) => b.every((r) => r.rop === "RopWriteStream"))).toBe(true);
    for (const batch of writes) {
      const bytes = batch.reduce((n, r) => n + (r.rop === "RopWriteStream" ? r.data.length : 0), 0);
      expect(bytes).toBeLessThanOrEqual(24 * 1024);
    }
    expect(sent.executes).toBe(2 + Math.ceil((60_000 + 70_000) / (24 * 1024)));
    expect(batches.at(-1)?.map((r) => r.rop)).toContain("RopSubmitMessage");
    const copy = engine.mailbox.messages.find((m) => m.id === sent.messageId);
    expect(copy?.body).toBe(body);
    expect(copy?.attachments[0]?.data).toEqual(big);
    expect(engine.liveHandles).toBe(1);
  });

  it("saves without submitting; an RTF-only message reads back through bodyHtml", async () => {
    const { session, engine } = await setup();
    const rtf = new TextEncoder().encode(
      "{\\rtf1\\ansi\\fromhtml1 {\\*\\htmltag64 <p>}RTF{\\*\\htmltag72 </p>}}",
    );
    const saved = await session.saveMessage(INBOX, { subject: "Draft", rtfCompressed: compressRtf(rtf) });
    expect(engine.submitted).toHaveLength(0);
    expect(ropsOf(engine, -1)).not.toContain("RopSubmitMessage");
    const message = await session.openMessage(INBOX, saved.messageId);
    expect(message.content.body.kind).toBe("absent");
    expect(new TextDecoder().decode(await message.bodyHtml())).toBe("<p>RTF</p>");
    message.close();
  });

  it("a refused property or a failed save is a MapiRopError; nothing is saved, every handle is released", async () => {
    const { session, engine } = await setup();
    const count = engine.mailbox.messages.length;
    await expect(session.sendMessage({ subject: "x", to: [{ address: "not-an-address" }] })).rejects.toThrow(
      /not an SMTP address/,
    );
    engine.refuseProperty = SessionTags.PidTagSubject;
    // Large enough to need several Executes: the refusal stops it after the first.
    const big = { fileName: "big.bin", data: new Uint8Array(50_000) };
    const refused = await session.sendMessage({ subject: "x", attachments: [big] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MapiRopError);
    expect(refused).toMatchObject({ rop: "RopSetProperties", returnValue: 0x80070005 });
    expect(ropsOf(engine, -1)?.[0]).toBe("RopCreateMessage");
    engine.refuseProperty = undefined;
    engine.failSave = 0x80004005;
    const failed = await session.sendMessage({ subject: "y", body: "small" }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ rop: "RopSaveChangesMessage", returnValue: 0x80004005 });
    expect(engine.mailbox.messages).toHaveLength(count);
    expect(engine.submitted).toHaveLength(0);
    // The refused message's handles ride out with the next batch; the failed save's batch
    // released its own.
    await session.listFolders();
    expect(engine.liveKinds.sort()).toEqual(["folder", "logon", "table"]); // listFolders' own, released next time
  });
});
