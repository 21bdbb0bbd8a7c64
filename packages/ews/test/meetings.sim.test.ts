import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EwsClient, type EwsItem, readCalendarDetails, readMeetingDetails } from "../src/index.js";
import { simEwsClient } from "./support/sim-client.js";

// Meeting requests, responses and cancellations (MS-OXWSMTGS) against exchange-sim: a request
// delivered to the Inbox (with its tentative calendar item) is read as a typed MeetingRequest,
// answered with AcceptItem / TentativelyAcceptItem / DeclineItem, and the calendar follows; the
// organizer's own meeting is cancelled with CancelCalendarItem.

let sim: ExchangeSim;
let client: EwsClient;
const organizer = { name: "Adele Vance", address: "adele.vance@contoso.test" };

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 5, largeMessageBytes: 0 } });
  client = simEwsClient(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});

const deliver = (subject: string) =>
  sim.ews.meetings.deliverRequest(sim.store, {
    organizer,
    subject,
    start: "2025-05-06T09:00:00Z",
    end: "2025-05-06T10:00:00Z",
    location: "Room <7> & co",
    body: "Agenda attached.",
  });

async function itemsIn(folder: "inbox" | "sentitems" | "drafts"): Promise<EwsItem[]> {
  const items: EwsItem[] = [];
  for await (const item of client.findItems(folder, { shape: { baseShape: "Default" } })) items.push(item);
  return items;
}

