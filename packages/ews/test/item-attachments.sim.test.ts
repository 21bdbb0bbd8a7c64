import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EwsClient, readCalendarDetails, readContactDetails, readTaskDetails } from "../src/index.js";
import { simEwsClient } from "./support/sim-client.js";

// Item attachments (MS-OXWSCORE ItemAttachmentType) against exchange-sim: CreateAttachment embeds
// a message, a calendar item, a contact and a task in a message; GetItem lists them as
// ItemAttachment entries; GetAttachment returns each embedded item, typed.

let sim: ExchangeSim;
let client: EwsClient;

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 5, largeMessageBytes: 0 } });
  client = simEwsClient(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});

const M = `xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"`;
const reply = (inner: string) =>
  `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetAttachmentResponse ${M}><m:ResponseMessages>${inner}</m:ResponseMessages></m:GetAttachmentResponse></s:Body></s:Envelope>`;

describe("item attachments", () => {
  it("embeds a message, a calendar item, a contact and a task; lists and reads them back typed", async () => {
    const [draft] = await client.createMessages([
      { subject: "FW: the plan", body: { bodyType: "Text", text: "see attached" } },
    ]);
    if (!draft?.ok || !draft.value) throw new Error("draft failed");
    const created = await client.createItemAttachments(draft.value, [
      {
        name: "The plan",
        item: {
          message: {
            subject: "The plan <v2> & more",
            body: { bodyType: "Text", text: "Step 1: ünïcödé" },
            toRecipients: [{ name: "Megan", emailAddress: "megan.bowen@mailwire.test" }],
          },
        },
      },
      {
        name: "Kick-off",
        item: {
          calendarItem: {
            subject: "Kick-off",
            start: "2025-04-01T09:00:00Z",
            end: "2025-04-01T10:00:00Z",
            location: "Room 1",
            recurrence: {
              pattern: {
                type: "relativeMonthly",
                interval: 1,
                daysOfWeek: "Tuesday",
                dayOfWeekIndex: "First",
              },
              range: { type: "numbered", startDate: "2025-04-01", numberOfOccurrences: 3 },
            },
          },
        },
      },
      {
        name: "Megan",
        item: {
          contact: { givenName: "Megan", surname: "Bowen", emailAddresses: ["megan.bowen@mailwire.test"] },
        },
      },
      {
        name: "Follow up",
        item: { task: { subject: "Follow up", status: "InProgress", percentComplete: 50 } },
        isInline: false,
      },
    ]);
    expect(created.map((r) => r.ok)).toEqual([true, true, true, true]);
    const ids = created.map((r) => (r.ok ? r.value.attachmentId : ""));
    const last = created[3];
    expect(last?.ok && last.value.rootItemId?.id).toBe(draft.value.id);

    const parent = await client.getItem(draft.value);
    expect(parent.hasAttachments).toBe(true);
    expect(parent.attachments?.map((a) => [a.kind, a.name, a.attachmentId])).toEqual([
      ["ItemAttachment", "The plan", ids[0]],
      ["ItemAttachment", "Kick-off", ids[1]],
      ["ItemAttachment", "Megan", ids[2]],
      ["ItemAttachment", "Follow up", ids[3]],
    ]);

    const message = await client.getItemAttachment(ids[0] ?? "");
    expect(message.info).toMatchObject({ kind: "ItemAttachment", name: "The plan", attachmentId: ids[0] });
    expect(message.item).toMatchObject({
      kind: "Message",
      itemClass: "IPM.Note",
      subject: "The plan <v2> & more",
      body: { bodyType: "Text", text: "Step 1: ünïcödé" },
      toRecipients: [{ name: "Megan", emailAddress: "megan.bowen@mailwire.test" }],
    });

    // downloadAttachment streams file content; an item attachment has none (a ProtocolError).
    const streamed = client.downloadAttachment(ids[0] ?? "").then(async ({ content }) => {
      for await (const _ of content);
    });
    await expect(streamed).rejects.toMatchObject({
      code: "MW_PROTOCOL",
      message: expect.stringContaining("use getItemAttachment"),
    });

    const fetched = await client.getAttachments([
      ids[1] ?? "",
      ids[2] ?? "",
      ids[3] ?? "",
      `${draft.value.id}:a999`,
    ]);
    const [calendar, contact, task, missing] = fetched;
    if (!calendar?.ok || calendar.value.kind !== "item") throw new Error("calendar attachment not read");
    expect(calendar.value.item.kind).toBe("CalendarItem");
    expect(readCalendarDetails(calendar.value.item.element)).toMatchObject({
      start: "2025-04-01T09:00:00Z",
      location: "Room 1",
      recurrence: { pattern: { type: "relativeMonthly", dayOfWeekIndex: "First" } },
    });
    if (!contact?.ok || contact.value.kind !== "item") throw new Error("contact attachment not read");
    expect(readContactDetails(contact.value.item.element)).toMatchObject({
      givenName: "Megan",
      surname: "Bowen",
      emailAddresses: ["megan.bowen@mailwire.test"],
    });
    if (!task?.ok || task.value.kind !== "item") throw new Error("task attachment not read");
    expect(readTaskDetails(task.value.item.element)).toMatchObject({
      status: "InProgress",
      percentComplete: 50,
    });
    expect(missing).toMatchObject({ ok: false, responseClass: "Error" });
  });

  it("getAttachments reads file attachments as bytes; getItemAttachment of a file is an InvalidArgumentError", async () => {
    const [draft] = await client.createMessages([{ subject: "files" }]);
    if (!draft?.ok || !draft.value) throw new Error("draft failed");
    const [file] = await client.createAttachments(draft.value, [
      { name: "a.txt", contentType: "text/plain", content: new TextEncoder().encode("hello") },
    ]);
    if (!file?.ok) throw new Error("file failed");
    const [fetched] = await client.getAttachments([file.value.attachmentId]);
    expect(fetched).toMatchObject({
      ok: true,
      value: { kind: "file", info: { name: "a.txt", contentType: "text/plain" } },
    });
    if (fetched?.ok && fetched.value.kind === "file")
      expect(Buffer.from(fetched.value.content).toString()).toBe("hello");
    await expect(client.getItemAttachment(file.value.attachmentId)).rejects.toMatchObject({
      code: "MW_INVALID_ARGUMENT",
    });
  });

  it("refuses an attachment that embeds nothing or two items before sending", async () => {
    await expect(
      client.createItemAttachments({ id: "msg-0001" }, [{ name: "x", item: {} as never }]),
    ).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
    await expect(
      client.createItemAttachments({ id: "msg-0001" }, [
        { name: "x", item: { message: {}, task: { subject: "t" } } as never },
      ]),
    ).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
  });

  it("answers a raw request mixing file and item attachments in request order", async () => {
    const [draft] = await client.createMessages([{ subject: "mixed" }]);
    if (!draft?.ok || !draft.value) throw new Error("draft failed");
    const response = await client.callRaw(
      "CreateAttachment",
      `<m:CreateAttachment><m:ParentItemId Id="${draft.value.id}"/><m:Attachments><t:ItemAttachment><t:Name>first</t:Name><t:Message><t:Subject>inner</t:Subject></t:Message></t:ItemAttachment><t:FileAttachment><t:Name>second</t:Name><t:Content>aGk=</t:Content></t:FileAttachment><t:ItemAttachment><t:Name>third</t:Name><t:Task><t:Subject>t</t:Subject></t:Task></t:ItemAttachment></m:Attachments></m:CreateAttachment>`,
    );
    const kinds = response.body.children[0]?.children.map(
      (message) => message.children.find((c) => c.name === "Attachments")?.children[0]?.name,
    );
    expect(kinds).toEqual(["ItemAttachment", "FileAttachment", "ItemAttachment"]);
    const listed = (await client.getItem(draft.value)).attachments?.map((a) => a.name);
    expect(listed?.sort()).toEqual(["first", "second", "third"]);
  });

  it("a bad parent fails per attachment", async () => {
    const [result] = await client.createItemAttachments({ id: "msg-9999" }, [
      { name: "x", item: { message: { subject: "s" } } },
    ]);
    expect(result).toMatchObject({ ok: false, responseCode: "ErrorItemNotFound" });
  });

  it("a malformed reply (an item attachment without its item, an unknown element, broken base64) is a ParseError", async () => {
    const success = (inner: string) =>
      `<m:GetAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments>${inner}</m:Attachments></m:GetAttachmentResponseMessage>`;
    for (const inner of [
      `<t:ItemAttachment><t:AttachmentId Id="x"/><t:Name>n</t:Name></t:ItemAttachment>`,
      `<t:StrangeAttachment><t:AttachmentId Id="x"/></t:StrangeAttachment>`,
      `<t:FileAttachment><t:AttachmentId Id="x"/><t:Content>!!!</t:Content></t:FileAttachment>`,
      "",
    ]) {
      sim.ews.respondRaw(reply(success(inner)));
      await expect(client.getAttachments(["x"])).rejects.toMatchObject({ code: "MW_PARSE" });
    }
  });
});
