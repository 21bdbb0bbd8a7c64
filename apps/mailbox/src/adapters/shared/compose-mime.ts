import MailComposer from "nodemailer/lib/mail-composer";
import type { Address, OutgoingMessage } from "../../mailbox.js";

function formatAddress(address: Address): { name: string; address: string } | string {
  return address.name ? { name: address.name, address: address.address } : address.address;
}

/**
 * An OutgoingMessage as RFC 5322/MIME bytes (nodemailer's composer: RFC 2047 encoded words,
 * RFC 2231 file names, base64 attachments). Contents are given as bytes only; file and URL
 * access are switched off, so a message can never pull in a local file or a remote resource.
 * Bcc is left out of the header block (RFC 5322 §3.6.3); the caller passes it to the server.
 */
export async function composeMime(message: OutgoingMessage, from: Address | undefined): Promise<Uint8Array> {
  const sender = message.from ?? from;
  const composer = new MailComposer({
    ...(sender === undefined ? {} : { from: formatAddress(sender) }),
    to: message.to.map(formatAddress),
    ...(message.cc === undefined ? {} : { cc: message.cc.map(formatAddress) }),
    subject: message.subject,
    ...(message.text === undefined ? {} : { text: message.text }),
    ...(message.html === undefined ? {} : { html: message.html }),
    attachments: (message.attachments ?? []).map((attachment) => ({
      filename: attachment.name,
      content: Buffer.from(attachment.content),
      ...(attachment.contentType === undefined ? {} : { contentType: attachment.contentType }),
    })),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}
