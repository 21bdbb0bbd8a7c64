import type { FolderInfo, FolderRole } from "../mailbox.js";
import { notFound } from "./cli-error.js";

const ROLES: readonly FolderRole[] = ["inbox", "sent", "drafts", "trash", "junk", "archive", "outbox"];

/**
 * A folder as the user names it: a role (`inbox`, `sent`, `trash`...), a path from the root
 * (`Inbox/Projects`, case-insensitive), a unique name, or the protocol's id.
 */
export function resolveFolder(folders: readonly FolderInfo[], argument: string): FolderInfo {
  const wanted = argument.toLowerCase();
  const byId = folders.find((f) => f.id === argument);
  if (byId) return byId;
  if ((ROLES as readonly string[]).includes(wanted)) {
    const byRole = folders.find((f) => f.role === wanted);
    if (byRole) return byRole;
  }
  const byPath = folders.find((f) => f.path.join("/").toLowerCase() === wanted.replace(/^\/+|\/+$/g, ""));
  if (byPath) return byPath;
  const byName = folders.filter((f) => f.name.toLowerCase() === wanted);
  if (byName.length === 1) return byName[0] as FolderInfo;
  throw notFound(
    byName.length > 1
      ? `${byName.length} folders are named ${argument}: give the path (${byName.map((f) => f.path.join("/")).join(", ")})`
      : `no folder ${argument} (see \`mailbox folders\`)`,
    { folder: argument },
  );
}
