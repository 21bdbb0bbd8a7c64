import { InvalidArgumentError } from "@mailwire/core";
import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type ItemId, itemIdNode } from "../model/ids.js";
import { readReturnedItemId } from "../model/item.js";
import {
  calendarItemNode,
  contactNode,
  type NewCalendarItem,
  type NewContact,
  type NewTask,
  taskNode,
} from "../model/pim-items.js";
import { type PropertyPath, propertyPathNode } from "../model/property-path.js";
import { type EwsResult, readResponseMessages } from "../soap/parse-response.js";
import { element, type XmlChild, type XmlNode } from "../xml/serialize-xml.js";

// UpdateItem for calendar items (MS-OXWSMTGS 3.1.4.x: SendMeetingInvitationsOrCancellations is
// required), contacts (MS-OXWSCONT) and tasks (MS-OXWSTASK). Each changed field is one
// SetItemField naming its FieldURI and carrying an item element with just that field, built by
// the same code that builds the item for CreateItem (model/pim-items.ts), so a field is written
// the same way in both. Contact addresses and phones are indexed fields (IndexedFieldURI with
// the entry's key). `delete` removes fields, e.g. "calendar:Recurrence" to end a series.

export interface PimUpdate<T> {
  itemId: ItemId;
  set?: Partial<T> | undefined;
  delete?: readonly PropertyPath[] | undefined;
}

type FieldTable = Readonly<Record<string, readonly [element: string, fieldUri: string]>>;

const ITEM_FIELDS: FieldTable = {
  subject: ["t:Subject", "item:Subject"],
  body: ["t:Body", "item:Body"],
};
const CALENDAR_FIELDS: FieldTable = {
  ...ITEM_FIELDS,
  start: ["t:Start", "calendar:Start"],
  end: ["t:End", "calendar:End"],
  isAllDayEvent: ["t:IsAllDayEvent", "calendar:IsAllDayEvent"],
  legacyFreeBusyStatus: ["t:LegacyFreeBusyStatus", "calendar:LegacyFreeBusyStatus"],
  location: ["t:Location", "calendar:Location"],
  requiredAttendees: ["t:RequiredAttendees", "calendar:RequiredAttendees"],
  optionalAttendees: ["t:OptionalAttendees", "calendar:OptionalAttendees"],
  recurrence: ["t:Recurrence", "calendar:Recurrence"],
};
const CONTACT_FIELDS: FieldTable = {
  displayName: ["t:DisplayName", "contacts:DisplayName"],
  givenName: ["t:GivenName", "contacts:GivenName"],
  surname: ["t:Surname", "contacts:Surname"],
  companyName: ["t:CompanyName", "contacts:CompanyName"],
  jobTitle: ["t:JobTitle", "contacts:JobTitle"],
};
const TASK_FIELDS: FieldTable = {
  ...ITEM_FIELDS,
  dueDate: ["t:DueDate", "task:DueDate"],
  startDate: ["t:StartDate", "task:StartDate"],
  status: ["t:Status", "task:Status"],
  percentComplete: ["t:PercentComplete", "task:PercentComplete"],
};

const isNode = (child: XmlChild): child is XmlNode =>
  typeof child === "object" && child !== null && "name" in child;

function setItemField(path: XmlNode, itemElement: string, value: XmlNode): XmlNode {
  return element("t:SetItemField", undefined, path, element(itemElement, undefined, value));
}

/** SetItemField for every plain field in `set`, cut out of the full item element `full`. */
function plainFields(set: object, full: XmlNode, fields: FieldTable): XmlNode[] {
  const changes: XmlNode[] = [];
  const children = (full.children ?? []).filter(isNode);
  for (const [key, value] of Object.entries(set)) {
    const field = fields[key];
    if (value === undefined || field === undefined) continue;
    const [name, fieldUri] = field;
    const child = children.find((c) => c.name === name);
    if (child === undefined) continue;
    changes.push(setItemField(element("t:FieldURI", { FieldURI: fieldUri }), full.name, child));
  }
  return changes;
}

function indexed(fieldUri: string, key: string, list: string, value: string): XmlNode {
  return setItemField(
    element("t:IndexedFieldURI", { FieldURI: fieldUri, FieldIndex: key }),
    "t:Contact",
    element(list, undefined, element("t:Entry", { Key: key }, value)),
  );
}

