import type { FixtureAddress, FixtureMessage } from "@mailwire/fixtures";
import type { MailboxStore, StoreMessage } from "../store/mailbox-store.js";
import { changeKey, EwsIdError, resolveOneFolder } from "./ews-ids.js";
import { type EwsContext, inDocumentOrder, perItem } from "./ews-operation.js";
import type { EwsPim } from "./ews-pim.js";
import {
  all,
  attr,
  type EwsNode,
  NS,
  one,
  operationResponse,
  parseRequest,
  successMessage,
  text,
  x,
} from "./ews-xml.js";

// Meetings for the EWS endpoint (MS-OXWSMTGS). A meeting request arrives in the Inbox (the test
// control deliverRequest stands in for another mailbox's organizer): a store message whose MIME
// carries a text/calendar METHOD:REQUEST part, so other protocols see it too, plus the tentative
// calendar item Exchange puts in the attendee's calendar. EWS renders such messages as
// t:MeetingRequest / t:MeetingResponse / t:MeetingCancellation with their ItemClass
// (IPM.Schedule.Meeting.*). CreateItem with AcceptItem / TentativelyAcceptItem / DeclineItem
// (ReferenceItemId: the request or the calendar item) sets the calendar item's MyResponseType and
// free/busy status (a decline removes it) and marks the request processed; SendAndSaveCopy keeps
// the response in Sent Items, SaveOnly keeps it as a draft without changing the calendar.
// A meeting this mailbox organizes, created or updated with invitations sent and a copy kept, has
// that request in Sent Items (IsOrganizer, NewMeetingRequest or FullUpdate); nothing is delivered
// to the attendees. CancelCalendarItem removes the organizer's own meeting and keeps the
// cancellation in Sent Items;
// so does DeleteItem of it with SendMeetingCancellations SendToAllAndSaveCopy.
// The request stays in the Inbox after a response (Exchange moves it to Deleted Items).

export interface MeetingInfo {
  kind: "MeetingRequest" | "MeetingResponse" | "MeetingCancellation";
  itemClass: string;
  uid: string;
  /** The attendee's calendar item in this mailbox (requests and incoming cancellations). */
  calendarItemId?: string;
  start: string;
  end: string;
  location: string;
  organizer: FixtureAddress;
  attendees: string[];
  hasBeenProcessed: boolean;
  responseType: string;
  /** MeetingRequestType of a request (default NewMeetingRequest). */
  requestType?: string;
  /** The organizer's own copy (a request saved in Sent Items). */
  isOrganizer?: boolean;
  /** A new time proposed with a response (ProposedStart / ProposedEnd). */
  proposed?: { start: string; end: string };
}

interface Registry {
  infos: Map<string, MeetingInfo>;
  /** The change key of a calendar item, or undefined once it is gone. */
  calendarKey: (id: string) => string | undefined;
}

const registries = new WeakMap<MailboxStore, Registry>();

/** The meeting view of a store message, if it is one (used by ews-render.ts). */
export function meetingOf(store: MailboxStore, messageId: string): MeetingInfo | undefined {
  return registries.get(store)?.infos.get(messageId);
}

const mailboxXml = (address: FixtureAddress) =>
  `<t:Mailbox>${address.name ? `<t:Name>${x(address.name)}</t:Name>` : ""}<t:EmailAddress>${x(address.address)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox>`;

/** MeetingMessageType's fields, then the subtype's (schema order), appended after the message fields. */
export function meetingFieldsXml(store: MailboxStore, info: MeetingInfo): string {
  const key = info.calendarItemId ? registries.get(store)?.calendarKey(info.calendarItemId) : undefined;
  const associated =
    info.calendarItemId && key
      ? `<t:AssociatedCalendarItemId Id="${info.calendarItemId}" ChangeKey="${key}"/>`
      : "";
  const common = `${associated}<t:IsDelegated>false</t:IsDelegated><t:IsOutOfDate>false</t:IsOutOfDate><t:HasBeenProcessed>${info.hasBeenProcessed}</t:HasBeenProcessed><t:ResponseType>${info.responseType}</t:ResponseType><t:UID>${x(info.uid)}</t:UID><t:IsOrganizer>${info.isOrganizer === true}</t:IsOrganizer>`;
  const when = `<t:Start>${info.start}</t:Start><t:End>${info.end}</t:End>`;
  if (info.kind === "MeetingRequest") {
    const attendees = info.attendees
      .map((address) => `<t:Attendee>${mailboxXml({ address })}</t:Attendee>`)
      .join("");
    return `${common}<t:MeetingRequestType>${info.requestType ?? "NewMeetingRequest"}</t:MeetingRequestType><t:IntendedFreeBusyStatus>Busy</t:IntendedFreeBusyStatus>${when}<t:IsAllDayEvent>false</t:IsAllDayEvent><t:Location>${x(info.location)}</t:Location><t:Organizer>${mailboxXml(info.organizer)}</t:Organizer>${attendees ? `<t:RequiredAttendees>${attendees}</t:RequiredAttendees>` : ""}`;
  }
  const proposed =
    info.kind === "MeetingResponse" && info.proposed
      ? `<t:ProposedStart>${x(info.proposed.start)}</t:ProposedStart><t:ProposedEnd>${x(info.proposed.end)}</t:ProposedEnd>`
      : "";
  return `${common}${when}<t:Location>${x(info.location)}</t:Location>${proposed}`;
}

