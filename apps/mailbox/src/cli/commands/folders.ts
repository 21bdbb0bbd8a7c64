import type { Command } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { toJson } from "../format.js";
import { openSession } from "../session.js";
import { folderList } from "./folder-list.js";

export const foldersCommand: Command = {
  name: "folders",
  summary: "list the folders (path, unread/total, role, id)",
  usage: "mailbox folders",
  positionals: [0, 0],
  options: {},
  async run(context) {
    const session = await openSession(context);
    try {
      const { value: folders, source } = await folderList(context, session);
      for (const f of folders) {
        const counts = f.total === undefined ? "" : `${f.unread ?? 0}/${f.total}`;
        context.out.text(
          `${f.path.join("/").padEnd(36)} ${counts.padStart(9)}  ${(f.role ?? "").padEnd(7)}  ${f.id}`,
        );
      }
      context.out.document({ type: "folders", source, folders: toJson(folders) });
      return ExitCode.OK;
    } finally {
      await session.close();
    }
  },
};
