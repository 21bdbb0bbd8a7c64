import { InvalidArgumentError } from "@mailwire/core";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import {
  childBoolean,
  childElement,
  childElements,
  childNumber,
  childText,
  type XmlElement,
} from "../xml/xml-element.js";
import { type ItemId, readId } from "./ids.js";
import type { EwsMailbox } from "./item.js";
import {
  type Recurrence,
  type RecurrencePattern,
  type RecurrenceRange,
  readRecurrence,
  recurrenceNode,
} from "./recurrence.js";

// Calendar items (MS-OXWSMTGS 2.2.4.x CalendarItemType), contacts (MS-OXWSCONT ContactItemType) and
// tasks (MS-OXWSTASK TaskType): what callers write, and what is read back. Elements are written
// in schema order: ItemType fields (Subject, Body) first, then the type's own.

export interface NewCalendarItem {
  subject: string;
  body?: { bodyType: "HTML" | "Text"; text: string } | undefined;
  /** xs:dateTime; a Date is sent in UTC. */
  start: Date | string;
  end: Date | string;
  isAllDayEvent?: boolean | undefined;
  legacyFreeBusyStatus?: "Free" | "Tentative" | "Busy" | "OOF" | "NoData" | undefined;
  location?: string | undefined;
  requiredAttendees?: readonly string[] | undefined;
  optionalAttendees?: readonly string[] | undefined;
  recurrence?: { pattern: RecurrencePattern; range: RecurrenceRange } | undefined;
}

export interface NewContact {
  givenName?: string | undefined;
  surname?: string | undefined;
  displayName?: string | undefined;
  companyName?: string | undefined;
  jobTitle?: string | undefined;
  /** Up to three (EmailAddress1..3). */
  emailAddresses?: readonly string[] | undefined;
  mobilePhone?: string | undefined;
  businessPhone?: string | undefined;
}

export type TaskStatus = "NotStarted" | "InProgress" | "Completed" | "WaitingOnOthers" | "Deferred";

export interface NewTask {
  subject: string;
  body?: { bodyType: "HTML" | "Text"; text: string } | undefined;
  dueDate?: Date | string | undefined;
  startDate?: Date | string | undefined;
  status?: TaskStatus | undefined;
  percentComplete?: number | undefined;
}

/** xs:dateTime text: a Date in UTC, a string as given. */
export const dateTime = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);
/** ItemType's Body (BodyTypeType: HTML or Text). */
export const bodyNode = (body: NewTask["body"]) =>
  body === undefined ? undefined : element("t:Body", { BodyType: body.bodyType }, body.text);
const attendees = (name: string, list: readonly string[] | undefined) =>
  list === undefined || list.length === 0
    ? undefined
    : element(
        name,
        undefined,
        ...list.map((address) =>
          element(
            "t:Attendee",
            undefined,
            element("t:Mailbox", undefined, textElement("t:EmailAddress", address)),
          ),
        ),
      );

export function calendarItemNode(item: NewCalendarItem): XmlNode {
  return element(
    "t:CalendarItem",
    undefined,
    textElement("t:Subject", item.subject),
    bodyNode(item.body),
    textElement("t:Start", dateTime(item.start)),
    textElement("t:End", dateTime(item.end)),
    item.isAllDayEvent === undefined ? undefined : textElement("t:IsAllDayEvent", item.isAllDayEvent),
    item.legacyFreeBusyStatus === undefined
      ? undefined
      : textElement("t:LegacyFreeBusyStatus", item.legacyFreeBusyStatus),
    item.location === undefined ? undefined : textElement("t:Location", item.location),
    attendees("t:RequiredAttendees", item.requiredAttendees),
    attendees("t:OptionalAttendees", item.optionalAttendees),
    item.recurrence === undefined ? undefined : recurrenceNode(item.recurrence),
  );
}