/** The addresses of a calendar item's required and optional attendees, in that order. */
const attendeeAddresses = (calendar: EwsNode) =>
  ["RequiredAttendees", "OptionalAttendees"].flatMap((list) =>
    all(one(calendar, list), "Attendee").map((a) => text(one(one(a, "Mailbox"), "EmailAddress"))),
  );

/** The UID, times and location of a calendar item, as a meeting message about it carries them. */
const meetingBasis = (calendar: EwsNode | undefined) => ({
  uid: text(one(calendar, "UID")),
  start: text(one(calendar, "Start")),
  end: text(one(calendar, "End")),
  location: text(one(calendar, "Location")),
});

const icalDate = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
const icalText = (value: string) => value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, "\\n");

/** A meeting message: its MIME headers and text, the iCalendar METHOD, and its meeting view. */
interface MeetingMessage {
  from: FixtureAddress;
  to: string[];
  subject: string;
  text: string;
  method: "REQUEST" | "REPLY" | "CANCEL";
  partstat?: string;
  info: MeetingInfo;
}

/** A store message whose MIME has a text/plain part and the iCalendar part (RFC 5546) it stands for. */
function meetingFixture(options: MeetingMessage & { folder: string[] }): FixtureMessage {
  const date = new Date();
  const messageId = `<${date.getTime()}.${Math.random().toString(36).slice(2)}@sim.mailwire.test>`;
  const { info } = options;
  const ical = [
    "BEGIN:VCALENDAR",
    "PRODID:-//mailwire//exchange-sim//EN",
    "VERSION:2.0",
    `METHOD:${options.method}`,
    "BEGIN:VEVENT",
    `UID:${info.uid}`,
    `DTSTAMP:${icalDate(date.toISOString())}`,
    `DTSTART:${icalDate(info.start)}`,
    `DTEND:${icalDate(info.end)}`,
    `SUMMARY:${icalText(options.subject)}`,
    `LOCATION:${icalText(info.location)}`,
    `ORGANIZER:mailto:${info.organizer.address}`,
    ...options.to.map(
      (address) => `ATTENDEE${options.partstat ? `;PARTSTAT=${options.partstat}` : ""}:mailto:${address}`,
    ),
    ...(options.method === "CANCEL" ? ["STATUS:CANCELLED"] : []),
    "END:VEVENT",
    "END:VCALENDAR",
  ].join("\r\n");
  const boundary = `sim-${Math.random().toString(36).slice(2)}`;
  const raw = Buffer.from(
    `From: ${options.from.address}\r\nTo: ${options.to.join(", ")}\r\nSubject: ${options.subject}\r\nDate: ${date.toUTCString()}\r\nMessage-ID: ${messageId}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${options.text.replace(/\r?\n/g, "\r\n")}\r\n--${boundary}\r\nContent-Type: text/calendar; charset=utf-8; method=${options.method}\r\n\r\n${ical}\r\n--${boundary}--\r\n`,
  );
  return {
    id: "",
    folder: options.folder,
    raw: new Uint8Array(raw),
    subject: options.subject,
    from: options.from,
    to: options.to.map((address) => ({ address })),
    date,
    flags: { seen: false, flagged: false, answered: false },
    size: raw.length,
    messageId,
    hasAttachments: false,
    cc: [],
    references: [],
    text: options.text,
    attachments: [],
    contentType: "multipart/alternative",
  };
}

const RESPONSES: Readonly<
  Record<string, { response: string; busy: string; itemClass: string; prefix: string; partstat: string }>
