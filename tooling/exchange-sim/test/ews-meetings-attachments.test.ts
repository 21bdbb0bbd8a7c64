import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExchangeSim, startSim } from "../src/index.js";
import { basic, simRequest, singleConnectionAgent } from "./helpers/https-request.js";

// Meetings (MS-OXWSMTGS) and item attachments (MS-OXWSCORE ItemAttachmentType) on the EWS
// endpoint, seen from the wire with hand-written SOAP and no EWS client.

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 5, largeMessageBytes: 0 } });
});
afterAll(async () => {
  await sim?.close();
});

const T = "http://schemas.microsoft.com/exchange/services/2006/types";
const M = "http://schemas.microsoft.com/exchange/services/2006/messages";
const envelope = (body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="${T}" xmlns:m="${M}"><soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;

async function post(body: string): Promise<string> {
  const response = await simRequest(`${sim.url}EWS/Exchange.asmx`, {
    agent: singleConnectionAgent(sim.caPem),
    method: "POST",
    headers: {
      Authorization: basic(sim.credentials.username, sim.credentials.password),
      "Content-Type": "text/xml; charset=utf-8",
    },
    body: envelope(body),
  });
  expect(response.status).toBe(200);
  return response.body;
}

const getItem = (id: string) =>
  post(
    `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`,
  );

describe("meetings on the wire", () => {
  it("a delivered request is a t:MeetingRequest; AcceptItem updates its calendar item and keeps a t:MeetingResponse", async () => {
    const { requestId, calendarItemId } = sim.ews.meetings.deliverRequest(sim.store, {
      organizer: { address: "org@contoso.test" },
      subject: "Sync & plan",
      start: "2025-05-06T09:00:00Z",
      end: "2025-05-06T09:30:00Z",
    });
    const request = await getItem(requestId);
    expect(request).toContain("<t:MeetingRequest><t:ItemId");
    expect(request).toContain("<t:ItemClass>IPM.Schedule.Meeting.Request</t:ItemClass>");
    expect(request).toMatch(
      new RegExp(`<t:AssociatedCalendarItemId Id="${calendarItemId}" ChangeKey="CK\\d+"/>`),
    );
    expect(request).toContain("<t:Subject>Sync &amp; plan</t:Subject>");

    const accepted = await post(
      `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:AcceptItem><t:ReferenceItemId Id="${requestId}"/></t:AcceptItem></m:Items></m:CreateItem>`,
    );
    expect(accepted).toContain(
      '<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items/>',
    );
    const calendar = await getItem(calendarItemId);
    expect(calendar).toContain("<t:MyResponseType>Accept</t:MyResponseType>");
    expect(calendar).toContain("<t:LegacyFreeBusyStatus>Busy</t:LegacyFreeBusyStatus>");
    const sent = sim.store
      .messages(sim.store.specialFolder("sent").id)
      .find((m) => m.fixture.subject === "Accepted: Sync & plan");
    expect(sent).toBeDefined();
    expect(Buffer.from(sent?.raw ?? []).toString()).toContain("ATTENDEE;PARTSTAT=ACCEPTED:mailto:");
    expect(await getItem(sent?.id ?? "")).toContain(
      "<t:ItemClass>IPM.Schedule.Meeting.Resp.Pos</t:ItemClass>",
    );
  });

  it("answers mixed response objects in request order, each on its own", async () => {
    const { requestId } = sim.ews.meetings.deliverRequest(sim.store, {
      organizer: { address: "org@contoso.test" },
      subject: "Two answers",
      start: "2025-05-07T09:00:00Z",
      end: "2025-05-07T09:30:00Z",
    });
    const body = await post(
      `<m:CreateItem MessageDisposition="SendOnly"><m:Items><t:DeclineItem><t:ReferenceItemId Id="pim-424242"/></t:DeclineItem><t:AcceptItem><t:ReferenceItemId Id="${requestId}"/></t:AcceptItem></m:Items></m:CreateItem>`,
    );
    const classes = [...body.matchAll(/<m:CreateItemResponseMessage ResponseClass="(\w+)">/g)].map(
      (m) => m[1],
    );
    expect(classes).toEqual(["Error", "Success"]);
  });
});

describe("item attachments on the wire", () => {
  it("CreateAttachment embeds a message; GetItem lists it; GetAttachment returns it", async () => {
    const parent = sim.store.messages(sim.store.specialFolder("inbox").id)[0];
    if (!parent) throw new Error("no message");
    const created = await post(
      `<m:CreateAttachment><m:ParentItemId Id="${parent.id}"/><m:Attachments><t:ItemAttachment><t:Name>Fwd &lt;1&gt;</t:Name><t:Message><t:Subject>Inner &amp; co</t:Subject><t:Body BodyType="Text">hello</t:Body></t:Message></t:ItemAttachment></m:Attachments></m:CreateAttachment>`,
    );
    const id = /<t:ItemAttachment><t:AttachmentId Id="([^"]+)" RootItemId="([^"]+)"/.exec(created);
    expect(id?.[2]).toBe(parent.id);
    const listed = await getItem(parent.id);
    expect(listed).toContain(
      `<t:ItemAttachment><t:AttachmentId Id="${id?.[1]}"/><t:Name>Fwd &lt;1&gt;</t:Name>`,
    );
    const fetched = await post(
      `<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id="${id?.[1]}"/><t:AttachmentId Id="${parent.id}:a999"/></m:AttachmentIds></m:GetAttachment>`,
    );
    expect(fetched).toContain(
      "<t:Message><t:ItemClass>IPM.Note</t:ItemClass><t:Subject>Inner &amp; co</t:Subject>",
    );
    const classes = [...fetched.matchAll(/<m:GetAttachmentResponseMessage ResponseClass="(\w+)">/g)].map(
      (m) => m[1],
    );
    expect(classes).toEqual(["Success", "Error"]);
  });
});
