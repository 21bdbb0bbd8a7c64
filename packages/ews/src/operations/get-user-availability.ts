import { InvalidArgumentError, ProtocolError } from "@mailwire/core";
import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type EwsResult, readResponseMessage } from "../soap/parse-response.js";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import { childBoolean, childElement, childElements, childText, type XmlElement } from "../xml/xml-element.js";

// GetUserAvailability (MS-OXWSAVAIL 3.1.4.1): free/busy for several mailboxes over a window.
// Unlike most operations the response is not a ResponseMessages list: each FreeBusyResponse
// has its own ResponseMessage, one per requested mailbox in request order, read here as typed
// results. Times are exchanged in the request's SerializableTimeZone; we always send UTC (bias 0,
// no daylight rule), so the window goes out as UTC wall-clock time and events come back in UTC.

export type FreeBusyView = "FreeBusy" | "FreeBusyMerged" | "Detailed" | "DetailedMerged";
export type BusyType = "Free" | "Tentative" | "Busy" | "OOF" | "WorkingElsewhere" | "NoData";

export interface AvailabilityOptions extends SoapCallOptions {
  start: Date;
  end: Date;
  /** Default DetailedMerged: events with subjects where permitted, plus the merged string. */
  view?: FreeBusyView | undefined;
  /** Slot length of `mergedFreeBusy` (default 30; Exchange accepts 5 to 1,440). */
  mergedIntervalMinutes?: number | undefined;
  attendeeType?: "Organizer" | "Required" | "Optional" | "Room" | "Resource" | undefined;
}

export interface CalendarEvent {
  /** UTC, as "YYYY-MM-DDThh:mm:ss" wall-clock time (the request's time zone is UTC). */
  start: string;
  end: string;
  busyType: string;
  details?: {
    subject?: string;
    location?: string;
    isMeeting?: boolean;
    isRecurring?: boolean;
    isPrivate?: boolean;
  };
}

export interface Availability {
  viewType?: string;
  /** One digit per slot: 0 free, 1 tentative, 2 busy, 3 OOF, 4 working elsewhere, N no data. */
  mergedFreeBusy?: string;
  events: CalendarEvent[];
}

/** UTC wall-clock time without a zone designator, as the UTC SerializableTimeZone expects. */
const utc = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "");

function transition(name: string): XmlNode {
  return element(
    name,
    undefined,
    textElement("t:Bias", 0),
    textElement("t:Time", "00:00:00"),
    textElement("t:DayOrder", 1),
    textElement("t:Month", 1),
    textElement("t:DayOfWeek", "Sunday"),
  );
}

export function availabilityBody(mailboxes: readonly string[], options: AvailabilityOptions): XmlNode {
  if (mailboxes.length === 0)
    throw new InvalidArgumentError("getUserAvailability needs at least one mailbox");
  if (!(options.start < options.end)) throw new InvalidArgumentError("start must be before end");
  const interval = options.mergedIntervalMinutes ?? 30;
  if (!Number.isInteger(interval) || interval < 5 || interval > 1440) {
    throw new InvalidArgumentError("mergedIntervalMinutes must be an integer from 5 to 1440");
  }
  return element(
    "m:GetUserAvailabilityRequest",
    undefined,
    element(
      "t:TimeZone",
      undefined,
      textElement("t:Bias", 0),
      transition("t:StandardTime"),
      transition("t:DaylightTime"),
    ),
    element(
      "m:MailboxDataArray",
      undefined,
      ...mailboxes.map((address) =>
        element(
          "t:MailboxData",
          undefined,
          element("t:Email", undefined, textElement("t:Address", address)),
          textElement("t:AttendeeType", options.attendeeType ?? "Required"),
          textElement("t:ExcludeConflicts", false),
        ),
      ),
    ),
    element(
      "t:FreeBusyViewOptions",
      undefined,
      element(
        "t:TimeWindow",
        undefined,
        textElement("t:StartTime", utc(options.start)),
        textElement("t:EndTime", utc(options.end)),
      ),
      textElement("t:MergedFreeBusyIntervalInMinutes", interval),
      textElement("t:RequestedView", options.view ?? "DetailedMerged"),
    ),
  );
}

function readEvent(event: XmlElement): CalendarEvent {
  const result: CalendarEvent = {
    start: childText(event, "StartTime") ?? "",
    end: childText(event, "EndTime") ?? "",
    busyType: childText(event, "BusyType") ?? "NoData",
  };
  const detailsElement = childElement(event, "CalendarEventDetails");
  if (detailsElement) {
    const details: NonNullable<CalendarEvent["details"]> = {};
    const subject = childText(detailsElement, "Subject");
    if (subject !== undefined) details.subject = subject;
    const location = childText(detailsElement, "Location");
    if (location !== undefined) details.location = location;
    for (const [key, name] of [
      ["isMeeting", "IsMeeting"],
      ["isRecurring", "IsRecurring"],
      ["isPrivate", "IsPrivate"],
    ] as const) {
      const value = childBoolean(detailsElement, name);
      if (value !== undefined) details[key] = value;
    }
    result.details = details;
  }
  return result;
}

export async function getUserAvailability(
  soap: SoapClient,
  mailboxes: readonly string[],
  options: AvailabilityOptions,
): Promise<EwsResult<Availability>[]> {
  const response = await soap.call("GetUserAvailability", availabilityBody(mailboxes, options), {
    ...options,
    idempotent: true,
  });
  const array = childElement(response.body, "FreeBusyResponseArray");
  if (array === undefined)
    throw new ProtocolError("GetUserAvailabilityResponse has no FreeBusyResponseArray");
  return childElements(array, "FreeBusyResponse").map((entry) => {
    const message = childElement(entry, "ResponseMessage");
    if (message === undefined) throw new ProtocolError("a FreeBusyResponse has no ResponseMessage");
    return readResponseMessage(message, () => {
      const view = childElement(entry, "FreeBusyView");
      const availability: Availability = {
        events: childElements(childElement(view, "CalendarEventArray"), "CalendarEvent").map(readEvent),
      };
      const viewType = childText(view, "FreeBusyViewType");
      if (viewType !== undefined) availability.viewType = viewType;
      const merged = childText(view, "MergedFreeBusy");
      if (merged !== undefined) availability.mergedFreeBusy = merged;
      return availability;
    });
  });
}
