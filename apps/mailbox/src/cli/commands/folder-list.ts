import type { FolderInfo } from "../../mailbox.js";
import { notFound } from "../cli-error.js";
import type { CommandContext } from "../context.js";
import { resolveFolder } from "../folder-arg.js";
import { type Session, type Source, withFallback } from "../session.js";

/** The folder list from the server (saved to the store in cached mode) or from the store. */
export async function folderList(
  context: CommandContext,
  session: Session,
): Promise<{ value: FolderInfo[]; source: Source }> {
  return withFallback(
    context,
    session,
    async (mailbox) => {
      const folders = await mailbox.folders({ signal: context.signal });
      await session.store?.saveFolders(folders);
      return folders;
    },
    async (store) => {
      const cached = await store.folders();
      if (!cached) throw notFound("the local store has no folder list yet: run `mailbox sync` while online");
      return cached.folders;
    },
  );
}

export async function findFolder(
  context: CommandContext,
  session: Session,
  argument: string,
): Promise<FolderInfo> {
  const { value } = await folderList(context, session);
  return resolveFolder(value, argument);
}