export function contactNode(contact: NewContact): XmlNode {
  const emails = contact.emailAddresses ?? [];
  if (emails.length > 3) throw new InvalidArgumentError("a contact has at most three e-mail addresses");
  const phones = [
    ["BusinessPhone", contact.businessPhone],
    ["MobilePhone", contact.mobilePhone],
  ].filter((entry): entry is [string, string] => entry[1] !== undefined);
  return element(
    "t:Contact",
    undefined,
    contact.displayName === undefined ? undefined : textElement("t:DisplayName", contact.displayName),
    contact.givenName === undefined ? undefined : textElement("t:GivenName", contact.givenName),
    contact.companyName === undefined ? undefined : textElement("t:CompanyName", contact.companyName),
    emails.length === 0
      ? undefined
      : element(
          "t:EmailAddresses",
          undefined,
          ...emails.map((address, index) => element("t:Entry", { Key: `EmailAddress${index + 1}` }, address)),
        ),
    phones.length === 0
      ? undefined
      : element(
          "t:PhoneNumbers",
          undefined,
          ...phones.map(([key, number]) => element("t:Entry", { Key: key }, number)),
        ),
    contact.jobTitle === undefined ? undefined : textElement("t:JobTitle", contact.jobTitle),
    contact.surname === undefined ? undefined : textElement("t:Surname", contact.surname),
  );
}

export function taskNode(task: NewTask): XmlNode {
  return element(
    "t:Task",
    undefined,
    textElement("t:Subject", task.subject),
    bodyNode(task.body),
    task.dueDate === undefined ? undefined : textElement("t:DueDate", dateTime(task.dueDate)),
    task.percentComplete === undefined ? undefined : textElement("t:PercentComplete", task.percentComplete),
    task.startDate === undefined ? undefined : textElement("t:StartDate", dateTime(task.startDate)),
    task.status === undefined ? undefined : textElement("t:Status", task.status),
  );
}

/** The fields a calendar item and a meeting message (request, response, cancellation) share. */
export interface MeetingFields {
  start?: string;
  end?: string;
  isAllDayEvent?: boolean;
  location?: string;
  organizer?: EwsMailbox;
  requiredAttendees: EwsMailbox[];
  optionalAttendees: EwsMailbox[];
  recurrence?: Recurrence;
}

export interface CalendarDetails extends MeetingFields {
  isRecurring?: boolean;
  calendarItemType?: string;
  /** Whether the item has attendees (a meeting rather than an appointment). */
  isMeeting?: boolean;
  isCancelled?: boolean;
  /** This mailbox's answer: "Organizer" on the organizer's item, else Accept, Tentative, NoResponseReceived... */
  myResponseType?: string;
  legacyFreeBusyStatus?: string;
  /** A recurring master's first and last occurrence (OccurrenceInfoType). */
  firstOccurrence?: OccurrenceInfo;
  lastOccurrence?: OccurrenceInfo;
  /** Occurrences of the series changed individually (exceptions). */
  modifiedOccurrences?: OccurrenceInfo[];
  /** Start times of occurrences removed from the series. */
  deletedOccurrences?: string[];
}

/** OccurrenceInfoType (MS-OXWSMTGS): one occurrence of a series, with its own item id. */
export interface OccurrenceInfo {
  itemId?: ItemId;
  start?: string;
  end?: string;
  /** Where the occurrence was in the pattern before it was moved. */
  originalStart?: string;
}

function readOccurrence(element: XmlElement): OccurrenceInfo {
  const occurrence: OccurrenceInfo = {};
  const itemId = readId(childElement(element, "ItemId"));
  if (itemId) occurrence.itemId = itemId;
  for (const [key, name] of [
    ["start", "Start"],
    ["end", "End"],
    ["originalStart", "OriginalStart"],
  ] as const) {
    const value = childText(element, name);
    if (value !== undefined) occurrence[key] = value;
  }
  return occurrence;
}

const mailboxOf = (element: XmlElement | undefined): EwsMailbox => {
  const mailbox: EwsMailbox = {};
  const name = childText(element, "Name");
  if (name !== undefined) mailbox.name = name;
  const address = childText(element, "EmailAddress");
  if (address !== undefined) mailbox.emailAddress = address;
  return mailbox;
};

const attendeesOf = (list: XmlElement | undefined) =>
  childElements(list, "Attendee").map((attendee) => mailboxOf(childElement(attendee, "Mailbox")));

