import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { MessageDetail } from "../../mailbox.js";
import type { StoredAttachment } from "../../sync/attachment-store.js";
import { notFound } from "../cli-error.js";
import { bool, type Command, str } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { formatAddress, formatDate, toJson } from "../format.js";
import { openSession, withFallback } from "../session.js";

/** A file name from an attachment name: no directories, no control characters, never empty. */
export function safeFileName(name: string, taken: Set<string>): string {
  let base = basename(name.replace(/\\/g, "/"))
    .replace(/[\u0000-\u001f<>:"|?*]/g, "_")
    .trim();
  if (base === "" || base === "." || base === "..") base = "attachment";
  let candidate = base;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) {
    const dot = base.lastIndexOf(".");
    candidate = dot > 0 ? `${base.slice(0, dot)} (${n})${base.slice(dot)}` : `${base} (${n})`;
  }
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Why the store cannot give an attachment's bytes. */
function offlineReason(entry: StoredAttachment | undefined): string {
  if (entry?.state === "skipped") {
    const size = entry.size === undefined ? "" : ` (${entry.size} bytes)`;
    return `over the ${entry.limit}-byte cap when synced${size}; connect to save it`;
  }
  return "not in the local store (sync while online)";
}

export const readCommand: Command = {
  name: "read",
  summary: "show a message: headers, text body, attachments",
  usage: `mailbox read <id> [--save-attachments DIR] [--headers] [--html]
  --save-attachments DIR  write every attachment into DIR (created if needed); offline, from
                          the local store (exit 4 if some attachment was not kept by sync)
  --headers               print every header field, not only From/To/Cc/Date/Subject
  --html                  print the HTML body when there is one`,
  positionals: [1, 1],
  options: {
    "save-attachments": { type: "string" },
    headers: { type: "boolean" },
    html: { type: "boolean" },
  },
  async run(context, values, [id]) {
    const messageId = id as string;
    const session = await openSession(context);
    try {
      const { value: message, source } = await withFallback<MessageDetail>(
        context,
        session,
        async (mailbox) => {
          const detail = await mailbox.read(messageId, { signal: context.signal });
          await session.store?.saveMessage(detail);
          return detail;
        },
        async (store) => {
          const cached = await store.message(messageId);
          if (!cached) throw notFound(`message ${messageId} is not in the local store (sync while online)`);
          return cached;
        },
      );
      const out = context.out;
      if (bool(values, "headers")) for (const [name, value] of message.headers) out.text(`${name}: ${value}`);
      else {
        out.text(`From:    ${formatAddress(message.from)}`);
        out.text(`To:      ${message.to.map(formatAddress).join(", ")}`);
        if (message.cc.length > 0) out.text(`Cc:      ${message.cc.map(formatAddress).join(", ")}`);
        out.text(`Date:    ${formatDate(message.date)}`);
        out.text(`Subject: ${message.subject}`);
      }
      out.text();
      out.text(bool(values, "html") && message.html ? message.html : (message.text ?? "(no text body)"));
      if (message.attachments.length > 0) {
        out.text();
        out.text("Attachments:");
        for (const a of message.attachments) {
          out.text(
            `  ${a.name}  ${a.contentType ?? ""}  ${a.size === undefined ? "" : `${a.size} bytes`}  ${a.id}`,
          );
        }
      }
      const saved: { name: string; path: string }[] = [];
      const unavailable: { name: string; reason: string }[] = [];
      const dir = str(values, "save-attachments");
      if (dir !== undefined && message.attachments.length > 0) {
        await mkdir(dir, { recursive: true });
        const taken = new Set<string>();
        const mailbox = session.mailbox;
        // Offline: the bytes sync kept (attachments over its size cap were not kept).
        const kept = mailbox ? undefined : await session.store?.attachments.manifest(message.id);
        for (const a of message.attachments) {
          const entry = kept?.attachments.find((e) => e.id === a.id);
          const stream = mailbox
            ? await mailbox.openAttachment(message.id, a.id, { signal: context.signal })
            : await session.store?.attachments.openEntry(message.id, entry);
          if (!stream) {
            const reason = offlineReason(entry);
            unavailable.push({ name: a.name, reason });
            out.note(`not saved: ${a.name}: ${reason}`);
            continue;
          }
          const path = join(dir, safeFileName(a.name, taken));
          await pipeline(stream, createWriteStream(path, { flags: "wx" }));
          saved.push({ name: a.name, path });
          out.note(`saved ${path}`);
        }
      }
      out.document({
        type: "message",
        source,
        message: toJson(message),
        saved,
        ...(unavailable.length > 0 ? { unavailable } : {}),
      });
      // Some attachment needs the server: the same exit as any read the store cannot serve.
      return unavailable.length > 0 ? ExitCode.OFFLINE : ExitCode.OK;
    } finally {
      await session.close();
    }
  },
};
