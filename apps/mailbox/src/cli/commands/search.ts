import type { MessageSummary, SearchQuery } from "../../mailbox.js";
import type { LocalStore } from "../../sync/local-store.js";
import { bool, type Command, str } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { summaryLine, toJson } from "../format.js";
import { dateOption, positiveInt } from "../numbers.js";
import { openSession, withFallback } from "../session.js";
import { findFolder } from "./folder-list.js";

const has = (haystack: string | undefined, needle: string | undefined) =>
  needle === undefined || (haystack ?? "").toLowerCase().includes(needle.toLowerCase());

/** The same conjunction as `Mailbox.search`, over what the store holds (bodies where cached). */
async function searchStore(
  store: LocalStore,
  folderId: string,
  query: SearchQuery,
): Promise<MessageSummary[]> {
  const out: MessageSummary[] = [];
  for (const m of (await store.index(folderId))?.messages ?? []) {
    if (query.unread !== undefined && m.read === query.unread) continue;
    if (query.since && (!m.date || m.date < query.since)) continue;
    if (query.before && (!m.date || m.date >= query.before)) continue;
    if (!has(m.subject, query.subject)) continue;
    if (!has(`${m.from?.name ?? ""} ${m.from?.address ?? ""}`, query.from)) continue;
    if (query.text !== undefined) {
      const detail = await store.message(m.id);
      if (!has(`${m.subject}\n${detail?.text ?? ""}`, query.text)) continue;
    }
    out.push(m);
  }
  return out;
}

export const searchCommand: Command = {
  name: "search",
  summary: "find messages in a folder (all given conditions must match)",
  usage: `mailbox search [folder] [--text T] [--from F] [--subject S] [--unread] [--since DATE] [--before DATE] [--limit N]
  folder defaults to inbox; text matches are case-insensitive substrings
  --json  NDJSON, like list`,
  positionals: [0, 1],
  options: {
    text: { type: "string" },
    from: { type: "string" },
    subject: { type: "string" },
    unread: { type: "boolean" },
    since: { type: "string" },
    before: { type: "string" },
    limit: { type: "string" },
  },
  async run(context, values, [folderArgument]) {
    const query: SearchQuery = {
      text: str(values, "text"),
      from: str(values, "from"),
      subject: str(values, "subject"),
      unread: bool(values, "unread") ? true : undefined,
      since: dateOption(str(values, "since"), "since"),
      before: dateOption(str(values, "before"), "before"),
    };
    const limit = positiveInt(str(values, "limit"), "limit", 50);
    const session = await openSession(context);
    try {
      const folder = await findFolder(context, session, folderArgument ?? "inbox");
      let count = 0;
      const show = (m: MessageSummary) => {
        context.out.text(summaryLine(m));
        context.out.record({ type: "message", ...(toJson(m) as object) });
        count += 1;
      };
      const { source } = await withFallback(
        context,
        session,
        async (mailbox) => {
          for await (const m of mailbox.search(folder.id, query, { signal: context.signal })) {
            if (count >= limit) break;
            show(m);
          }
        },
        async (store) => {
          for (const m of (await searchStore(store, folder.id, query)).slice(0, limit)) show(m);
        },
      );
      if (count === 0) context.out.note("no messages match");
      context.out.record({ type: "end", folder: folder.path.join("/"), count, source });
      return ExitCode.OK;
    } finally {
      await session.close();
    }
  },
};