/** The fields of a CalendarItem, MeetingRequest, MeetingResponse or MeetingCancellation element they share. */
export function readMeetingFields(item: XmlElement): MeetingFields {
  const fields: MeetingFields = {
    requiredAttendees: attendeesOf(childElement(item, "RequiredAttendees")),
    optionalAttendees: attendeesOf(childElement(item, "OptionalAttendees")),
  };
  for (const [key, name] of [
    ["start", "Start"],
    ["end", "End"],
    ["location", "Location"],
  ] as const) {
    const value = childText(item, name);
    if (value !== undefined) fields[key] = value;
  }
  const allDay = childBoolean(item, "IsAllDayEvent");
  if (allDay !== undefined) fields.isAllDayEvent = allDay;
  const organizer = childElement(childElement(item, "Organizer"), "Mailbox");
  if (organizer) fields.organizer = mailboxOf(organizer);
  const recurrence = readRecurrence(childElement(item, "Recurrence"));
  if (recurrence) fields.recurrence = recurrence;
  return fields;
}

/** The calendar fields of a CalendarItem element (from GetItem/FindItem's `EwsItem.element`). */
export function readCalendarDetails(item: XmlElement): CalendarDetails {
  const details: CalendarDetails = readMeetingFields(item);
  for (const [key, name] of [
    ["calendarItemType", "CalendarItemType"],
    ["myResponseType", "MyResponseType"],
    ["legacyFreeBusyStatus", "LegacyFreeBusyStatus"],
  ] as const) {
    const value = childText(item, name);
    if (value !== undefined) details[key] = value;
  }
  const recurring = childBoolean(item, "IsRecurring");
  if (recurring !== undefined) details.isRecurring = recurring;
  const meeting = childBoolean(item, "IsMeeting");
  if (meeting !== undefined) details.isMeeting = meeting;
  const cancelled = childBoolean(item, "IsCancelled");
  if (cancelled !== undefined) details.isCancelled = cancelled;
  const first = childElement(item, "FirstOccurrence");
  if (first) details.firstOccurrence = readOccurrence(first);
  const last = childElement(item, "LastOccurrence");
  if (last) details.lastOccurrence = readOccurrence(last);
  const modified = childElement(item, "ModifiedOccurrences");
  if (modified) details.modifiedOccurrences = childElements(modified, "Occurrence").map(readOccurrence);
  const deleted = childElement(item, "DeletedOccurrences");
  if (deleted) {
    details.deletedOccurrences = childElements(deleted, "DeletedOccurrence")
      .map((occurrence) => childText(occurrence, "Start"))
      .filter((start): start is string => start !== undefined);
  }
  return details;
}

export interface ContactDetails {
  displayName?: string;
  givenName?: string;
  surname?: string;
  companyName?: string;
  jobTitle?: string;
  emailAddresses: string[];
  phoneNumbers: Record<string, string>;
}

export function readContactDetails(item: XmlElement): ContactDetails {
  const details: ContactDetails = {
    emailAddresses: childElements(childElement(item, "EmailAddresses"), "Entry").map((e) => e.text.trim()),
    phoneNumbers: {},
  };
  for (const entry of childElements(childElement(item, "PhoneNumbers"), "Entry")) {
    const key = entry.attributes.Key;
    if (key !== undefined) details.phoneNumbers[key] = entry.text.trim();
  }
  for (const [key, name] of [
    ["displayName", "DisplayName"],
    ["givenName", "GivenName"],
    ["surname", "Surname"],
    ["companyName", "CompanyName"],
    ["jobTitle", "JobTitle"],
  ] as const) {
    const value = childText(item, name);
    if (value !== undefined) details[key] = value;
  }
  return details;
}

export interface TaskDetails {
  dueDate?: string;
  startDate?: string;
  status?: string;
  percentComplete?: number;
  isComplete?: boolean;
}

export function readTaskDetails(item: XmlElement): TaskDetails {
  const details: TaskDetails = {};
  for (const [key, name] of [
    ["dueDate", "DueDate"],
    ["startDate", "StartDate"],
    ["status", "Status"],
  ] as const) {
    const value = childText(item, name);
    if (value !== undefined) details[key] = value;
  }
  const percent = childNumber(item, "PercentComplete");
  if (percent !== undefined) details.percentComplete = percent;
  const complete = childBoolean(item, "IsComplete");
  if (complete !== undefined) details.isComplete = complete;
  return details;
}
