import { Readable } from "node:stream";
import PostalMime, { type Address as MimeAddress } from "postal-mime";
import { MailboxError, MailboxErrorCode } from "../../errors.js";
import type { Address, AttachmentInfo, MessageDetail } from "../../mailbox.js";

// RFC 5322/MIME messages (what IMAP and POP3 hand over) parsed with postal-mime into the
// Mailbox's view. Attachments are numbered in document order; the number is their id.

export interface ParsedMessage {
  readonly subject: string;
  readonly from: Address | undefined;
  readonly to: Address[];
  readonly cc: Address[];
  readonly date: Date | undefined;
  readonly messageId: string | undefined;
  readonly headers: (readonly [string, string])[];
  readonly text: string | undefined;
  readonly html: string | undefined;
  readonly attachments: AttachmentInfo[];
  /** Decoded attachment contents, by `AttachmentInfo.id`. */
  readonly contents: readonly Uint8Array[];
}

function addresses(list: readonly MimeAddress[] | undefined): Address[] {
  const out: Address[] = [];
  for (const entry of list ?? []) {
    if (entry.group) {
      for (const member of entry.group) out.push(address(member.name, member.address));
    } else if (entry.address) out.push(address(entry.name, entry.address));
  }
  return out;
}

function address(name: string, value: string): Address {
  return name ? { name, address: value } : { address: value };
}

function bytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === "string") return Buffer.from(content, "utf8");
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

export async function parseMessage(raw: Uint8Array): Promise<ParsedMessage> {
  const email = await PostalMime.parse(raw);
  const date = email.date === undefined ? undefined : new Date(email.date);
  const contents = email.attachments.map((attachment) => bytes(attachment.content));
  return {
    subject: email.subject ?? "",
    from: email.from ? addresses([email.from])[0] : undefined,
    to: addresses(email.to),
    cc: addresses(email.cc),
    date: date === undefined || Number.isNaN(date.getTime()) ? undefined : date,
    messageId: email.messageId,
    headers: email.headers.map((header) => [header.originalKey, header.value] as const),
    text: email.text,
    html: email.html,
    attachments: email.attachments.map((attachment, index) => ({
      id: String(index),
      name: attachment.filename ?? `attachment-${index + 1}`,
      contentType: attachment.mimeType,
      size: contents[index]?.byteLength,
    })),
    contents,
  };
}

/** A MessageDetail from a parsed RFC 5322 message and what the protocol knows besides. */
export function detailFrom(
  parsed: ParsedMessage,
  known: { id: string; folderId: string; read: boolean; size: number | undefined },
): MessageDetail {
  return {
    id: known.id,
    folderId: known.folderId,
    subject: parsed.subject,
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    date: parsed.date,
    size: known.size,
    read: known.read,
    hasAttachments: parsed.attachments.length > 0,
    headers: parsed.headers,
    text: parsed.text,
    html: parsed.html,
    attachments: parsed.attachments,
  };
}

/** The attachment numbered `attachmentId` in a parsed message, as a stream. */
export function attachmentStream(
  parsed: ParsedMessage,
  attachmentId: string,
  protocol: "imap" | "pop3",
): Readable {
  const index = /^\d{1,6}$/.test(attachmentId) ? Number(attachmentId) : -1;
  const content = parsed.contents[index];
  if (content === undefined) {
    throw new MailboxError(
      MailboxErrorCode.INVALID_ID,
      `${protocol} attachment: no attachment ${attachmentId}`,
      {
        protocol,
        step: "attachment",
      },
    );
  }
  return Readable.from([Buffer.from(content)]);
}
