import type { EwsContext } from "./ews-operation.js";
import {
  attr,
  type EwsNode,
  errorMessage,
  one,
  operationResponse,
  successMessage,
  text,
  x,
} from "./ews-xml.js";

// Calendar, contacts and tasks for the EWS endpoint (MS-OXWSMTGS, MS-OXWSCONT, MS-OXWSTASK).
// The shared mailbox store holds messages only, so these items live here, per sim, in three
// virtual folders (calendar, contacts, tasks); other protocols do not see them. CalendarView
// expands daily and weekly series into occurrences.

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
function serialize(node: EwsNode): string {
  let out = "";
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("@") || key === "#text" || !Array.isArray(value)) continue;
    for (const child of value as EwsNode[]) {
      const attributes = Object.entries(child)
        .filter(([name]) => name.startsWith("@"))
        .map(([name, v]) => ` ${name.slice(1)}="${x(String(v))}"`)
        .join("");
      out += `<t:${key}${attributes}>${x(text(child))}${serialize(child)}</t:${key}>`;
    }
  }
  return out;
}

const DAY = 86_400_000;

const startOf = (entry: { item: PimItem; occurrence: { start: Date } | undefined }) =>
  (entry.occurrence?.start ?? new Date(text(one(entry.item.node, "Start")))).getTime();
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export class EwsPim {
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
    let body = serialize(item.node);
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
        const item: PimItem = {
          id: `pim-${this.#next++}`,
          kind,
          folder: KIND_FOLDER[kind] as string,
          node,
          changeNumber: ++this.#changes,
        };
        this.#items.set(item.id, item);
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
    const range =
      one(recurrence, "EndDateRecurrence") ??
      one(recurrence, "NumberedRecurrence") ??
      one(recurrence, "NoEndRecurrence");
    const last = one(range, "EndDate") ? new Date(`${text(one(range, "EndDate"))}T23:59:59Z`) : to;
    const count = Number(text(one(range, "NumberOfOccurrences")) || Number.POSITIVE_INFINITY);
    const interval = Number(text(one(daily ?? weekly, "Interval")) || 1);
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
}
