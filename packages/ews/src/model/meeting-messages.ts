import { childBoolean, childElement, childText, type XmlElement } from "../xml/xml-element.js";
import { type ItemId, readId } from "./ids.js";
import { type MeetingFields, readMeetingFields } from "./pim-items.js";

// Meeting messages (MS-OXWSMTGS 2.2.4.x MeetingMessageType and its subtypes MeetingRequestMessageType,
// MeetingResponseMessageType, MeetingCancellationMessageType): what arrives in the Inbox (or is
// saved in Sent Items) about a meeting. Their ItemClass (MS-OXOCAL 2.2.x) says which one.

/** ResponseTypeType (MS-OXWSMTGS): an attendee's answer, or "Organizer" for the organizer's own item. */
export type MeetingResponseType =
  | "Unknown"
  | "Organizer"
  | "Tentative"
  | "Accept"
  | "Decline"
  | "NoResponseReceived";

export const MEETING_RESPONSE_TYPES: readonly MeetingResponseType[] = [
  "Unknown",
  "Organizer",
  "Tentative",
  "Accept",
  "Decline",
  "NoResponseReceived",
];

/** What a meeting message is, from its ItemClass; undefined when the class is not a meeting class. */
export type MeetingMessageClass =
  | { type: "request" }
  | { type: "response"; response: "accept" | "tentative" | "decline" }
  | { type: "cancellation" }
  | { type: "other"; itemClass: string };

export function meetingMessageClass(itemClass: string | undefined): MeetingMessageClass | undefined {
  if (itemClass === undefined) return undefined;
  // Classes compare case-insensitively; a suffix after the known class (".Custom") keeps its meaning.
  const lower = itemClass.toLowerCase();
  const is = (prefix: string) => lower === prefix || lower.startsWith(`${prefix}.`);
  if (!is("ipm.schedule.meeting")) return undefined;
  if (is("ipm.schedule.meeting.request")) return { type: "request" };
  if (is("ipm.schedule.meeting.resp.pos")) return { type: "response", response: "accept" };
  if (is("ipm.schedule.meeting.resp.tent")) return { type: "response", response: "tentative" };
  if (is("ipm.schedule.meeting.resp.neg")) return { type: "response", response: "decline" };
  if (is("ipm.schedule.meeting.canceled")) return { type: "cancellation" };
  return { type: "other", itemClass };
}

export interface MeetingMessageDetails extends MeetingFields {
  /** From ItemClass; undefined when the item does not carry a meeting class. */
  messageClass?: MeetingMessageClass;
  /** The calendar item the message is about, in this mailbox. */
  associatedCalendarItemId?: ItemId;
  isDelegated?: boolean;
  isOutOfDate?: boolean;
  hasBeenProcessed?: boolean;
  /** The recipient's response so far (requests), or the response carried (responses). */
  responseType?: MeetingResponseType;
  /** The meeting's iCalendar UID, the same in every copy. */
  uid?: string;
  isOrganizer?: boolean;
  /** MeetingRequestType: NewMeetingRequest, FullUpdate, InformationalUpdate, Outdated, ... (requests). */
  meetingRequestType?: string;
  intendedFreeBusyStatus?: string;
  /** A new time proposed with a response (Exchange 2013+). */
  proposedStart?: string;
  proposedEnd?: string;
}

/**
 * The meeting fields of a MeetingRequest, MeetingResponse or MeetingCancellation element (from
 * getItem/findItems' `EwsItem.element`). Unknown enumeration values are dropped, never thrown.
 */
export function readMeetingDetails(item: XmlElement): MeetingMessageDetails {
  const details: MeetingMessageDetails = readMeetingFields(item);
  const messageClass = meetingMessageClass(childText(item, "ItemClass"));
  if (messageClass) details.messageClass = messageClass;
  const associated = readId(childElement(item, "AssociatedCalendarItemId"));
  if (associated) details.associatedCalendarItemId = associated;
  for (const [key, name] of [
    ["isDelegated", "IsDelegated"],
    ["isOutOfDate", "IsOutOfDate"],
    ["hasBeenProcessed", "HasBeenProcessed"],
    ["isOrganizer", "IsOrganizer"],
  ] as const) {
    const value = childBoolean(item, name);
    if (value !== undefined) details[key] = value;
  }
  for (const [key, name] of [
    ["uid", "UID"],
    ["meetingRequestType", "MeetingRequestType"],
    ["intendedFreeBusyStatus", "IntendedFreeBusyStatus"],
    ["proposedStart", "ProposedStart"],
    ["proposedEnd", "ProposedEnd"],
  ] as const) {
    const value = childText(item, name);
    if (value !== undefined) details[key] = value;
  }
  const response = childText(item, "ResponseType");
  if (MEETING_RESPONSE_TYPES.includes(response as MeetingResponseType)) {
    details.responseType = response as MeetingResponseType;
  }
  return details;
}
