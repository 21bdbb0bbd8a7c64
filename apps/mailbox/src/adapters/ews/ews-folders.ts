import type { DistinguishedFolderName, EwsClient, EwsFolder } from "@mailwire/ews";
import type { CallOptions, FolderInfo, FolderRole } from "../../mailbox.js";
import { ewsFolderToken } from "./ews-ids.js";

// The folder tree from FindFolder Deep under msgfolderroot (MS-OXWSSRCH 3.1.4.1), roles from
// GetFolder on the distinguished folder names (MS-OXWSCDATA 2.2.5.10), which is how Exchange
// names them whatever the display name's language.

const ROLE_FOLDERS: readonly (readonly [DistinguishedFolderName, FolderRole])[] = [
  ["inbox", "inbox"],
  ["sentitems", "sent"],
  ["drafts", "drafts"],
  ["deleteditems", "trash"],
  ["junkemail", "junk"],
  ["outbox", "outbox"],
];

/** Mail folders only: calendars, contacts and tasks have their own folder classes. */
function isMailFolder(folder: EwsFolder): boolean {
  if (folder.kind !== "Folder") return false;
  return folder.folderClass === undefined || folder.folderClass.startsWith("IPF.Note");
}

export async function listEwsFolders(client: EwsClient, options: CallOptions): Promise<FolderInfo[]> {
  const call = { signal: options.signal };
  const wellKnown = await client.getFolders(["msgfolderroot", ...ROLE_FOLDERS.map(([name]) => name)], {
    ...call,
    shape: { baseShape: "IdOnly" },
  });
  const rootId = wellKnown[0]?.ok ? wellKnown[0].value.folderId.id : undefined;
  const roles = new Map<string, FolderRole>();
  ROLE_FOLDERS.forEach(([, role], index) => {
    const result = wellKnown[index + 1];
    // A mailbox may lack some (no Junk Email folder before first use): that role is just absent.
    if (result?.ok) roles.set(result.value.folderId.id, role);
  });
  const folders: EwsFolder[] = [];
  for await (const folder of client.findFolders("msgfolderroot", {
    ...call,
    traversal: "Deep",
    shape: { baseShape: "AllProperties" },
  })) {
    if (isMailFolder(folder)) folders.push(folder);
  }
  const byId = new Map(folders.map((folder) => [folder.folderId.id, folder]));
  const pathOf = (folder: EwsFolder, depth = 0): string[] => {
    const name = folder.displayName ?? "";
    const parentId = folder.parentFolderId?.id;
    const parent = parentId === undefined || parentId === rootId ? undefined : byId.get(parentId);
    // Depth bound: a server answering with a parent cycle must not recurse for ever.
    return parent === undefined || depth > 64 ? [name] : [...pathOf(parent, depth + 1), name];
  };
  return folders.map((folder) => {
    const parentId = folder.parentFolderId?.id;
    const path = pathOf(folder);
    const role =
      roles.get(folder.folderId.id) ?? (path.length === 1 && path[0] === "Archive" ? "archive" : undefined);
    return {
      id: ewsFolderToken(folder.folderId.id),
      name: folder.displayName ?? "",
      path,
      parentId: parentId === undefined || parentId === rootId ? undefined : ewsFolderToken(parentId),
      role,
      total: folder.totalCount,
      unread: folder.unreadCount,
    };
  });
}
