import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EwsClient, readCalendarDetails, readContactDetails, readTaskDetails } from "../src/index.js";
import { simEwsClient } from "./support/sim-client.js";

// CreateAttachment/DeleteAttachment, ArchiveItem, ExportItems/UploadItems (streamed both ways),
// ExpandDL, GetUserAvailability and calendar/contact/task updates, end to end against
// exchange-sim over the shared store.

let sim: ExchangeSim;
let client: EwsClient;

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 20, largeMessageBytes: 0 } });
  client = simEwsClient(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});

const inboxMessages = () => sim.store.messages(sim.store.specialFolder("inbox").id);

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("attachments", () => {
  it("adds attachments from bytes and from a stream, lists and downloads them, deletes one", async () => {
    const target = inboxMessages()[0];
    if (!target) throw new Error("no message");
    const before = await client.getItem({ id: target.id }, { shape: { baseShape: "AllProperties" } });
    const seeded = before.attachments?.length ?? 0;

    const small = new Uint8Array([0, 1, 2, 253, 254, 255, 10, 13]);
    const results = await client.createAttachments(before.itemId, [
      { name: "a <&> b.bin", content: small, contentType: "application/octet-stream" },
      { name: "notes.txt", content: Buffer.from("hello"), contentType: "text/plain", isInline: false },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const [first] = results;
    if (!first?.ok) throw new Error("create failed");
    expect(first.value.rootItemId?.id).toBe(target.id);
    expect(first.value.rootItemId?.changeKey).not.toBe(before.itemId.changeKey);

    // 1 MB in 7-byte chunks: the base64 groups straddle every chunk boundary.
    const big = Buffer.alloc(1_000_003, 0);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const chunks = function* () {
      for (let at = 0; at < big.length; at += 65_537) yield big.subarray(at, at + 65_537);
    };
    const [streamed] = await client.createAttachments(before.itemId, [
      { name: "big.bin", content: Readable.from(chunks()) },
    ]);
    if (!streamed?.ok) throw new Error("streamed create failed");

    const after = await client.getItem({ id: target.id }, { shape: { baseShape: "AllProperties" } });
    expect(after.attachments?.map((a) => a.name).slice(seeded)).toEqual([
      "a <&> b.bin",
      "notes.txt",
      "big.bin",
    ]);
    const download = await client.downloadAttachment(streamed.value.attachmentId);
    const bytes = await collect(download.content);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(
      createHash("sha256").update(big).digest("hex"),
    );
    expect(await collect((await client.downloadAttachment(first.value.attachmentId)).content)).toEqual(
      Buffer.from(small),
    );

    const deleted = await client.deleteAttachments([first.value.attachmentId, `${target.id}:a999`]);
    expect(deleted[0]).toMatchObject({ ok: true, value: { rootItemId: { id: target.id } } });
    expect(deleted[1]).toMatchObject({
      ok: false,
      responseClass: "Error",
      responseCode: "ErrorInvalidAttachmentId",
    });
    const final = await client.getItem({ id: target.id }, { shape: { baseShape: "AllProperties" } });
    expect(final.attachments?.map((a) => a.name).slice(seeded)).toEqual(["notes.txt", "big.bin"]);
  });

  it("refuses a streamed attachment next to others, and reports a bad parent per attachment", async () => {
    await expect(
      client.createAttachments({ id: "msg-0001" }, [
        { name: "x", content: Readable.from([Buffer.from("a")]) },
        { name: "y", content: new Uint8Array(1) },
      ]),
    ).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
    const [result] = await client.createAttachments({ id: "msg-9999" }, [
      { name: "x", content: new Uint8Array(1) },
    ]);
    expect(result).toMatchObject({ ok: false, responseCode: "ErrorItemNotFound" });
  });
});

describe("ArchiveItem", () => {
  it("moves items from the source folder to the archive; an item elsewhere fails on its own", async () => {
    const [one, two] = inboxMessages();
    const drafts = sim.store.messages(sim.store.specialFolder("drafts").id)[0];
    if (!one || !two) throw new Error("no messages");
    const ids = [{ id: one.id }, { id: two.id }, ...(drafts ? [{ id: drafts.id }] : [])];
    const results = await client.archiveItems(ids, "inbox");
    expect(results.slice(0, 2).map((r) => r.ok)).toEqual([true, true]);
    if (drafts) expect(results[2]).toMatchObject({ ok: false, responseCode: "ErrorItemNotFound" });
    const archive = sim.store.folderByPath(["In-Place Archive"]);
    expect(sim.store.message(one.id).folderId).toBe(archive?.id);
    expect(sim.store.message(two.id).folderId).toBe(archive?.id);
  });
});

describe("ExportItems / UploadItems", () => {
  it("exports items as streams and uploads them back (bytes and stream), per-item errors typed", async () => {
    const [a, b] = inboxMessages();
    if (!a || !b) throw new Error("no messages");
    const exported: Array<{ id: string; data: Buffer }> = [];
    const failed: string[] = [];
    for await (const result of client.exportItems([{ id: a.id }, { id: "msg-9998" }, { id: b.id }])) {
      if (result.ok) exported.push({ id: result.value.itemId.id, data: await collect(result.value.data) });
      else failed.push(result.responseCode);
    }
    expect(exported.map((e) => e.id)).toEqual([a.id, b.id]);
    expect(failed).toEqual(["ErrorItemNotFound"]);
    expect(exported[0]?.data).toEqual(Buffer.from(a.raw));
    expect(exported[1]?.data).toEqual(Buffer.from(b.raw));
    await expect(client.exportItem({ id: "msg-9998" })).rejects.toMatchObject({
      code: "MW_PROTOCOL",
      details: { responseCode: "ErrorItemNotFound" },
    });

    const drafts = await client.getFolder("drafts");
    const [fromBytes, badAction] = await client.uploadItems([
      { parentFolder: drafts.folderId, data: exported[0]?.data ?? new Uint8Array() },
      { parentFolder: { id: "fld-nope" }, data: new Uint8Array([1, 2, 3]) },
    ]);
    if (!fromBytes?.ok || !fromBytes.value) throw new Error("upload failed");
    expect(Buffer.from(sim.store.message(fromBytes.value.id).raw)).toEqual(Buffer.from(a.raw));
    expect(badAction).toMatchObject({ ok: false, responseCode: "ErrorFolderNotFound" });

    const source = exported[1]?.data ?? Buffer.alloc(0);
    const [fromStream] = await client.uploadItems([
      {
        parentFolder: drafts.folderId,
        data: Readable.from([source.subarray(0, 5), source.subarray(5, 6), source.subarray(6)]),
      },
    ]);
    if (!fromStream?.ok || !fromStream.value) throw new Error("streamed upload failed");
    expect(Buffer.from(sim.store.message(fromStream.value.id).raw)).toEqual(Buffer.from(b.raw));

    // Update replaces the item (the sim gives it a new id; Exchange keeps it).
    const [updated] = await client.uploadItems([
      {
        parentFolder: drafts.folderId,
        data: Buffer.from(a.raw),
        createAction: "Update",
        itemId: fromStream.value,
      },
    ]);
    expect(updated?.ok).toBe(true);
    await expect(
      client.uploadItems([{ parentFolder: "drafts", data: new Uint8Array(1) }]),
    ).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
    await expect(
      client.uploadItems([
        { parentFolder: drafts.folderId, data: new Uint8Array(1), createAction: "Update" },
      ]),
    ).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
  });

  it("an export stream abandoned half-way releases its connection slot", async () => {
    const [a] = inboxMessages();
    if (!a) throw new Error("no message");
    const limited = simEwsClient(sim, { maxConcurrency: 1 });
    try {
      let seen = 0;
      for await (const result of limited.exportItems([{ id: a.id }, { id: a.id }])) {
        expect(result.ok).toBe(true); // data left unread: the iterator destroys it before the next
        seen++;
      }
      expect(seen).toBe(2);
      // Destroyed before it was ever read: the slot is released as well.
      (await limited.exportItem({ id: a.id })).data.destroy();
      expect((await limited.getFolder("inbox")).displayName).toBeTruthy();
    } finally {
      await limited.close();
    }
  });
});

describe("findItems reads each page item by item", () => {
  it("ErrorServerBusy on a page is waited out; a broken page fails with a ParseError", async () => {
    sim.ews.serverBusy({ count: 1, backOffMs: 20 });
    const items: string[] = [];
    for await (const item of client.findItems("inbox", { pageSize: 5, maxItems: 12 }))
      items.push(item.itemId.id);
    expect(new Set(items).size).toBe(12);

    const broken = `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:FindItemResponse xmlns:m="m" xmlns:t="t"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder TotalItemsInView="2" IncludesLastItemInRange="true"><t:Items><t:Message><t:ItemId Id="a"/></t:Message><t:Message><t:ItemId Id="b"/></t:Mess></t:Message></t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>`;
    sim.ews.respondRaw(broken);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const item of client.findItems("inbox")) seen.push(item.itemId.id);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MW_PARSE" });
    expect(seen).toEqual(["a"]);
  });
});

describe("EmptyFolder", () => {
  it("hard-deletes or moves a folder's items; refuses the root and subfolder deletion, per folder", async () => {
    const folder = await client.createFolder("inbox", "To empty");
    const sources = inboxMessages().slice(-3);
    const copies = await client.copyItems(
      sources.map((m) => ({ id: m.id })),
      { id: folder.folderId.id },
    );
    expect(copies.every((r) => r.ok)).toBe(true);
    expect(sim.store.messages(folder.folderId.id)).toHaveLength(3);
    const trash = sim.store.specialFolder("trash").id;
    const inTrash = sim.store.messages(trash).length;

    const [moved, root] = await client.emptyFolders([{ id: folder.folderId.id }, "msgfolderroot"]);
    expect(moved?.ok).toBe(true);
    expect(root).toMatchObject({ ok: false, responseCode: "ErrorCannotEmptyFolder" });
    expect(sim.store.messages(folder.folderId.id)).toHaveLength(0);
    expect(sim.store.messages(trash)).toHaveLength(inTrash + 3);

    await client.copyItems([{ id: sources[0]?.id ?? "" }], { id: folder.folderId.id });
    const [hard] = await client.emptyFolders([{ id: folder.folderId.id }], { deleteType: "HardDelete" });
    expect(hard?.ok).toBe(true);
    expect(sim.store.messages(folder.folderId.id)).toHaveLength(0);
    expect(sim.store.messages(trash)).toHaveLength(inTrash + 3);

    const [refused] = await client.emptyFolders(["inbox"], { deleteSubFolders: true });
    expect(refused).toMatchObject({ ok: false, responseCode: "ErrorCannotDeleteObject" });
  });
});

describe("ExpandDL", () => {
  it("expands a public list with a nested list, and reports an unknown one as a typed error", async () => {
    const domain = sim.store.user.address.split("@")[1];
    const everyone = await client.expandDistributionList(`everyone@${domain}`);
    expect(everyone.includesLastItemInRange).toBe(true);
    expect(everyone.members.map((m) => m.emailAddress)).toContain(sim.store.user.address);
    const nested = everyone.members.find((m) => m.mailboxType === "PublicDL");
    expect(nested?.emailAddress).toBe(`team@${domain}`);
    const team = await client.expandDistributionList(nested?.emailAddress ?? "");
    expect(team.members).toEqual([
      expect.objectContaining({ emailAddress: sim.store.user.address, mailboxType: "Mailbox" }),
    ]);
    expect(everyone.totalItemsInView).toBe(everyone.members.length);
    await expect(client.expandDistributionList("nobody@example.test")).rejects.toMatchObject({
      details: { responseCode: "ErrorNameResolutionNoResults" },
    });
  });
});

describe("calendar, contact and task updates; availability", () => {
  it("updates a series (time, location, recurrence) and a single item; stale change keys conflict", async () => {
    const [created] = await client.createCalendarItems([
      {
        subject: "Planning",
        start: new Date("2025-04-07T10:00:00Z"),
        end: new Date("2025-04-07T11:00:00Z"),
        location: "Room 1",
        legacyFreeBusyStatus: "Busy",
        recurrence: {
          pattern: { type: "daily", interval: 1 },
          range: { type: "numbered", startDate: "2025-04-07", numberOfOccurrences: 3 },
        },
      },
    ]);
    if (!created?.ok || !created.value) throw new Error("create failed");
    const [updated] = await client.updateCalendarItems([
      {
        itemId: created.value,
        set: {
          subject: "Planning & review",
          start: new Date("2025-04-07T13:00:00Z"),
          end: new Date("2025-04-07T14:30:00Z"),
          location: "Room <2>",
          recurrence: {
            pattern: { type: "weekly", interval: 1, daysOfWeek: ["Monday", "Thursday"] },
            range: { type: "numbered", startDate: "2025-04-07", numberOfOccurrences: 4 },
          },
        },
      },
    ]);
    if (!updated?.ok || !updated.value) throw new Error("update failed");
    expect(updated.value.changeKey).not.toBe(created.value.changeKey);
    const item = await client.getItem(updated.value);
    expect(item.subject).toBe("Planning & review");
    const details = readCalendarDetails(item.element);
    expect(details).toMatchObject({
      start: "2025-04-07T13:00:00.000Z",
      location: "Room <2>",
      isRecurring: true,
    });
    expect(details.recurrence).toMatchObject({
      pattern: { type: "weekly", daysOfWeek: ["Monday", "Thursday"] },
      range: { type: "numbered", numberOfOccurrences: 4 },
    });

    // The old change key with NeverOverwrite is a per-item conflict, not a thrown error.
    const [stale] = await client.updateCalendarItems(
      [{ itemId: created.value, set: { location: "elsewhere" } }],
      { conflictResolution: "NeverOverwrite" },
    );
    expect(stale).toMatchObject({ ok: false, responseCode: "ErrorIrresolvableConflict" });

    // Ending the series: DeleteItemField calendar:Recurrence.
    const [single] = await client.updateCalendarItems([
      { itemId: updated.value, delete: ["calendar:Recurrence"] },
    ]);
    if (!single?.ok || !single.value) throw new Error("delete field failed");
    expect(readCalendarDetails((await client.getItem(single.value)).element).isRecurring).toBe(false);
  });

  it("updates a contact's plain and indexed fields and a task's status", async () => {
    const [contact] = await client.createContacts([
      {
        givenName: "Ada",
        surname: "Lovelace",
        emailAddresses: ["ada@example.test"],
        mobilePhone: "+1 555 0100",
      },
    ]);
    const [task] = await client.createTasks([{ subject: "Write report", status: "NotStarted" }]);
    if (!contact?.ok || !contact.value || !task?.ok || !task.value) throw new Error("create failed");
    const [contactUpdate] = await client.updateContacts([
      {
        itemId: contact.value,
        set: { companyName: "Analytical Engines", emailAddresses: ["ada@engines.test", "al@example.test"] },
        delete: [{ fieldUri: "contacts:PhoneNumber", fieldIndex: "MobilePhone" }],
      },
    ]);
    if (!contactUpdate?.ok || !contactUpdate.value) throw new Error("contact update failed");
    expect(readContactDetails((await client.getItem(contactUpdate.value)).element)).toMatchObject({
      givenName: "Ada",
      companyName: "Analytical Engines",
      emailAddresses: ["ada@engines.test", "al@example.test"],
      phoneNumbers: {},
    });
    const [taskUpdate] = await client.updateTasks([
      { itemId: task.value, set: { status: "Completed", percentComplete: 100 } },
    ]);
    if (!taskUpdate?.ok || !taskUpdate.value) throw new Error("task update failed");
    expect(readTaskDetails((await client.getItem(taskUpdate.value)).element)).toMatchObject({
      status: "Completed",
      percentComplete: 100,
      isComplete: true,
    });
    await expect(client.updateTasks([{ itemId: task.value }])).rejects.toMatchObject({
      code: "MW_INVALID_ARGUMENT",
    });
  });

  it("GetUserAvailability: the owner's events and merged slots; an unknown mailbox fails on its own", async () => {
    await client.createCalendarItems([
      {
        subject: "Review",
        start: new Date("2025-05-05T09:00:00Z"),
        end: new Date("2025-05-05T10:00:00Z"),
        legacyFreeBusyStatus: "Tentative",
      },
      {
        subject: "Offsite",
        start: new Date("2025-05-05T11:00:00Z"),
        end: new Date("2025-05-05T11:30:00Z"),
        legacyFreeBusyStatus: "OOF",
      },
    ]);
    const [owner, unknown] = await client.getUserAvailability(
      [sim.store.user.address, "ghost@example.test"],
      {
        start: new Date("2025-05-05T08:00:00Z"),
        end: new Date("2025-05-05T12:00:00Z"),
        mergedIntervalMinutes: 60,
      },
    );
    if (!owner?.ok) throw new Error("availability failed");
    expect(owner.value.mergedFreeBusy).toBe("0103");
    expect(owner.value.events.map((e) => [e.start, e.end, e.busyType, e.details?.subject])).toEqual([
      ["2025-05-05T09:00:00", "2025-05-05T10:00:00", "Tentative", "Review"],
      ["2025-05-05T11:00:00", "2025-05-05T11:30:00", "OOF", "Offsite"],
    ]);
    expect(unknown).toMatchObject({
      ok: false,
      responseClass: "Error",
      responseCode: "ErrorMailRecipientNotFound",
    });
    await expect(
      client.getUserAvailability([sim.store.user.address], {
        start: new Date("2025-05-05T12:00:00Z"),
        end: new Date("2025-05-05T08:00:00Z"),
      }),
    ).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
  });
});
