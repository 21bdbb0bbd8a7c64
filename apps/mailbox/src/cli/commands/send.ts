import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Readable } from "node:stream";
import { InvalidArgumentError } from "@mailwire/core";
import type { OutgoingMessage } from "../../mailbox.js";
import { serializeOutgoing } from "../../sync/replay-pending.js";
import { type Command, str, strs } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { parseAddressList } from "../format.js";
import { openSession, withFallback } from "../session.js";

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export const sendCommand: Command = {
  name: "send",
  summary: "send a message (MAPI submit, EWS CreateItem, or SMTP for IMAP/POP3 accounts)",
  usage: `mailbox send --to ADDR [--cc ADDR] [--bcc ADDR] --subject S [--text T | --body-file F | --body-file -] [--attach FILE]...
  addresses may repeat or be comma-separated; "Name <a@b>" works
  offline (cached mode) the message waits in the outbox and goes at the next sync`,
  positionals: [0, 0],
  options: {
    to: { type: "string", multiple: true },
    cc: { type: "string", multiple: true },
    bcc: { type: "string", multiple: true },
    subject: { type: "string" },
    text: { type: "string" },
    "body-file": { type: "string" },
    attach: { type: "string", multiple: true },
  },
  async run(context, values) {
    const to = parseAddressList(strs(values, "to"));
    const cc = parseAddressList(strs(values, "cc"));
    const bcc = parseAddressList(strs(values, "bcc"));
    if (to.length + cc.length + bcc.length === 0)
      throw new InvalidArgumentError("send needs --to (or --cc/--bcc)");
    const subject = str(values, "subject");
    if (subject === undefined) throw new InvalidArgumentError("send needs --subject");
    const bodyFile = str(values, "body-file");
    const text =
      str(values, "text") ??
      (bodyFile === "-"
        ? await readAll(context.env.stdin)
        : bodyFile
          ? await readFile(bodyFile, "utf8")
          : "");
    const attachments = await Promise.all(
      strs(values, "attach").map(async (file) => ({
        name: basename(file),
        content: new Uint8Array(await readFile(file)),
      })),
    );
    const session = await openSession(context);
    try {
      const message: OutgoingMessage = {
        from: { address: session.profile.email },
        to,
        ...(cc.length ? { cc } : {}),
        ...(bcc.length ? { bcc } : {}),
        subject,
        text,
        ...(attachments.length ? { attachments } : {}),
      };
      const { source } = await withFallback(
        context,
        session,
        (mailbox) => mailbox.send(message, { signal: context.signal }),
        (store) => store.queue({ op: "send", message: serializeOutgoing(message) }),
      );
      const queued = source === "cache";
      context.out.text(queued ? "Queued in the outbox; it goes at the next sync." : "Sent.");
      context.out.document({
        type: "send",
        queued,
        protocol: session.profile.protocol,
        to,
        cc,
        bcc,
        subject,
      });
      return ExitCode.OK;
    } finally {
      await session.close();
    }
  },
};
