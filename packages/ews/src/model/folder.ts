import { childNumber, childText, type XmlElement } from "../xml/xml-element.js";
import { type ItemId, readChildId } from "./ids.js";

// Folder types of MS-OXWSFOLD 2.2.4.x that appear in Folders lists.
export const FOLDER_ELEMENTS = new Set([
  "Folder",
  "CalendarFolder",
  "ContactsFolder",
  "SearchFolder",
  "TasksFolder",
]);

export interface EwsFolder {
  /** The element name: Folder, CalendarFolder, ContactsFolder, SearchFolder or TasksFolder. */
  kind: string;
  folderId: ItemId;
  parentFolderId?: ItemId;
  displayName?: string;
  folderClass?: string;
  totalCount?: number;
  childFolderCount?: number;
  unreadCount?: number;
  /** The element itself, for properties not mapped here. */
  element: XmlElement;
}

export function readFolder(element: XmlElement): EwsFolder {
  const folder: EwsFolder = {
    kind: element.name,
    folderId: readChildId(element, "FolderId") ?? { id: "" },
    element,
  };
  const parentFolderId = readChildId(element, "ParentFolderId");
  if (parentFolderId) folder.parentFolderId = parentFolderId;
  const displayName = childText(element, "DisplayName");
  if (displayName !== undefined) folder.displayName = displayName;
  const folderClass = childText(element, "FolderClass");
  if (folderClass !== undefined) folder.folderClass = folderClass;
  const totalCount = childNumber(element, "TotalCount");
  if (totalCount !== undefined) folder.totalCount = totalCount;
  const childFolderCount = childNumber(element, "ChildFolderCount");
  if (childFolderCount !== undefined) folder.childFolderCount = childFolderCount;
  const unreadCount = childNumber(element, "UnreadCount");
  if (unreadCount !== undefined) folder.unreadCount = unreadCount;
  return folder;
}

/** Every folder element among `parent`'s children. */
export function readFolders(parent: XmlElement | undefined): EwsFolder[] {
  return (parent?.children ?? []).filter((child) => FOLDER_ELEMENTS.has(child.name)).map(readFolder);
}