describe("meeting requests", () => {
  it("a delivered request reads as a typed MeetingRequest with its tentative calendar item", async () => {
    const { requestId, calendarItemId } = deliver("Design review");
    const listed = (await itemsIn("inbox")).find((item) => item.itemId.id === requestId);
    expect(listed?.kind).toBe("MeetingRequest");
    const request = await client.getItem({ id: requestId });
    expect(request).toMatchObject({ kind: "MeetingRequest", itemClass: "IPM.Schedule.Meeting.Request" });
    expect(readMeetingDetails(request.element)).toMatchObject({
      messageClass: { type: "request" },
      associatedCalendarItemId: { id: calendarItemId },
      meetingRequestType: "NewMeetingRequest",
      responseType: "NoResponseReceived",
      hasBeenProcessed: false,
      start: "2025-05-06T09:00:00Z",
      end: "2025-05-06T10:00:00Z",
      location: "Room <7> & co",
      organizer: { name: "Adele Vance", emailAddress: "adele.vance@contoso.test" },
      requiredAttendees: [{ emailAddress: sim.store.user.address }],
    });
    const calendar = readCalendarDetails((await client.getItem({ id: calendarItemId })).element);
    expect(calendar).toMatchObject({
      isMeeting: true,
      myResponseType: "NoResponseReceived",
      legacyFreeBusyStatus: "Tentative",
      organizer: { emailAddress: organizer.address },
    });
    // The same request is a text/calendar message for the other protocols.
    const raw = Buffer.from(sim.store.message(requestId).raw).toString();
    expect(raw).toContain("Content-Type: text/calendar; charset=utf-8; method=REQUEST");
    expect(raw).toContain("METHOD:REQUEST");
  });

  it("accept (SendAndSaveCopy): the calendar item is accepted and busy, the request processed, the response in Sent Items", async () => {
    const { requestId, calendarItemId } = deliver("Accept me");
    const [result] = await client.respondToMeetings([
      {
        kind: "accept",
        referenceItemId: { id: requestId },
        body: { bodyType: "Text", text: "See you there" },
      },
    ]);
    expect(result).toMatchObject({ ok: true, value: undefined });
    expect(readCalendarDetails((await client.getItem({ id: calendarItemId })).element)).toMatchObject({
      myResponseType: "Accept",
      legacyFreeBusyStatus: "Busy",
    });
    expect(readMeetingDetails((await client.getItem({ id: requestId })).element)).toMatchObject({
      hasBeenProcessed: true,
      responseType: "Accept",
    });
    const sent = (await itemsIn("sentitems")).find((item) => item.subject === "Accepted: Accept me");
    expect(sent?.kind).toBe("MeetingResponse");
    const response = await client.getItem(sent?.itemId ?? { id: "" }, { shape: { bodyType: "Text" } });
    expect(response.itemClass).toBe("IPM.Schedule.Meeting.Resp.Pos");
    expect(response.body?.text).toBe("See you there");
    expect(readMeetingDetails(response.element)).toMatchObject({
      messageClass: { type: "response", response: "accept" },
      responseType: "Accept",
      start: "2025-05-06T09:00:00Z",
    });
  });

  it("tentative through the calendar item as a SaveOnly draft leaves the calendar as it was; SendOnly applies it", async () => {
    const { requestId, calendarItemId } = deliver("Maybe");
    const [draft] = await client.respondToMeetings(
      [{ kind: "tentativelyAccept", referenceItemId: { id: calendarItemId } }],
      { disposition: "SaveOnly" },
    );
    if (!draft?.ok || !draft.value) throw new Error("no draft response returned");
    const saved = await client.getItem(draft.value);
    expect(saved).toMatchObject({ kind: "MeetingResponse", itemClass: "IPM.Schedule.Meeting.Resp.Tent" });
    expect(saved.parentFolderId?.id).toBe(sim.store.specialFolder("drafts").id);
    expect(readCalendarDetails((await client.getItem({ id: calendarItemId })).element).myResponseType).toBe(
      "NoResponseReceived",
    );

    const [sent] = await client.respondToMeetings(
      [{ kind: "tentativelyAccept", referenceItemId: { id: calendarItemId } }],
      { disposition: "SendOnly" },
    );
    expect(sent?.ok).toBe(true);
    expect(readCalendarDetails((await client.getItem({ id: calendarItemId })).element)).toMatchObject({
      myResponseType: "Tentative",
      legacyFreeBusyStatus: "Tentative",
    });
    expect(readMeetingDetails((await client.getItem({ id: requestId })).element).responseType).toBe(
      "Tentative",
    );
  });

  it("a tentative accept proposing a new time reaches Sent Items with ProposedStart/ProposedEnd", async () => {
    const { requestId } = deliver("Too early");
    const [result] = await client.respondToMeetings([
      {
        kind: "tentativelyAccept",
        referenceItemId: { id: requestId },
        proposedStart: "2025-05-06T14:00:00Z",
        proposedEnd: "2025-05-06T15:00:00Z",
      },
    ]);
    expect(result?.ok).toBe(true);
    const sent = (await itemsIn("sentitems")).find((item) => item.subject === "Tentative: Too early");
    expect(readMeetingDetails((await client.getItem(sent?.itemId ?? { id: "" })).element)).toMatchObject({
      messageClass: { type: "response", response: "tentative" },
      proposedStart: "2025-05-06T14:00:00Z",
      proposedEnd: "2025-05-06T15:00:00Z",
    });
  });

  it("decline removes the calendar item; a response to nothing fails on its own", async () => {
    const { requestId, calendarItemId } = deliver("No thanks");
    const results = await client.respondToMeetings([
      {
        kind: "decline",
        referenceItemId: { id: requestId },
        body: { bodyType: "Text", text: "Out that week" },
      },
      { kind: "accept", referenceItemId: { id: "pim-99999" } },
    ]);
    expect(results[0]).toMatchObject({ ok: true });
    expect(results[1]).toMatchObject({ ok: false, responseCode: "ErrorItemNotFound" });
    const [gone] = await client.getItems([{ id: calendarItemId }]);
    expect(gone).toMatchObject({ ok: false, responseCode: "ErrorItemNotFound" });
    const sent = (await itemsIn("sentitems")).find((item) => item.subject === "Declined: No thanks");
    expect(sent?.itemClass).toBe("IPM.Schedule.Meeting.Resp.Neg");
  });

  it("a cancellation from the organizer arrives typed and marks the calendar item cancelled", async () => {
    const { requestId, calendarItemId } = deliver("Doomed");
    await client.respondToMeetings([{ kind: "accept", referenceItemId: { id: requestId } }]);
    const { cancellationId } = sim.ews.meetings.deliverCancellation(sim.store, requestId);
    const cancellation = await client.getItem({ id: cancellationId });
    expect(cancellation).toMatchObject({
      kind: "MeetingCancellation",
      itemClass: "IPM.Schedule.Meeting.Canceled",
    });
    expect(readMeetingDetails(cancellation.element)).toMatchObject({
      messageClass: { type: "cancellation" },
      associatedCalendarItemId: { id: calendarItemId },
    });
    expect(readCalendarDetails((await client.getItem({ id: calendarItemId })).element).isCancelled).toBe(
      true,
    );
  });
});

