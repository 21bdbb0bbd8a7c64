import type { EwsContext } from "./ews-operation.js";
import {
  all,
  attr,
  ENVELOPE_TAIL,
  type EwsNode,
  envelopeHead,
  errorMessage,
  NS,
  one,
  operationResponse,
  successMessage,
  text,
  x,
} from "./ews-xml.js";

// Calendar, contacts and tasks for the EWS endpoint (MS-OXWSMTGS, MS-OXWSCONT, MS-OXWSTASK).
// The shared mailbox store holds messages only, so these items live here, per sim, in three
// virtual folders (calendar, contacts, tasks); other protocols do not see them. UpdateItem applies SetItemField (indexed
// entries merged by Key) and DeleteItemField; GetUserAvailability answers for the owner's calendar
// from these items (other mailboxes: ErrorMailRecipientNotFound). CalendarView expands daily,
// weekly, absolute/relative monthly and absolute/relative yearly series (day granularity, in UTC).

export const PIM_FOLDERS = {
  calendar: "fld-calendar",
  contacts: "fld-contacts",
  tasks: "fld-tasks",
} as const;
const KIND_FOLDER: Readonly<Record<string, string>> = {
  CalendarItem: PIM_FOLDERS.calendar,
  Contact: PIM_FOLDERS.contacts,
  Task: PIM_FOLDERS.tasks,
};
const ITEM_CLASS: Readonly<Record<string, string>> = {
  CalendarItem: "IPM.Appointment",
  Contact: "IPM.Contact",
  Task: "IPM.Task",
};
export const PIM_KINDS = new Set(Object.keys(KIND_FOLDER));

interface PimItem {
  id: string;
  kind: string;
  folder: string;
  node: EwsNode;
  changeNumber: number;
}

/** Writes a parsed request element back as markup in the types namespace. */
export function serializeNode(node: EwsNode): string {
  let out = "";
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("@") || key === "#text" || !Array.isArray(value)) continue;
    for (const child of value as EwsNode[]) {
      const attributes = Object.entries(child)
        .filter(([name]) => name.startsWith("@"))
        .map(([name, v]) => ` ${name.slice(1)}="${x(String(v))}"`)
        .join("");
      out += `<t:${key}${attributes}>${x(text(child))}${serializeNode(child)}</t:${key}>`;
    }
  }
  return out;
}

const DAY = 86_400_000;

const startOf = (entry: { item: PimItem; occurrence: { start: Date } | undefined }) =>
  (entry.occurrence?.start ?? new Date(text(one(entry.item.node, "Start")))).getTime();
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const INDEXES = ["First", "Second", "Third", "Fourth"];

