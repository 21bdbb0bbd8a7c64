import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type FolderRef, folderIdNode, type ItemId, itemIdNode } from "../model/ids.js";
import { readReturnedItemId } from "../model/item.js";
import { type EwsResult, readResponseMessages } from "../soap/parse-response.js";
import { element } from "../xml/serialize-xml.js";

// ArchiveItem (Exchange 2013+, messages schema ArchiveItemType): moves items from a folder of the
// primary mailbox into the user's archive mailbox. One response message per item; the new id is
// the item's id in the archive (absent when the server does not return it).

export async function archiveItems(
  soap: SoapClient,
  items: readonly ItemId[],
  sourceFolder: FolderRef,
  options: SoapCallOptions = {},
): Promise<EwsResult<ItemId | undefined>[]> {
  const body = element(
    "m:ArchiveItem",
    undefined,
    element("m:ArchiveSourceFolderId", undefined, folderIdNode(sourceFolder)),
    element("m:ItemIds", undefined, ...items.map((i) => itemIdNode(i))),
  );
  const response = await soap.call("ArchiveItem", body, options);
  return readResponseMessages(response.body, readReturnedItemId);
}