describe("the organizer's meeting", () => {
  it("is the organizer's (no self-response); CancelCalendarItem removes it and keeps the cancellation in Sent Items", async () => {
    const [created] = await client.createCalendarItems(
      [
        {
          subject: "Quarterly planning",
          start: "2025-06-02T13:00:00Z",
          end: "2025-06-02T14:00:00Z",
          requiredAttendees: ["megan.bowen@mailwire.test"],
        },
      ],
      { sendMeetingInvitations: "SendToAllAndSaveCopy" },
    );
    if (!created?.ok || !created.value) throw new Error("create failed");
    const details = readCalendarDetails((await client.getItem(created.value)).element);
    expect(details).toMatchObject({ isMeeting: true, myResponseType: "Organizer" });

    const [self] = await client.respondToMeetings([{ kind: "accept", referenceItemId: created.value }]);
    expect(self).toMatchObject({ ok: false, responseCode: "ErrorInvalidRequest" });

    await expect(
      client.cancelCalendarItems([{ itemId: created.value }], { disposition: "SaveOnly" as never }),
    ).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
    const [cancelled] = await client.cancelCalendarItems([
      { itemId: created.value, body: { bodyType: "Text", text: "Moved to July" } },
    ]);
    expect(cancelled?.ok).toBe(true);
    const [gone] = await client.getItems([created.value]);
    expect(gone).toMatchObject({ ok: false, responseCode: "ErrorItemNotFound" });
    const sent = (await itemsIn("sentitems")).find((item) => item.subject === "Canceled: Quarterly planning");
    expect(sent).toMatchObject({ kind: "MeetingCancellation", itemClass: "IPM.Schedule.Meeting.Canceled" });
    const full = await client.getItem(sent?.itemId ?? { id: "" }, { shape: { bodyType: "Text" } });
    expect(full.body?.text).toBe("Moved to July");
  });

  it("sending invitations with a copy keeps the organizer's request in Sent Items; an update sent the same way is a FullUpdate", async () => {
    const [created] = await client.createCalendarItems(
      [
        {
          subject: "Offsite",
          start: "2025-07-01T08:00:00Z",
          end: "2025-07-01T16:00:00Z",
          location: "Lake house",
          requiredAttendees: ["megan.bowen@mailwire.test"],
          optionalAttendees: ["alex.wilber@mailwire.test"],
        },
      ],
      { sendMeetingInvitations: "SendToAllAndSaveCopy" },
    );
    if (!created?.ok || !created.value) throw new Error("create failed");
    const requests = async () => {
      const found = [];
      for (const item of await itemsIn("sentitems")) {
        if (item.kind !== "MeetingRequest" || item.subject !== "Offsite") continue;
        found.push(readMeetingDetails((await client.getItem(item.itemId)).element));
      }
      return found;
    };
    expect(await requests()).toEqual([
      expect.objectContaining({
        isOrganizer: true,
        meetingRequestType: "NewMeetingRequest",
        associatedCalendarItemId: expect.objectContaining({ id: created.value.id }),
        location: "Lake house",
        requiredAttendees: [
          { emailAddress: "megan.bowen@mailwire.test" },
          { emailAddress: "alex.wilber@mailwire.test" },
        ],
      }),
    ]);
    const [updated] = await client.updateCalendarItems(
      [{ itemId: created.value, set: { location: "Boat house" } }],
      {
        sendMeetingInvitationsOrCancellations: "SendToAllAndSaveCopy",
      },
    );
    expect(updated?.ok).toBe(true);
    const after = await requests();
    expect(after.map((r) => [r.meetingRequestType, r.location]).sort()).toEqual([
      ["FullUpdate", "Boat house"],
      ["NewMeetingRequest", "Lake house"],
    ]);
  });

  it("deleting a meeting you organize with SendToAllAndSaveCopy sends (and keeps) a cancellation; SendToNone does not", async () => {
    const created = await client.createCalendarItems(
      [
        {
          subject: "Retro",
          start: "2025-06-09T13:00:00Z",
          end: "2025-06-09T14:00:00Z",
          requiredAttendees: ["megan.bowen@mailwire.test"],
        },
        {
          subject: "Quiet retro",
          start: "2025-06-10T13:00:00Z",
          end: "2025-06-10T14:00:00Z",
          requiredAttendees: ["megan.bowen@mailwire.test"],
        },
      ],
      { sendMeetingInvitations: "SendToAllAndSaveCopy" },
    );
    const [loud, quiet] = created.map((r) => (r.ok ? r.value : undefined));
    if (!loud || !quiet) throw new Error("create failed");
    expect(
      (await client.deleteItems([loud], { sendMeetingCancellations: "SendToAllAndSaveCopy" }))[0]?.ok,
    ).toBe(true);
    expect((await client.deleteItems([quiet], { sendMeetingCancellations: "SendToNone" }))[0]?.ok).toBe(true);
    const subjects = (await itemsIn("sentitems")).map((item) => [item.kind, item.subject]);
    expect(subjects).toContainEqual(["MeetingCancellation", "Canceled: Retro"]);
    expect(subjects).not.toContainEqual(["MeetingCancellation", "Canceled: Quiet retro"]);
  });

  it("FindItem restricted on item:ItemClass finds only the meeting requests", async () => {
    const { requestId } = deliver("Find me");
    const found: string[] = [];
    for await (const item of client.findItems("inbox", {
      restriction: {
        compare: "item:ItemClass",
        operator: "isEqualTo",
        value: "IPM.Schedule.Meeting.Request",
      },
    })) {
      found.push(item.itemId.id);
    }
    expect(found).toContain(requestId);
    expect(found.length).toBe(
      (await itemsIn("inbox")).filter((item) => item.itemClass === "IPM.Schedule.Meeting.Request").length,
    );
  });

  it("a response object without MessageDisposition is ErrorMessageDispositionRequired", async () => {
    const { requestId } = deliver("Raw");
    const response = await client.callRaw(
      "CreateItem",
      `<m:CreateItem><m:Items><t:AcceptItem><t:ReferenceItemId Id="${requestId}"/></t:AcceptItem></m:Items></m:CreateItem>`,
    );
    const message = response.body.children[0]?.children[0];
    expect(message?.attributes.ResponseClass).toBe("Error");
    expect(message?.children.find((c) => c.name === "ResponseCode")?.text).toBe(
      "ErrorMessageDispositionRequired",
    );
  });
});