const monthsBetween = (from: Date, to: Date) =>
  (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();

/** DayOfWeekType (MS-OXWSCDATA): a weekday, or Day / Weekday / WeekendDay. */
function isKind(kind: string, date: Date): boolean {
  const weekday = date.getUTCDay();
  if (kind === "Day") return true;
  if (kind === "Weekday") return weekday >= 1 && weekday <= 5;
  if (kind === "WeekendDay") return weekday === 0 || weekday === 6;
  return WEEKDAYS[weekday] === kind;
}

/**
 * Whether `date` is an occurrence day of a monthly/yearly pattern within its month: DayOfMonth for
 * the absolute patterns; for the relative ones, the DayOfWeekIndex-th day (First..Fourth, or
 * Last) of those matching DaysOfWeek.
 */
function matchesInMonth(pattern: EwsNode, date: Date): boolean {
  const dayOfMonth = text(one(pattern, "DayOfMonth"));
  if (dayOfMonth) return date.getUTCDate() === Number(dayOfMonth);
  const kind = text(one(pattern, "DaysOfWeek"));
  if (!isKind(kind, date)) return false;
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  let ordinal = 0;
  for (let d = 1; d <= date.getUTCDate(); d++)
    if (isKind(kind, new Date(Date.UTC(year, month, d)))) ordinal++;
  const index = text(one(pattern, "DayOfWeekIndex"));
  if (index === "Last") {
    for (let d = date.getUTCDate() + 1; d <= daysInMonth; d++)
      if (isKind(kind, new Date(Date.UTC(year, month, d)))) return false;
    return true;
  }
  return INDEXES.indexOf(index) + 1 === ordinal;
}

export class EwsPim {
  /**
   * Called when a meeting this mailbox organizes is sent with a copy kept (CreateItem
   * SendMeetingInvitations SendToAllAndSaveCopy, UpdateItem SendMeetingInvitationsOrCancellations
   * SendToAllAndSaveCopy / SendToChangedAndSaveCopy); ews-meetings.ts saves the request in Sent Items.
   */
  onMeetingSent:
    | ((context: EwsContext, id: string, node: EwsNode, type: "NewMeetingRequest" | "FullUpdate") => void)
    | undefined;
  readonly #items = new Map<string, PimItem>();
  #next = 1;
  #changes = 0;

  isPimFolder(id: string): boolean {
    return Object.values(PIM_FOLDERS).includes(id as never);
  }

  isPimId(id: string): boolean {
    return id.startsWith("pim-");
  }

  #render(item: PimItem, occurrence?: { start: Date; end: Date }): string {
    let derived = "";
    let body = serializeNode(item.node);
    if (item.kind === "CalendarItem") {
      const recurring = one(item.node, "Recurrence") !== undefined;
      const type = occurrence ? "Occurrence" : recurring ? "RecurringMaster" : "Single";
      if (occurrence) {
        body = body
          .replace(/<t:Start>[^<]*<\/t:Start>/, `<t:Start>${occurrence.start.toISOString()}</t:Start>`)
          .replace(/<t:End>[^<]*<\/t:End>/, `<t:End>${occurrence.end.toISOString()}</t:End>`);
      }
      derived = `<t:IsRecurring>${recurring}</t:IsRecurring><t:CalendarItemType>${type}</t:CalendarItemType>`;
    }
    if (item.kind === "Task") {
      derived = `<t:IsComplete>${text(one(item.node, "Status")) === "Completed"}</t:IsComplete>`;
    }
    return `<t:${item.kind}><t:ItemId Id="${item.id}" ChangeKey="CK${item.changeNumber}"/><t:ParentFolderId Id="${item.folder}"/><t:ItemClass>${ITEM_CLASS[item.kind]}</t:ItemClass>${body}${derived}</t:${item.kind}>`;
  }

  /** Stores a new item of `kind` (one of PIM_KINDS) in its folder. */
  #add(kind: string, node: EwsNode): PimItem {
    const item: PimItem = {
      id: `pim-${this.#next++}`,
      kind,
      folder: KIND_FOLDER[kind] as string,
      node,
      changeNumber: ++this.#changes,
    };
    this.#items.set(item.id, item);
    return item;
  }

  /** Adds a calendar item built elsewhere (a meeting request's tentative item); returns its id. */
  addCalendarItem(node: EwsNode): string {
    return this.#add("CalendarItem", node).id;
  }

  calendarItem(id: string): { node: EwsNode; changeKey: string } | undefined {
    const item = this.#items.get(id);
    return item?.kind === "CalendarItem"
      ? { node: item.node, changeKey: `CK${item.changeNumber}` }
      : undefined;
  }

  /** A new change key after the node was changed in place. */
  touch(id: string): void {
    const item = this.#items.get(id);
    if (item) item.changeNumber = ++this.#changes;
  }

  removeItem(id: string): void {
    this.#items.delete(id);
  }

  create(context: EwsContext, request: EwsNode): string {
    const messages: string[] = [];
    for (const [kind, nodes] of Object.entries(one(request, "Items") ?? {})) {
      if (!Array.isArray(nodes)) continue;
      for (const node of nodes as EwsNode[]) {
        if (!PIM_KINDS.has(kind)) {
          messages.push(
            errorMessage(
              "CreateItem",
              "ErrorInvalidRequest",
              "Mixed item kinds are not supported by the sim.",
            ),
          );
          continue;
        }
        if (kind === "CalendarItem" && (one(node, "RequiredAttendees") || one(node, "OptionalAttendees"))) {
          // A meeting: this mailbox organizes it (MS-OXWSMTGS MyResponseType "Organizer").
          node.IsMeeting = [{ "#text": "true" }];
          node.UID = [{ "#text": `sim-${Date.now()}-${this.#next}` }];
          node.MyResponseType = [{ "#text": "Organizer" }];
          node.Organizer = [{ Mailbox: [{ EmailAddress: [{ "#text": context.address }] }] }];
        }
        const item = this.#add(kind, node);
        if (
          text(one(node, "MyResponseType")) === "Organizer" &&
          attr(request, "SendMeetingInvitations") === "SendToAllAndSaveCopy"
        ) {
          this.onMeetingSent?.(context, item.id, node, "NewMeetingRequest");
        }
        messages.push(
          successMessage(
            "CreateItem",
            `<m:Items><t:${kind}><t:ItemId Id="${item.id}" ChangeKey="CK${item.changeNumber}"/></t:${kind}></m:Items>`,
          ),
        );
      }
    }
    return operationResponse(context.version, "CreateItem", messages);
  }

  get(context: EwsContext, ids: string[]): string {
    return operationResponse(
      context.version,
      "GetItem",
      ids.map((id) => {
        const item = this.#items.get(id);
        return item
          ? successMessage("GetItem", `<m:Items>${this.#render(item)}</m:Items>`)
          : errorMessage(
              "GetItem",
              "ErrorItemNotFound",
              "The specified object was not found in the store.",
              "<m:Items/>",
            );
      }),
    );
  }

  delete(context: EwsContext, ids: string[]): string {
    return operationResponse(
      context.version,
      "DeleteItem",
      ids.map((id) =>
        this.#items.delete(id)
          ? successMessage("DeleteItem")
          : errorMessage(
              "DeleteItem",
              "ErrorItemNotFound",
              "The specified object was not found in the store.",
            ),
      ),
    );
  }

  #occurrences(item: PimItem, from: Date, to: Date): Array<{ start: Date; end: Date } | undefined> {
    const start = new Date(text(one(item.node, "Start")));
    const end = new Date(text(one(item.node, "End")));
    const overlaps = (s: Date, e: Date) => s < to && e > from;
    const recurrence = one(item.node, "Recurrence");
    if (recurrence === undefined) return overlaps(start, end) ? [undefined] : [];
    const daily = one(recurrence, "DailyRecurrence");
    const weekly = one(recurrence, "WeeklyRecurrence");
    const monthly =
      one(recurrence, "AbsoluteMonthlyRecurrence") ?? one(recurrence, "RelativeMonthlyRecurrence");
    const yearly = one(recurrence, "AbsoluteYearlyRecurrence") ?? one(recurrence, "RelativeYearlyRecurrence");
    const range =
      one(recurrence, "EndDateRecurrence") ??
      one(recurrence, "NumberedRecurrence") ??
      one(recurrence, "NoEndRecurrence");
    const last = one(range, "EndDate") ? new Date(`${text(one(range, "EndDate"))}T23:59:59Z`) : to;
    const count = Number(text(one(range, "NumberOfOccurrences")) || Number.POSITIVE_INFINITY);
    const interval = Number(text(one(daily ?? weekly ?? monthly, "Interval")) || 1);
    const days = new Set(text(one(weekly, "DaysOfWeek")).split(/\s+/));
    const duration = end.getTime() - start.getTime();
    const found: Array<{ start: Date; end: Date }> = [];
    let produced = 0;
    for (let day = 0; produced < count && day < 3_660; day++) {
      const s = new Date(start.getTime() + day * DAY);
      if (s > last || s >= to) break;
      const week = Math.floor(day / 7);
      const matches = daily
        ? day % interval === 0
        : weekly
          ? week % interval === 0 && days.has(WEEKDAYS[s.getUTCDay()] ?? "")
          : monthly
            ? monthsBetween(start, s) % interval === 0 && matchesInMonth(monthly, s)
            : yearly
              ? text(one(yearly, "Month")) === MONTHS[s.getUTCMonth()] && matchesInMonth(yearly, s)
              : day === 0;
      if (!matches) continue;
      produced += 1;
      const e = new Date(s.getTime() + duration);
      if (overlaps(s, e)) found.push({ start: s, end: e });
    }
    return found;
  }

  find(context: EwsContext, request: EwsNode, folder: string): string {
    const view = one(request, "CalendarView");
    const items = [...this.#items.values()].filter((item) => item.folder === folder);
    let rendered: string[];
    if (view !== undefined) {
      const from = new Date(attr(view, "StartDate") ?? 0);
      const to = new Date(attr(view, "EndDate") ?? 0);
      const max = Number(attr(view, "MaxEntriesReturned") ?? 1000);
      const occurrences = items
        .flatMap((item) => this.#occurrences(item, from, to).map((occurrence) => ({ item, occurrence })))
        .sort((a, b) => startOf(a) - startOf(b));
      if (occurrences.length > max) {
        return operationResponse(context.version, "FindItem", [
          errorMessage(
            "FindItem",
            "ErrorCalendarViewRangeTooBig",
            "The calendar view range returns more items than MaxEntriesReturned.",
          ),
        ]);
      }
      rendered = occurrences.map(({ item, occurrence }) => this.#render(item, occurrence));
    } else rendered = items.map((item) => this.#render(item));
    return operationResponse(context.version, "FindItem", [
      successMessage(
        "FindItem",
        `<m:RootFolder TotalItemsInView="${rendered.length}" IncludesLastItemInRange="true"><t:Items>${rendered.join("")}</t:Items></m:RootFolder>`,
      ),
    ]);
  }

  update(context: EwsContext, request: EwsNode): string {
    const never = attr(request, "ConflictResolution") === "NeverOverwrite";
    const messages = all(one(request, "ItemChanges"), "ItemChange").map((change) => {
      const idNode = one(change, "ItemId");
      const item = this.#items.get(attr(idNode, "Id") ?? "");
      if (item === undefined) {
        return errorMessage(
          "UpdateItem",
          "ErrorItemNotFound",
          "The specified object was not found in the store.",
        );
      }
      const sentKey = attr(idNode, "ChangeKey");
      if (never && sentKey !== undefined && sentKey !== `CK${item.changeNumber}`) {
        return errorMessage(
          "UpdateItem",
          "ErrorIrresolvableConflict",
          "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
        );
      }
      const updates = one(change, "Updates");
      for (const set of all(updates, "SetItemField")) {
        const carrier = one(set, item.kind);
        if (carrier === undefined) {
          return errorMessage(
            "UpdateItem",
            "ErrorInvalidPropertySet",
            `The change does not carry a ${item.kind}.`,
          );
        }
        for (const [key, value] of Object.entries(carrier)) {
          if (key.startsWith("@") || key === "#text" || !Array.isArray(value)) continue;
          if (key === "EmailAddresses" || key === "PhoneNumbers") {
            const list = one(item.node, key) ?? {};
            const entries = all(list, "Entry").filter(
              (entry) =>
                !all(value[0] as EwsNode, "Entry").some((n) => attr(n, "Key") === attr(entry, "Key")),
            );
            list.Entry = [...entries, ...all(value[0] as EwsNode, "Entry")];
            item.node[key] = [list];
          } else item.node[key] = value;
        }
      }
      for (const removal of all(updates, "DeleteItemField")) {
        const indexed = one(removal, "IndexedFieldURI");
        const uri = attr(one(removal, "FieldURI") ?? indexed, "FieldURI") ?? "";
        const local = uri.slice(uri.indexOf(":") + 1);
        const name = local.charAt(0).toUpperCase() + local.slice(1);
        if (indexed !== undefined) {
          const list = one(item.node, name === "EmailAddress" ? "EmailAddresses" : "PhoneNumbers");
          if (list)
            list.Entry = all(list, "Entry").filter((e) => attr(e, "Key") !== attr(indexed, "FieldIndex"));
        } else delete item.node[name];
      }
      item.changeNumber = ++this.#changes;
      const send = attr(request, "SendMeetingInvitationsOrCancellations");
      if (
        text(one(item.node, "MyResponseType")) === "Organizer" &&
        (send === "SendToAllAndSaveCopy" || send === "SendToChangedAndSaveCopy")
      ) {
        this.onMeetingSent?.(context, item.id, item.node, "FullUpdate");
      }
      return successMessage(
        "UpdateItem",
        `<m:Items><t:${item.kind}><t:ItemId Id="${item.id}" ChangeKey="CK${item.changeNumber}"/></t:${item.kind}></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>`,
      );
    });
    return operationResponse(context.version, "UpdateItem", messages);
  }

  availability(context: EwsContext, request: EwsNode): string {
    // Request times are wall-clock in the given time zone; UTC = local + Bias (minutes). The sim
    // applies the base bias only (no daylight rule).
    const bias = Number(text(one(one(request, "TimeZone"), "Bias")) || 0) * 60_000;
    const options = one(request, "FreeBusyViewOptions");
    const window = one(options, "TimeWindow");
    const toUtc = (local: string) => new Date(new Date(`${local.replace(/Z$/, "")}Z`).getTime() + bias);
    const toLocal = (date: Date) => new Date(date.getTime() - bias).toISOString().replace(/\.\d{3}Z$/, "");
    const from = toUtc(text(one(window, "StartTime")));
    const to = toUtc(text(one(window, "EndTime")));
    const view = text(one(options, "RequestedView")) || "DetailedMerged";
    const interval = Number(text(one(options, "MergedFreeBusyIntervalInMinutes")) || 30) * 60_000;
    const detailed = view.startsWith("Detailed");
    const STATUS: Record<string, string> = {
      Free: "0",
      Tentative: "1",
      Busy: "2",
      OOF: "3",
      WorkingElsewhere: "4",
    };
    const responses = all(one(request, "MailboxDataArray"), "MailboxData").map((data) => {
      const address = text(one(one(data, "Email"), "Address")).toLowerCase();
      if (address !== context.address.toLowerCase() && address !== context.store.user.address.toLowerCase()) {
        return `<m:FreeBusyResponse><m:ResponseMessage ResponseClass="Error"><m:MessageText>${x(`No mailbox for ${address}.`)}</m:MessageText><m:ResponseCode>ErrorMailRecipientNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:ResponseMessage><m:FreeBusyView><t:FreeBusyViewType>None</t:FreeBusyViewType></m:FreeBusyView></m:FreeBusyResponse>`;
      }
      const events = [...this.#items.values()]
        .filter((item) => item.kind === "CalendarItem")
        .flatMap((item) =>
          this.#occurrences(item, from, to).map((occurrence) => ({
            item,
            start: occurrence?.start ?? new Date(text(one(item.node, "Start"))),
            end: occurrence?.end ?? new Date(text(one(item.node, "End"))),
          })),
        )
        .sort((a, b) => a.start.getTime() - b.start.getTime());
      const busyType = (item: PimItem) => text(one(item.node, "LegacyFreeBusyStatus")) || "Busy";
      let merged = "";
      for (let slot = from.getTime(); slot < to.getTime(); slot += interval) {
        let level = "0";
        for (const event of events) {
          if (event.start.getTime() < slot + interval && event.end.getTime() > slot) {
            const value = STATUS[busyType(event.item)] ?? "2";
            if (value > level) level = value;
          }
        }
        merged += level;
      }
      const rendered = events
        .map(
          ({ item, start, end }) =>
            `<t:CalendarEvent><t:StartTime>${toLocal(start)}</t:StartTime><t:EndTime>${toLocal(end)}</t:EndTime><t:BusyType>${busyType(item)}</t:BusyType>${
              detailed
                ? `<t:CalendarEventDetails><t:ID>${item.id}</t:ID><t:Subject>${x(text(one(item.node, "Subject")))}</t:Subject><t:Location>${x(text(one(item.node, "Location")))}</t:Location><t:IsMeeting>${one(item.node, "RequiredAttendees") !== undefined}</t:IsMeeting><t:IsRecurring>${one(item.node, "Recurrence") !== undefined}</t:IsRecurring><t:IsException>false</t:IsException><t:IsReminderSet>false</t:IsReminderSet><t:IsPrivate>false</t:IsPrivate></t:CalendarEventDetails>`
                : ""
            }</t:CalendarEvent>`,
        )
        .join("");
      return `<m:FreeBusyResponse><m:ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage><m:FreeBusyView><t:FreeBusyViewType>${x(view)}</t:FreeBusyViewType>${view.endsWith("Merged") ? `<t:MergedFreeBusy>${merged}</t:MergedFreeBusy>` : ""}<t:CalendarEventArray>${rendered}</t:CalendarEventArray></m:FreeBusyView></m:FreeBusyResponse>`;
    });
    return `${envelopeHead(context.version)}<m:GetUserAvailabilityResponse xmlns:m="${NS.m}" xmlns:t="${NS.t}"><m:FreeBusyResponseArray>${responses.join("")}</m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>${ENVELOPE_TAIL}`;
  }
}