> = {
  AcceptItem: {
    response: "Accept",
    busy: "Busy",
    itemClass: "IPM.Schedule.Meeting.Resp.Pos",
    prefix: "Accepted",
    partstat: "ACCEPTED",
  },
  TentativelyAcceptItem: {
    response: "Tentative",
    busy: "Tentative",
    itemClass: "IPM.Schedule.Meeting.Resp.Tent",
    prefix: "Tentative",
    partstat: "TENTATIVE",
  },
  DeclineItem: {
    response: "Decline",
    busy: "Free",
    itemClass: "IPM.Schedule.Meeting.Resp.Neg",
    prefix: "Declined",
    partstat: "DECLINED",
  },
};

export const RESPONSE_OBJECTS = new Set([...Object.keys(RESPONSES), "CancelCalendarItem"]);

/** A meeting request from another mailbox's organizer (control deliverRequest). */
export interface MeetingRequestDelivery {
  organizer: FixtureAddress;
  subject: string;
  start: string;
  end: string;
  location?: string;
  body?: string;
}

export interface DeliveredMeetingRequest {
  requestId: string;
  calendarItemId: string;
}

export class EwsMeetings {
  readonly #pim: EwsPim;

  constructor(pim: EwsPim) {
    this.#pim = pim;
  }

  #registry(store: MailboxStore): Registry {
    let registry = registries.get(store);
    if (registry === undefined) {
      registry = { infos: new Map(), calendarKey: (id) => this.#pim.calendarItem(id)?.changeKey };
      registries.set(store, registry);
    }
    return registry;
  }

