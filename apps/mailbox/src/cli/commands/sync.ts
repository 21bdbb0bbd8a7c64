import { DEFAULT_MAX_ATTACHMENT_BYTES } from "../../sync/attachment-store.js";
import { LocalStore } from "../../sync/local-store.js";
import { type SyncProgress, syncMailbox } from "../../sync/sync-mailbox.js";
import { bool, type Command, str, strs } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { resolveFolder } from "../folder-arg.js";
import { positiveInt } from "../numbers.js";
import { ProgressBar } from "../progress.js";
import { openSession } from "../session.js";
import { folderList } from "./folder-list.js";

export const syncCommand: Command = {
  name: "sync",
  summary: "cached mode: bring the local store up to date (resumes where it stopped)",
  usage: `mailbox sync [--folder F]... [--headers-only | --full] [--page-size N] [--max-attachment-size BYTES] [--progress]
  sends what was queued offline, then per folder downloads only what the store lacks
  --headers-only   summaries only, bodies on demand (the default on a slow link)
  --full           bodies too, even on a slow link
  --max-attachment-size BYTES
                   keep attachments up to this size for offline reading (default 10485760;
                   0: none); bigger ones are recorded as skipped
  --progress       draw the progress bar even when stderr is not a terminal
  --json           NDJSON progress records, then {"type":"done",...}
  exit code 4 when the server went away mid-way: run it again to resume`,
  positionals: [0, 0],
  options: {
    folder: { type: "string", multiple: true },
    "headers-only": { type: "boolean" },
    full: { type: "boolean" },
    "page-size": { type: "string" },
    "max-attachment-size": { type: "string" },
    progress: { type: "boolean" },
  },
  async run(context, values) {
    const session = await openSession(context, { needsServer: true });
    try {
      const mailbox = session.mailbox;
      if (!mailbox) return ExitCode.OFFLINE;
      const store = session.store ?? new LocalStore(context.profiles.cacheDirectory(session.profile.name));
      const slow = session.profile.link?.slow === true;
      const headersOnly = bool(values, "headers-only") || (slow && !bool(values, "full"));
      if (headersOnly && slow && !bool(values, "headers-only")) {
        context.out.note("slow link: headers only (--full downloads bodies too)");
      }
      let folderIds: string[] | undefined;
      const wanted = strs(values, "folder");
      if (wanted.length > 0) {
        const { value: folders } = await folderList(context, session);
        folderIds = wanted.map((w) => resolveFolder(folders, w).id);
      }
      const stderr = context.env.stderr as NodeJS.WritableStream & { isTTY?: boolean };
      const bar = new ProgressBar(
        stderr as never,
        !context.out.json && (stderr.isTTY === true || bool(values, "progress")),
      );
      let label = "";
      const onProgress = (event: SyncProgress) => {
        context.out.record({ ...event });
        if (event.type === "folder") {
          bar.done();
          label = event.path;
          if (!context.out.json && !context.out.quiet) {
            context.out.note(`${event.path}: ${event.listed} listed, ${event.missing} to download`);
          }
        } else if (event.type === "message") bar.update(label, event.done, event.total);
      };
      const pageSize = str(values, "page-size")
        ? positiveInt(str(values, "page-size"), "page-size", 50)
        : undefined;
      const maxAttachmentBytes = positiveInt(
        str(values, "max-attachment-size"),
        "max-attachment-size",
        DEFAULT_MAX_ATTACHMENT_BYTES,
      );
      const report = await syncMailbox(mailbox, store, {
        folderIds,
        headersOnly,
        pageSize,
        maxAttachmentBytes,
        signal: context.signal,
        onProgress,
      });
      bar.done();
      context.out.record({ type: "done", protocol: mailbox.protocol, ...report });
      context.out.text(
        `${report.interrupted ? "Sync interrupted" : "Synced"}: ${report.folders} folder(s), ${report.listed} listed, ` +
          `${report.downloaded} downloaded, ${report.alreadyCached} already cached, ${report.removed} removed, ` +
          `${report.attachmentsStored} attachment(s) kept, ${report.attachmentsSkipped} over the size cap, ` +
          `${report.replayed} offline change(s) sent${report.headersOnly ? " (headers only)" : ""}`,
      );
      if (report.interrupted) {
        const i = report.interrupted;
        context.out.note(
          `mailbox: ${[i.protocol, i.step].filter(Boolean).join(" ")} lost the server (${i.code}): ${i.message}; run \`mailbox sync\` again to resume`,
        );
        return ExitCode.OFFLINE;
      }
      return ExitCode.OK;
    } finally {
      await session.close();
    }
  },
};