function changeNode(
  itemId: ItemId,
  changes: XmlNode[],
  deletes: readonly PropertyPath[] | undefined,
): XmlNode {
  const all = [
    ...changes,
    ...(deletes ?? []).map((path) => element("t:DeleteItemField", undefined, propertyPathNode(path))),
  ];
  if (all.length === 0) throw new InvalidArgumentError(`the update of item ${itemId.id} changes nothing`);
  return element("t:ItemChange", undefined, itemIdNode(itemId), element("t:Updates", undefined, ...all));
}

export function calendarItemChangeNode(update: PimUpdate<NewCalendarItem>): XmlNode {
  const set = update.set ?? {};
  const full = calendarItemNode({ subject: "", start: "", end: "", ...defined(set) });
  return changeNode(update.itemId, plainFields(set, full, CALENDAR_FIELDS), update.delete);
}

export function contactChangeNode(update: PimUpdate<NewContact>): XmlNode {
  const set = update.set ?? {};
  const changes = plainFields(set, contactNode(defined(set)), CONTACT_FIELDS);
  const emails = set.emailAddresses ?? [];
  if (emails.length > 3) throw new InvalidArgumentError("a contact has at most three e-mail addresses");
  emails.forEach((address, index) => {
    changes.push(indexed("contacts:EmailAddress", `EmailAddress${index + 1}`, "t:EmailAddresses", address));
  });
  if (set.businessPhone !== undefined)
    changes.push(indexed("contacts:PhoneNumber", "BusinessPhone", "t:PhoneNumbers", set.businessPhone));
  if (set.mobilePhone !== undefined)
    changes.push(indexed("contacts:PhoneNumber", "MobilePhone", "t:PhoneNumbers", set.mobilePhone));
  return changeNode(update.itemId, changes, update.delete);
}

export function taskChangeNode(update: PimUpdate<NewTask>): XmlNode {
  const set = update.set ?? {};
  const full = taskNode({ subject: "", ...defined(set) });
  return changeNode(update.itemId, plainFields(set, full, TASK_FIELDS), update.delete);
}

/** `set` without keys whose value is undefined (so they cannot override the placeholders). */
function defined<T extends object>(set: T): T {
  return Object.fromEntries(Object.entries(set).filter(([, value]) => value !== undefined)) as T;
}

export type ConflictResolution = "NeverOverwrite" | "AutoResolve" | "AlwaysOverwrite";

async function updatePim(
  soap: SoapClient,
  changes: XmlNode[],
  attributes: Record<string, string | undefined>,
  options: SoapCallOptions,
): Promise<EwsResult<ItemId | undefined>[]> {
  const body = element("m:UpdateItem", attributes, element("m:ItemChanges", undefined, ...changes));
  const response = await soap.call("UpdateItem", body, options);
  return readResponseMessages(response.body, readReturnedItemId);
}

export async function updateCalendarItems(
  soap: SoapClient,
  updates: readonly PimUpdate<NewCalendarItem>[],
  options: SoapCallOptions & {
    /** Default SendToNone (the organizer's copy changes, attendees are not told). */
    sendMeetingInvitationsOrCancellations?:
      | "SendToNone"
      | "SendOnlyToAll"
      | "SendOnlyToChanged"
      | "SendToAllAndSaveCopy"
      | "SendToChangedAndSaveCopy"
      | undefined;
    conflictResolution?: ConflictResolution | undefined;
  } = {},
) {
  return updatePim(
    soap,
    updates.map(calendarItemChangeNode),
    {
      ConflictResolution: options.conflictResolution ?? "AutoResolve",
      SendMeetingInvitationsOrCancellations: options.sendMeetingInvitationsOrCancellations ?? "SendToNone",
    },
    options,
  );
}

export async function updateContacts(
  soap: SoapClient,
  updates: readonly PimUpdate<NewContact>[],
  options: SoapCallOptions & { conflictResolution?: ConflictResolution | undefined } = {},
) {
  return updatePim(
    soap,
    updates.map(contactChangeNode),
    { ConflictResolution: options.conflictResolution ?? "AutoResolve" },
    options,
  );
}

export async function updateTasks(
  soap: SoapClient,
  updates: readonly PimUpdate<NewTask>[],
  options: SoapCallOptions & { conflictResolution?: ConflictResolution | undefined } = {},
) {
  return updatePim(
    soap,
    updates.map(taskChangeNode),
    { ConflictResolution: options.conflictResolution ?? "AutoResolve" },
    options,
  );
}
