import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type FolderRef, folderIdNode, type ItemId, itemIdNode } from "../model/ids.js";
import { readReturnedItemId } from "../model/item.js";
import { type EwsResult, readResponseMessages } from "../soap/parse-response.js";
import { element } from "../xml/serialize-xml.js";
import type { DeleteType } from "./folders.js";

// DeleteItem, MoveItem, CopyItem (MS-OXWSCORE 3.1.4.3, 3.1.4.7, 3.1.4.1) and
// MarkAllItemsAsRead (MS-OXWSCORE 3.1.4.6): batches with one response message per item.

export async function deleteItems(
  soap: SoapClient,
  items: readonly ItemId[],
  options: SoapCallOptions & {
    deleteType?: DeleteType | undefined;
    sendMeetingCancellations?: "SendToNone" | "SendOnlyToAll" | "SendToAllAndSaveCopy" | undefined;
    affectedTaskOccurrences?: "AllOccurrences" | "SpecifiedOccurrenceOnly" | undefined;
  } = {},
): Promise<EwsResult<true>[]> {
  const body = element(
    "m:DeleteItem",
    {
      DeleteType: options.deleteType ?? "MoveToDeletedItems",
      SendMeetingCancellations: options.sendMeetingCancellations,
      AffectedTaskOccurrences: options.affectedTaskOccurrences,
    },
    element("m:ItemIds", undefined, ...items.map((i) => itemIdNode(i))),
  );
  const response = await soap.call("DeleteItem", body, options);
  return readResponseMessages(response.body, () => true as const);
}

async function transfer(
  operation: "MoveItem" | "CopyItem",
  soap: SoapClient,
  items: readonly ItemId[],
  to: FolderRef,
  options: SoapCallOptions,
): Promise<EwsResult<ItemId | undefined>[]> {
  const body = element(
    `m:${operation}`,
    undefined,
    element("m:ToFolderId", undefined, folderIdNode(to)),
    element("m:ItemIds", undefined, ...items.map((i) => itemIdNode(i))),
  );
  const response = await soap.call(operation, body, options);
  // The new item's id; Exchange omits it when the move crosses mailboxes.
  return readResponseMessages(response.body, readReturnedItemId);
}

export function moveItems(
  soap: SoapClient,
  items: readonly ItemId[],
  to: FolderRef,
  options: SoapCallOptions = {},
) {
  return transfer("MoveItem", soap, items, to, options);
}

export function copyItems(
  soap: SoapClient,
  items: readonly ItemId[],
  to: FolderRef,
  options: SoapCallOptions = {},
) {
  return transfer("CopyItem", soap, items, to, options);
}

export async function markAllItemsAsRead(
  soap: SoapClient,
  folders: readonly FolderRef[],
  options: SoapCallOptions & {
    readFlag?: boolean | undefined;
    suppressReadReceipts?: boolean | undefined;
  } = {},
): Promise<EwsResult<true>[]> {
  const body = element(
    "m:MarkAllItemsAsRead",
    undefined,
    element("m:ReadFlag", undefined, options.readFlag ?? true),
    element("m:SuppressReadReceipts", undefined, options.suppressReadReceipts ?? true),
    element("m:FolderIds", undefined, ...folders.map(folderIdNode)),
  );
  const response = await soap.call("MarkAllItemsAsRead", body, { ...options, idempotent: true });
  return readResponseMessages(response.body, () => true as const);
}
