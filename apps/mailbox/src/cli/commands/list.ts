import type { MessageSummary } from "../../mailbox.js";
import { bool, type Command, str } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { summaryLine, toJson } from "../format.js";
import { positiveInt } from "../numbers.js";
import { openSession, withFallback } from "../session.js";
import { findFolder } from "./folder-list.js";

export const listCommand: Command = {
  name: "list",
  summary: "list a folder's messages, newest first, a page at a time",
  usage: `mailbox list <folder> [--limit N] [--offset N] [--all] [--page-size N]
  <folder>        inbox, sent, trash..., a path (Inbox/Projects) or an id
  --limit N       messages to show (default 20); --offset N skips the first N
  --all           every message
  --page-size N   messages per server round trip
  --json          NDJSON: {"type":"message",...} per message, then {"type":"end",...}`,
  positionals: [1, 1],
  options: {
    limit: { type: "string" },
    offset: { type: "string" },
    all: { type: "boolean" },
    "page-size": { type: "string" },
  },
  async run(context, values, [folderArgument]) {
    const limit = bool(values, "all")
      ? Number.POSITIVE_INFINITY
      : positiveInt(str(values, "limit"), "limit", 20);
    const offset = positiveInt(str(values, "offset"), "offset", 0);
    const pageSize = str(values, "page-size")
      ? positiveInt(str(values, "page-size"), "page-size", 50)
      : undefined;
    const session = await openSession(context);
    try {
      const folder = await findFolder(context, session, folderArgument as string);
      let shown = 0;
      let more = false;
      const show = (m: MessageSummary) => {
        context.out.text(summaryLine(m));
        context.out.record({ type: "message", ...(toJson(m) as object) });
        shown += 1;
      };
      // Printed as they arrive; if the server goes away mid-listing, the rest comes from the store.
      const printed = new Set<string>();
      const { source } = await withFallback(
        context,
        session,
        async (mailbox) => {
          let index = 0;
          for await (const m of mailbox.list(folder.id, { signal: context.signal, pageSize })) {
            if (index++ < offset) continue;
            if (shown >= limit) {
              more = true;
              break;
            }
            printed.add(m.id);
            show(m);
          }
        },
        async (store) => {
          const index = await store.index(folder.id);
          const all = index?.messages ?? [];
          const page = all.slice(offset, offset + (Number.isFinite(limit) ? limit : all.length));
          for (const m of page) if (!printed.has(m.id)) show(m);
          more = offset + page.length < all.length;
        },
      );
      if (source === "cache") context.out.note(`(from the local store; ${shown} shown)`);
      else if (more) context.out.note(`(more: --offset ${offset + shown})`);
      context.out.record({
        type: "end",
        folder: folder.path.join("/"),
        folderId: folder.id,
        count: shown,
        more,
        source,
      });
      return ExitCode.OK;
    } finally {
      await session.close();
    }
  },
};
