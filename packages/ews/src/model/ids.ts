import { element, type XmlNode } from "../xml/serialize-xml.js";
import type { XmlElement } from "../xml/xml-element.js";
import { childElement } from "../xml/xml-element.js";

// DistinguishedFolderIdNameType (MS-OXWSCDATA 2.2.5.10): well-known folders addressed by name.
export const DistinguishedFolderName = [
  "msgfolderroot",
  "root",
  "inbox",
  "drafts",
  "sentitems",
  "deleteditems",
  "junkemail",
  "outbox",
  "calendar",
  "contacts",
  "tasks",
  "notes",
  "journal",
  "archivemsgfolderroot",
  "searchfolders",
  "voicemail",
  "recoverableitemsroot",
  "recoverableitemsdeletions",
] as const;
export type DistinguishedFolderName = (typeof DistinguishedFolderName)[number];

export interface ItemId {
  readonly id: string;
  readonly changeKey?: string | undefined;
}

/** A folder by id, or a well-known folder by name (optionally in another mailbox). */
export type FolderRef =
  | DistinguishedFolderName
  | { readonly id: string; readonly changeKey?: string | undefined }
  | { readonly distinguished: DistinguishedFolderName; readonly mailbox?: string | undefined };

export function folderIdNode(folder: FolderRef): XmlNode {
  if (typeof folder === "string") return element("t:DistinguishedFolderId", { Id: folder });
  if ("distinguished" in folder) {
    return element(
      "t:DistinguishedFolderId",
      { Id: folder.distinguished },
      folder.mailbox === undefined
        ? undefined
        : element("t:Mailbox", undefined, element("t:EmailAddress", undefined, folder.mailbox)),
    );
  }
  return element("t:FolderId", { Id: folder.id, ChangeKey: folder.changeKey });
}

export function itemIdNode(item: ItemId, name = "t:ItemId"): XmlNode {
  return element(name, { Id: item.id, ChangeKey: item.changeKey });
}

/** Reads an ItemId/FolderId-shaped element (Id and optional ChangeKey attributes). */
export function readId(idElement: XmlElement | undefined): ItemId | undefined {
  const id = idElement?.attributes.Id;
  if (id === undefined) return undefined;
  const changeKey = idElement?.attributes.ChangeKey;
  return changeKey === undefined ? { id } : { id, changeKey };
}

export function readChildId(parent: XmlElement | undefined, name: string): ItemId | undefined {
  return readId(childElement(parent, name));
}
