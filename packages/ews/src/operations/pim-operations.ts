import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type FolderRef, folderIdNode, type ItemId } from "../model/ids.js";
import { type EwsItem, readItems, readReturnedItemId } from "../model/item.js";
import {
  calendarItemNode,
  contactNode,
  type NewCalendarItem,
  type NewContact,
  type NewTask,
  taskNode,
} from "../model/pim-items.js";
import { type ItemShape, itemShapeNode } from "../model/shape.js";
import { type EwsResult, readResponseMessages, unwrapSingle } from "../soap/parse-response.js";
import { element, type XmlNode } from "../xml/serialize-xml.js";
import { childElement } from "../xml/xml-element.js";

// CreateItem for calendar items (MS-OXWSMTGS 3.1.4.x: SendMeetingInvitations is required),
// contacts (MS-OXWSCONT) and tasks (MS-OXWSTASK), and FindItem with a CalendarView
// (MS-OXWSSRCH 2.2.4.x), which expands recurring series into occurrences within the window.

async function createItems(
  soap: SoapClient,
  nodes: XmlNode[],
  attributes: Record<string, string | undefined>,
  folder: FolderRef | undefined,
  options: SoapCallOptions,
): Promise<EwsResult<ItemId | undefined>[]> {
  const body = element(
    "m:CreateItem",
    attributes,
    folder === undefined ? undefined : element("m:SavedItemFolderId", undefined, folderIdNode(folder)),
    element("m:Items", undefined, ...nodes),
  );
  const response = await soap.call("CreateItem", body, options);
  return readResponseMessages(response.body, readReturnedItemId);
}

export async function createCalendarItems(
  soap: SoapClient,
  items: readonly NewCalendarItem[],
  options: SoapCallOptions & {
    /** Default SendToNone (an appointment); SendToAllAndSaveCopy makes it a meeting request. */
    sendMeetingInvitations?: "SendToNone" | "SendOnlyToAll" | "SendToAllAndSaveCopy" | undefined;
    folder?: FolderRef | undefined;
  } = {},
) {
  return createItems(
    soap,
    items.map(calendarItemNode),
    { SendMeetingInvitations: options.sendMeetingInvitations ?? "SendToNone" },
    options.folder,
    options,
  );
}

export async function createContacts(
  soap: SoapClient,
  contacts: readonly NewContact[],
  options: SoapCallOptions & { folder?: FolderRef | undefined } = {},
) {
  return createItems(soap, contacts.map(contactNode), {}, options.folder, options);
}

export async function createTasks(
  soap: SoapClient,
  tasks: readonly NewTask[],
  options: SoapCallOptions & { folder?: FolderRef | undefined } = {},
) {
  return createItems(soap, tasks.map(taskNode), {}, options.folder, options);
}

export interface CalendarViewOptions extends SoapCallOptions {
  start: Date;
  end: Date;
  /** Exchange refuses more than this many occurrences in one view (default 1,000). */
  maxEntries?: number | undefined;
  shape?: ItemShape | undefined;
}

export async function findCalendarView(
  soap: SoapClient,
  folder: FolderRef,
  options: CalendarViewOptions,
): Promise<{ items: EwsItem[]; includesLastItemInRange: boolean }> {
  const body = element(
    "m:FindItem",
    { Traversal: "Shallow" },
    itemShapeNode(options.shape ?? { baseShape: "Default" }),
    element("m:CalendarView", {
      MaxEntriesReturned: options.maxEntries ?? 1_000,
      StartDate: options.start.toISOString(),
      EndDate: options.end.toISOString(),
    }),
    element("m:ParentFolderIds", undefined, folderIdNode(folder)),
  );
  const response = await soap.call("FindItem", body, { ...options, idempotent: true });
  return unwrapSingle(
    readResponseMessages(response.body, (message) => {
      const root = childElement(message, "RootFolder");
      return {
        items: readItems(childElement(root, "Items")),
        includesLastItemInRange: root?.attributes.IncludesLastItemInRange !== "false",
      };
    }),
  );
}