  /** Stores a meeting message in `folderId` and registers its meeting view. */
  #save(store: MailboxStore, folderId: string, message: MeetingMessage): StoreMessage {
    const stored = store.addMessage(
      folderId,
      meetingFixture({ ...message, folder: store.folder(folderId).path }),
    );
    this.#registry(store).infos.set(stored.id, message.info);
    return stored;
  }

  /** A meeting request from `organizer` arrives in the Inbox; a tentative calendar item is added. */
  deliverRequest(store: MailboxStore, options: MeetingRequestDelivery): DeliveredMeetingRequest {
    const owner = store.user.address;
    const uid = `sim-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const location = options.location ?? "";
    const organizerXml = `<t:Organizer><t:Mailbox>${options.organizer.name ? `<t:Name>${x(options.organizer.name)}</t:Name>` : ""}<t:EmailAddress>${x(options.organizer.address)}</t:EmailAddress></t:Mailbox></t:Organizer>`;
    const markup = `<t:CalendarItem xmlns:t="${NS.t}"><t:Subject>${x(options.subject)}</t:Subject><t:Start>${options.start}</t:Start><t:End>${options.end}</t:End><t:LegacyFreeBusyStatus>Tentative</t:LegacyFreeBusyStatus><t:Location>${x(location)}</t:Location><t:IsMeeting>true</t:IsMeeting><t:IsCancelled>false</t:IsCancelled><t:UID>${uid}</t:UID><t:MyResponseType>NoResponseReceived</t:MyResponseType>${organizerXml}<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>${x(owner)}</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees></t:CalendarItem>`;
    const node = one(parseRequest(markup), "CalendarItem") as EwsNode;
    const calendarItemId = this.#pim.addCalendarItem(node);
    const info: MeetingInfo = {
      kind: "MeetingRequest",
      itemClass: "IPM.Schedule.Meeting.Request",
      uid,
      calendarItemId,
      start: options.start,
      end: options.end,
      location,
      organizer: options.organizer,
      attendees: [owner],
      hasBeenProcessed: false,
      responseType: "NoResponseReceived",
    };
    const request = this.#save(store, store.specialFolder("inbox").id, {
      from: options.organizer,
      to: [owner],
      subject: options.subject,
      text: options.body ?? "",
      method: "REQUEST",
      info,
    });
    return { requestId: request.id, calendarItemId };
  }

  /** The organizer cancels a delivered meeting: a cancellation in the Inbox, the calendar item marked cancelled. */
  deliverCancellation(store: MailboxStore, requestId: string): { cancellationId: string } {
    const request = meetingOf(store, requestId);
    if (request?.kind !== "MeetingRequest") throw new Error(`${requestId} is not a meeting request`);
    const calendar = request.calendarItemId ? this.#pim.calendarItem(request.calendarItemId) : undefined;
    if (calendar && request.calendarItemId) {
      calendar.node.IsCancelled = [{ "#text": "true" }];
      calendar.node.Subject = [{ "#text": `Canceled: ${text(one(calendar.node, "Subject"))}` }];
      this.#pim.touch(request.calendarItemId);
    }
    const subject = `Canceled: ${store.message(requestId).fixture.subject}`;
    const info: MeetingInfo = {
      ...request,
      kind: "MeetingCancellation",
      itemClass: "IPM.Schedule.Meeting.Canceled",
      hasBeenProcessed: false,
    };
    const message = this.#save(store, store.specialFolder("inbox").id, {
      from: request.organizer,
      to: request.attendees,
      subject,
      text: "The meeting has been canceled.",
      method: "CANCEL",
      info,
    });
    return { cancellationId: message.id };
  }

  /** CreateItem whose Items are response objects (AcceptItem, ..., CancelCalendarItem). */
  respond(context: EwsContext, request: EwsNode): string {
    const disposition = attr(request, "MessageDisposition");
    const saved = one(request, "SavedItemFolderId");
    const items = one(request, "Items");
    const messages: string[] = [];
    const groups = Object.fromEntries(
      [...RESPONSE_OBJECTS].map((kind) => [kind, all(items, kind).map((node) => ({ kind, node }))]),
    );
    // One response message per response object, in request order (mixed kinds allowed).
    for (const { kind, node } of inDocumentOrder(context.raw, groups)) {
      messages.push(
        perItem("CreateItem", () => {
          // Response objects need a disposition (MS-OXWSMTGS; ErrorMessageDispositionRequired).
          if (disposition === undefined) {
            throw new EwsIdError(
              "ErrorMessageDispositionRequired",
              "MessageDisposition is required for this operation.",
            );
          }
          const folder = saved ? resolveOneFolder(context.store, saved) : undefined;
          return kind === "CancelCalendarItem"
            ? this.#cancel(context, node, disposition, folder)
            : this.#respond(context, kind, node, disposition, folder);
        }),
      );
    }
    return operationResponse(context.version, "CreateItem", messages);
  }

  #respond(
    context: EwsContext,
    kind: string,
    node: EwsNode,
    disposition: string,
    folder: string | undefined,
  ): string {
    const { store } = context;
    const ref = attr(one(node, "ReferenceItemId"), "Id") ?? "";
    const registry = this.#registry(store);
    let requestId: string | undefined;
    let calendarItemId: string | undefined;
    const direct = registry.infos.get(ref);
    if (direct?.kind === "MeetingRequest") {
      requestId = ref;
      calendarItemId = direct.calendarItemId;
    } else if (this.#pim.calendarItem(ref)) {
      calendarItemId = ref;
      requestId = [...registry.infos].find(
        ([, info]) => info.kind === "MeetingRequest" && info.calendarItemId === ref,
      )?.[0];
    } else {
      throw new EwsIdError("ErrorItemNotFound", "The specified object was not found in the store.");
    }
    const calendar = calendarItemId ? this.#pim.calendarItem(calendarItemId) : undefined;
    if (calendar && text(one(calendar.node, "MyResponseType")) === "Organizer") {
      throw new EwsIdError("ErrorInvalidRequest", "The organizer cannot respond to their own meeting.");
    }
    const request = requestId ? registry.infos.get(requestId) : undefined;
    const how = RESPONSES[kind];
    if (how === undefined || (calendar === undefined && request === undefined)) {
      throw new EwsIdError("ErrorItemNotFound", "The specified object was not found in the store.");
    }
    if (disposition !== "SaveOnly") {
      if (calendar && calendarItemId) {
        if (kind === "DeclineItem") this.#pim.removeItem(calendarItemId);
        else {
          calendar.node.MyResponseType = [{ "#text": how.response }];
          calendar.node.LegacyFreeBusyStatus = [{ "#text": how.busy }];
          this.#pim.touch(calendarItemId);
        }
      }
      if (request) {
        request.hasBeenProcessed = true;
        request.responseType = how.response;
        if (requestId) store.setFlags(requestId, { seen: true });
      }
    }
    if (disposition === "SendOnly") return successMessage("CreateItem", "<m:Items/>");
    const basis = request ?? {
      ...meetingBasis(calendar?.node),
      organizer: { address: text(one(one(one(calendar?.node, "Organizer"), "Mailbox"), "EmailAddress")) },
    };
    const subject = `${how.prefix}: ${requestId ? store.message(requestId).fixture.subject : text(one(calendar?.node, "Subject"))}`;
    const info: MeetingInfo = {
      kind: "MeetingResponse",
      itemClass: how.itemClass,
      uid: basis.uid,
      start: basis.start,
      end: basis.end,
      location: basis.location,
      organizer: basis.organizer,
      attendees: [store.user.address],
      hasBeenProcessed: true,
      responseType: how.response,
      ...(one(node, "ProposedStart") && one(node, "ProposedEnd")
        ? { proposed: { start: text(one(node, "ProposedStart")), end: text(one(node, "ProposedEnd")) } }
        : {}),
    };
    const message = this.#save(
      store,
      folder ?? store.specialFolder(disposition === "SaveOnly" ? "drafts" : "sent").id,
      {
        from: { address: context.address },
        to: [basis.organizer.address],
        subject,
        text: text(one(node, "Body")),
        method: "REPLY",
        partstat: how.partstat,
        info,
      },
    );
    return successMessage(
      "CreateItem",
      disposition === "SaveOnly"
        ? `<m:Items><t:MeetingResponse><t:ItemId Id="${message.id}" ChangeKey="${changeKey(message)}"/></t:MeetingResponse></m:Items>`
        : "<m:Items/>",
    );
  }

  /** The organizer's copy of a sent meeting request (new or updated), kept in Sent Items. */
  saveSentRequest(context: EwsContext, calendarItemId: string, calendar: EwsNode, type: string): void {
    const attendees = attendeeAddresses(calendar);
    const info: MeetingInfo = {
      kind: "MeetingRequest",
      itemClass: "IPM.Schedule.Meeting.Request",
      ...meetingBasis(calendar),
      calendarItemId,
      organizer: { address: context.address },
      attendees,
      hasBeenProcessed: true,
      responseType: "Organizer",
      requestType: type,
      isOrganizer: true,
    };
    this.#save(context.store, context.store.specialFolder("sent").id, {
      from: { address: context.address },
      to: attendees,
      subject: text(one(calendar, "Subject")),
      text: text(one(calendar, "Body")),
      method: "REQUEST",
      info,
    });
  }

  /**
   * DeleteItem of a meeting this mailbox organizes with SendMeetingCancellations SendOnlyToAll or
   * SendToAllAndSaveCopy: the attendees are told (the copy is kept in Sent Items for the latter).
   * Called before the item is deleted; other items are left alone.
   */
  cancelOnDelete(context: EwsContext, calendarItemId: string, saveCopy: boolean): void {
    const calendar = this.#pim.calendarItem(calendarItemId);
    if (calendar === undefined || text(one(calendar.node, "MyResponseType")) !== "Organizer") return;
    if (saveCopy) this.#saveCancellation(context, calendar.node, context.store.specialFolder("sent").id, "");
  }

  #saveCancellation(context: EwsContext, calendar: EwsNode, folderId: string, body: string): void {
    const attendees = attendeeAddresses(calendar);
    const info: MeetingInfo = {
      kind: "MeetingCancellation",
      itemClass: "IPM.Schedule.Meeting.Canceled",
      ...meetingBasis(calendar),
      organizer: { address: context.address },
      attendees,
      hasBeenProcessed: true,
      responseType: "Organizer",
    };
    this.#save(context.store, folderId, {
      from: { address: context.address },
      to: attendees,
      subject: `Canceled: ${text(one(calendar, "Subject"))}`,
      text: body,
      method: "CANCEL",
      info,
    });
  }

  #cancel(context: EwsContext, node: EwsNode, disposition: string, folder: string | undefined): string {
    if (disposition === "SaveOnly") {
      throw new EwsIdError(
        "ErrorInvalidRequest",
        "A cancellation must be sent (SendOnly or SendAndSaveCopy).",
      );
    }
    const ref = attr(one(node, "ReferenceItemId"), "Id") ?? "";
    const calendar = this.#pim.calendarItem(ref);
    if (calendar === undefined) {
      throw new EwsIdError("ErrorItemNotFound", "The specified object was not found in the store.");
    }
    if (text(one(calendar.node, "MyResponseType")) !== "Organizer") {
      throw new EwsIdError("ErrorInvalidRequest", "Only the organizer can cancel a meeting.");
    }
    this.#pim.removeItem(ref);
    if (disposition === "SendAndSaveCopy") {
      this.#saveCancellation(
        context,
        calendar.node,
        folder ?? context.store.specialFolder("sent").id,
        text(one(node, "NewBodyContent")),
      );
    }
    return successMessage("CreateItem", "<m:Items/>");
  }
}
