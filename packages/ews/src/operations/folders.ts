import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type EwsFolder, readFolders } from "../model/folder.js";
import { type FolderRef, folderIdNode } from "../model/ids.js";
import { type FolderShape, folderShapeNode } from "../model/shape.js";
import { type EwsResult, readResponseMessages } from "../soap/parse-response.js";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import { childElement } from "../xml/xml-element.js";

// MS-OXWSFOLD 3.1.4: GetFolder, CreateFolder, DeleteFolder, EmptyFolder. One response message per
// requested folder, so batches report per-folder success.

export function getFolderBody(folders: readonly FolderRef[], shape?: FolderShape): XmlNode {
  return element(
    "m:GetFolder",
    undefined,
    folderShapeNode(shape),
    element("m:FolderIds", undefined, ...folders.map(folderIdNode)),
  );
}

export async function getFolders(
  soap: SoapClient,
  folders: readonly FolderRef[],
  options: SoapCallOptions & { shape?: FolderShape | undefined } = {},
): Promise<EwsResult<EwsFolder>[]> {
  const body = getFolderBody(folders, options.shape);
  const response = await soap.call("GetFolder", body, { ...options, idempotent: true });
  return readResponseMessages(
    response.body,
    (message) => readFolders(childElement(message, "Folders"))[0] as EwsFolder,
  );
}

export async function createFolders(
  soap: SoapClient,
  parent: FolderRef,
  displayNames: readonly string[],
  options: SoapCallOptions & { folderClass?: string | undefined } = {},
): Promise<EwsResult<EwsFolder>[]> {
  const body = element(
    "m:CreateFolder",
    undefined,
    element("m:ParentFolderId", undefined, folderIdNode(parent)),
    element(
      "m:Folders",
      undefined,
      ...displayNames.map((name) =>
        element(
          "t:Folder",
          undefined,
          options.folderClass === undefined ? undefined : textElement("t:FolderClass", options.folderClass),
          textElement("t:DisplayName", name),
        ),
      ),
    ),
  );
  const response = await soap.call("CreateFolder", body, options);
  return readResponseMessages(
    response.body,
    (message) => readFolders(childElement(message, "Folders"))[0] as EwsFolder,
  );
}

export type DeleteType = "HardDelete" | "SoftDelete" | "MoveToDeletedItems";

export async function deleteFolders(
  soap: SoapClient,
  folders: readonly FolderRef[],
  options: SoapCallOptions & { deleteType?: DeleteType | undefined } = {},
): Promise<EwsResult<true>[]> {
  const body = element(
    "m:DeleteFolder",
    { DeleteType: options.deleteType ?? "MoveToDeletedItems" },
    element("m:FolderIds", undefined, ...folders.map(folderIdNode)),
  );
  const response = await soap.call("DeleteFolder", body, options);
  return readResponseMessages(response.body, () => true as const);
}

/** EmptyFolder (MS-OXWSFOLD 3.1.4.6). */
export async function emptyFolders(
  soap: SoapClient,
  folders: readonly FolderRef[],
  options: SoapCallOptions & {
    deleteType?: DeleteType | undefined;
    deleteSubFolders?: boolean | undefined;
  } = {},
): Promise<EwsResult<true>[]> {
  const body = element(
    "m:EmptyFolder",
    {
      DeleteType: options.deleteType ?? "MoveToDeletedItems",
      DeleteSubFolders: options.deleteSubFolders ?? false,
    },
    element("m:FolderIds", undefined, ...folders.map(folderIdNode)),
  );
  const response = await soap.call("EmptyFolder", body, options);
  return readResponseMessages(response.body, () => true as const);
}
