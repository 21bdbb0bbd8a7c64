import { isMailwireError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readCalendarDetails, readMeetingDetails } from "../src/index.js";
import { readItems } from "../src/model/item.js";
import { getAttachments } from "../src/operations/item-attachments.js";
import { respondToMeetings } from "../src/operations/meeting-responses.js";
import { readSoapResponse } from "../src/soap/parse-response.js";
import { parseXml } from "../src/xml/parse-xml.js";
import { childElement } from "../src/xml/xml-element.js";
import { mutateDocument } from "./support/mutate.js";

// Replies to the meeting and item-attachment operations, hand-written in the shape of the
// Exchange documentation's examples (default namespaces, as Exchange 2007-2010 sends them), then
// mutated at random: every outcome is a typed result or a MailwireError, never a crash.

const M = "http://schemas.microsoft.com/exchange/services/2006/messages";
const T = "http://schemas.microsoft.com/exchange/services/2006/types";
const envelope = (body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><t:ServerVersionInfo MajorVersion="14" MinorVersion="1" MajorBuildNumber="218" MinorBuildNumber="15" xmlns:t="${T}"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;

const accepted = envelope(
  `<CreateItemResponse xmlns:m="${M}" xmlns:t="${T}" xmlns="${M}"><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:CreateItemResponseMessage><m:CreateItemResponseMessage ResponseClass="Error"><m:MessageText>The specified object was not found in the store.</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Items/></m:CreateItemResponseMessage><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:MeetingResponse><t:ItemId Id="AAMkRsp" ChangeKey="CwAAAB"/></t:MeetingResponse></m:Items></m:CreateItemResponseMessage></m:ResponseMessages></CreateItemResponse>`,
);
const itemAttachment = envelope(
  `<GetAttachmentResponse xmlns:m="${M}" xmlns:t="${T}" xmlns="${M}"><m:ResponseMessages><m:GetAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments><t:ItemAttachment><t:AttachmentId Id="AAMkAtt" RootItemId="AAMkRoot" RootItemChangeKey="CQAA"/><t:Name>Budget review</t:Name><t:Size>4096</t:Size><t:LastModifiedTime>2025-03-01T10:00:00</t:LastModifiedTime><t:IsInline>false</t:IsInline><t:MeetingRequest><t:ItemClass>IPM.Schedule.Meeting.Request</t:ItemClass><t:Subject>Budget review</t:Subject><t:Body BodyType="Text">Please come.</t:Body><t:From><t:Mailbox><t:Name>Adele Vance</t:Name><t:EmailAddress>adele@contoso.com</t:EmailAddress></t:Mailbox></t:From><t:IsDelegated>false</t:IsDelegated><t:IsOutOfDate>false</t:IsOutOfDate><t:HasBeenProcessed>false</t:HasBeenProcessed><t:ResponseType>Unknown</t:ResponseType><t:UID>040000008200E00074C5B7101A82E008</t:UID><t:MeetingRequestType>NewMeetingRequest</t:MeetingRequestType><t:IntendedFreeBusyStatus>Busy</t:IntendedFreeBusyStatus><t:Start>2025-03-04T14:00:00Z</t:Start><t:End>2025-03-04T15:00:00Z</t:End><t:Location>B1 &amp; B2</t:Location><t:Organizer><t:Mailbox><t:Name>Adele Vance</t:Name><t:EmailAddress>adele@contoso.com</t:EmailAddress></t:Mailbox></t:Organizer><t:Recurrence><t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Tuesday</t:DaysOfWeek><t:DayOfWeekIndex>First</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence><t:EndDateRecurrence><t:StartDate>2025-03-04-08:00</t:StartDate><t:EndDate>2025-12-31-08:00</t:EndDate></t:EndDateRecurrence></t:Recurrence></t:MeetingRequest></t:ItemAttachment></m:Attachments></m:GetAttachmentResponseMessage></m:ResponseMessages></GetAttachmentResponse>`,
);
const getItemWithAttachments = envelope(
  `<GetItemResponse xmlns:m="${M}" xmlns:t="${T}" xmlns="${M}"><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="AAMkMsg" ChangeKey="CQAA"/><t:Subject>FW: Budget review</t:Subject><t:HasAttachments>true</t:HasAttachments><t:Attachments><t:FileAttachment><t:AttachmentId Id="AAMkF"/><t:Name>notes.txt</t:Name><t:ContentType>text/plain</t:ContentType><t:Size>12</t:Size><t:IsInline>false</t:IsInline></t:FileAttachment><t:ItemAttachment><t:AttachmentId Id="AAMkAtt"/><t:Name>Budget review</t:Name><t:Size>4096</t:Size><t:IsInline>false</t:IsInline></t:ItemAttachment></t:Attachments></t:Message></m:Items></m:GetItemResponseMessage></m:ResponseMessages></GetItemResponse>`,
);

const stub = (text: string) => ({ call: async () => readSoapResponse(parseXml(text)) }) as never;

describe("meeting and item-attachment replies", () => {
  it("CreateItem with response objects: one typed result each, the saved response's id where returned", async () => {
    const results = await respondToMeetings(stub(accepted), [
      { kind: "accept", referenceItemId: { id: "a" } },
      { kind: "decline", referenceItemId: { id: "b" } },
      { kind: "tentativelyAccept", referenceItemId: { id: "c" } },
    ]);
    expect(results[0]).toMatchObject({ ok: true, value: undefined });
    expect(results[1]).toMatchObject({ ok: false, responseCode: "ErrorItemNotFound" });
    expect(results[2]).toMatchObject({ ok: true, value: { id: "AAMkRsp", changeKey: "CwAAAB" } });
  });

  it("GetAttachment of an item attachment holding a recurring meeting request", async () => {
    const [result] = await getAttachments(stub(itemAttachment), ["AAMkAtt"]);
    if (!result?.ok || result.value.kind !== "item") throw new Error("not an item attachment");
    expect(result.value.info).toEqual({
      attachmentId: "AAMkAtt",
      kind: "ItemAttachment",
      name: "Budget review",
      size: 4096,
      isInline: false,
    });
    const { item } = result.value;
    expect(item).toMatchObject({
      kind: "MeetingRequest",
      subject: "Budget review",
      body: { text: "Please come." },
    });
    expect(readMeetingDetails(item.element)).toMatchObject({
      messageClass: { type: "request" },
      responseType: "Unknown",
      location: "B1 & B2",
      organizer: { name: "Adele Vance", emailAddress: "adele@contoso.com" },
      recurrence: {
        pattern: { type: "relativeMonthly", interval: 1, daysOfWeek: "Tuesday", dayOfWeekIndex: "First" },
        range: { type: "endDate", startDate: "2025-03-04-08:00", endDate: "2025-12-31-08:00" },
      },
    });
  });

  it("GetItem lists file and item attachments by kind", () => {
    const response = readSoapResponse(parseXml(getItemWithAttachments));
    const message = childElement(response.body, "ResponseMessages")?.children[0];
    const [item] = readItems(childElement(message, "Items"));
    expect(item?.attachments?.map((a) => [a.kind, a.name])).toEqual([
      ["FileAttachment", "notes.txt"],
      ["ItemAttachment", "Budget review"],
    ]);
  });

  it("a recurring master's first/last, modified and deleted occurrences", () => {
    const details = readCalendarDetails(
      parseXml(
        `<t:CalendarItem xmlns:t="${T}"><t:CalendarItemType>RecurringMaster</t:CalendarItemType><t:FirstOccurrence><t:ItemId Id="occ1" ChangeKey="k"/><t:Start>2025-03-04T14:00:00Z</t:Start><t:End>2025-03-04T15:00:00Z</t:End><t:OriginalStart>2025-03-04T14:00:00Z</t:OriginalStart></t:FirstOccurrence><t:LastOccurrence><t:ItemId Id="occ9"/><t:Start>2025-12-02T14:00:00Z</t:Start><t:End>2025-12-02T15:00:00Z</t:End></t:LastOccurrence><t:ModifiedOccurrences><t:Occurrence><t:ItemId Id="occ3"/><t:Start>2025-05-07T09:00:00Z</t:Start><t:End>2025-05-07T10:00:00Z</t:End><t:OriginalStart>2025-05-06T14:00:00Z</t:OriginalStart></t:Occurrence></t:ModifiedOccurrences><t:DeletedOccurrences><t:DeletedOccurrence><t:Start>2025-04-01T14:00:00Z</t:Start></t:DeletedOccurrence><t:DeletedOccurrence/></t:DeletedOccurrences></t:CalendarItem>`,
      ),
    );
    expect(details.firstOccurrence).toEqual({
      itemId: { id: "occ1", changeKey: "k" },
      start: "2025-03-04T14:00:00Z",
      end: "2025-03-04T15:00:00Z",
      originalStart: "2025-03-04T14:00:00Z",
    });
    expect(details.lastOccurrence?.itemId).toEqual({ id: "occ9" });
    expect(details.modifiedOccurrences).toEqual([
      {
        itemId: { id: "occ3" },
        start: "2025-05-07T09:00:00Z",
        end: "2025-05-07T10:00:00Z",
        originalStart: "2025-05-06T14:00:00Z",
      },
    ]);
    expect(details.deletedOccurrences).toEqual(["2025-04-01T14:00:00Z"]);
  });

  it("mutated replies are a typed result or a MailwireError, never a crash", async () => {
    const run = [
      (text: string) => respondToMeetings(stub(text), [{ kind: "accept", referenceItemId: { id: "a" } }]),
      (text: string) => getAttachments(stub(text), ["AAMkAtt"]),
    ];
    const documents = [accepted, itemAttachment];
    await fc.assert(
      fc.asyncProperty(
        fc.nat(1),
        fc.nat(),
        fc.nat(),
        fc.constantFrom("", "<", ">", "&", "<x>", "</t:MeetingRequest>", "<t:Message>", '"', "<!DOCTYPE a>"),
        async (which, at, cut, insert) => {
          const document = documents[which] as string;
          const mutated = mutateDocument(document, at, cut, insert);
          try {
            const results = (await (run[which] as (text: string) => Promise<unknown[]>)(mutated)) as {
              ok: boolean;
              value?: { kind?: string; item?: { element: never } };
            }[];
            for (const result of results) {
              if (result.ok && result.value?.item) readMeetingDetails(result.value.item.element);
            }
          } catch (error) {
            if (!isMailwireError(error)) throw error;
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
