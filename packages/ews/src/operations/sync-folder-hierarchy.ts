import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type EwsFolder, FOLDER_ELEMENTS, readFolder } from "../model/folder.js";
import { type FolderRef, folderIdNode, type ItemId, readChildId } from "../model/ids.js";
import { type FolderShape, folderShapeNode } from "../model/shape.js";
import { readResponseMessages, unwrapSingle } from "../soap/parse-response.js";
import { element, textElement } from "../xml/serialize-xml.js";
import { childBoolean, childElement, childText } from "../xml/xml-element.js";

// SyncFolderHierarchy (MS-OXWSSYNC 3.1.4.1): folder creates/updates/deletes since a SyncState.

export type FolderChange =
  | { type: "create" | "update"; folder: EwsFolder }
  | { type: "delete"; folderId: ItemId };

export interface SyncFolderHierarchyResult {
  syncState: string;
  includesLastFolderInRange: boolean;
  changes: FolderChange[];
}

export async function syncFolderHierarchy(
  soap: SoapClient,
  options: SoapCallOptions & {
    syncState?: string | undefined;
    folder?: FolderRef | undefined;
    shape?: FolderShape | undefined;
  } = {},
): Promise<SyncFolderHierarchyResult> {
  const body = element(
    "m:SyncFolderHierarchy",
    undefined,
    folderShapeNode(options.shape),
    options.folder === undefined
      ? undefined
      : element("m:SyncFolderId", undefined, folderIdNode(options.folder)),
    options.syncState ? textElement("m:SyncState", options.syncState) : undefined,
  );
  const response = await soap.call("SyncFolderHierarchy", body, { ...options, idempotent: true });
  return unwrapSingle(
    readResponseMessages(response.body, (message) => {
      const changes: FolderChange[] = [];
      for (const change of childElement(message, "Changes")?.children ?? []) {
        if (change.name === "Delete") {
          const folderId = readChildId(change, "FolderId");
          if (folderId) changes.push({ type: "delete", folderId });
          continue;
        }
        const folder = change.children.find((child) => FOLDER_ELEMENTS.has(child.name));
        if (folder)
          changes.push({ type: change.name === "Create" ? "create" : "update", folder: readFolder(folder) });
      }
      return {
        syncState: childText(message, "SyncState") ?? "",
        includesLastFolderInRange: childBoolean(message, "IncludesLastFolderInRange") ?? true,
        changes,
      };
    }),
  );
}
