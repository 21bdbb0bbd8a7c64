import { InvalidArgumentError } from "@mailwire/core";
import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type FolderRef, folderIdNode, type ItemId, itemIdNode, readChildId } from "../model/ids.js";
import { type EwsItem, ITEM_ELEMENTS, readItem } from "../model/item.js";
import { type ItemShape, itemShapeNode } from "../model/shape.js";
import { readResponseMessages, unwrapSingle } from "../soap/parse-response.js";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import { childBoolean, childElement, childText, type XmlElement } from "../xml/xml-element.js";

// SyncFolderItems (MS-OXWSSYNC 3.1.4.2): changes since an opaque SyncState, at most
// MaxChangesReturned (1..512) per call; call again with the new state until
// IncludesLastItemInRange is true.

export type ItemChange =
  | { type: "create" | "update"; item: EwsItem }
  | { type: "delete"; itemId: ItemId }
  | { type: "readFlagChange"; itemId: ItemId; isRead: boolean };

export interface SyncFolderItemsResult {
  syncState: string;
  includesLastItemInRange: boolean;
  changes: ItemChange[];
}

export interface SyncFolderItemsOptions extends SoapCallOptions {
  /** Absent or "" for a full initial sync. */
  syncState?: string | undefined;
  shape?: ItemShape | undefined;
  ignore?: readonly ItemId[] | undefined;
  /** 1 to 512 (default 100). */
  maxChangesReturned?: number | undefined;
  syncScope?: "NormalItems" | "NormalAndAssociatedItems" | undefined;
}

export function syncFolderItemsBody(
  folder: FolderRef,
  options: Omit<SyncFolderItemsOptions, keyof SoapCallOptions>,
): XmlNode {
  const max = options.maxChangesReturned ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 512)
    throw new InvalidArgumentError("maxChangesReturned must be 1..512");
  return element(
    "m:SyncFolderItems",
    undefined,
    itemShapeNode(options.shape),
    element("m:SyncFolderId", undefined, folderIdNode(folder)),
    options.syncState ? textElement("m:SyncState", options.syncState) : undefined,
    options.ignore && options.ignore.length > 0
      ? element("m:Ignore", undefined, ...options.ignore.map((id) => itemIdNode(id)))
      : undefined,
    textElement("m:MaxChangesReturned", max),
    options.syncScope === undefined ? undefined : textElement("m:SyncScope", options.syncScope),
  );
}

function readChange(change: XmlElement): ItemChange | undefined {
  if (change.name === "Create" || change.name === "Update") {
    const item = change.children.find((child) => ITEM_ELEMENTS.has(child.name));
    return item ? { type: change.name === "Create" ? "create" : "update", item: readItem(item) } : undefined;
  }
  const itemId = readChildId(change, "ItemId");
  if (itemId === undefined) return undefined;
  if (change.name === "Delete") return { type: "delete", itemId };
  if (change.name === "ReadFlagChange")
    return { type: "readFlagChange", itemId, isRead: childBoolean(change, "IsRead") ?? false };
  return undefined;
}

export function readSyncFolderItems(message: XmlElement): SyncFolderItemsResult {
  const changes: ItemChange[] = [];
  for (const change of childElement(message, "Changes")?.children ?? []) {
    const read = readChange(change);
    if (read) changes.push(read);
  }
  return {
    syncState: childText(message, "SyncState") ?? "",
    includesLastItemInRange: childBoolean(message, "IncludesLastItemInRange") ?? true,
    changes,
  };
}

export async function syncFolderItems(
  soap: SoapClient,
  folder: FolderRef,
  options: SyncFolderItemsOptions = {},
): Promise<SyncFolderItemsResult> {
  const response = await soap.call("SyncFolderItems", syncFolderItemsBody(folder, options), {
    ...options,
    idempotent: true,
  });
  return unwrapSingle(readResponseMessages(response.body, readSyncFolderItems));
}
