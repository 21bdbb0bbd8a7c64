import type { FixtureMessage } from "@mailwire/fixtures";

/** A small plain-text message, as raw RFC 5322 and as the fixture view exchange-sim stores. */
export function newMessage(subject: string, to: string): FixtureMessage {
  const date = new Date();
  const messageId = `<${Date.now()}.${Math.random().toString(16).slice(2)}@contract.mailwire.test>`;
  const text = `Delivered for the contract test: ${subject}\n`;
  const raw = Buffer.from(
    [
      "From: Contract Sender <sender@contract.mailwire.test>",
      `To: ${to}`,
      `Subject: ${subject}`,
      `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
      `Message-ID: ${messageId}`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      text.replace(/\n/g, "\r\n"),
    ].join("\r\n"),
  );
  return {
    id: `contract-${Date.now()}`,
    folder: ["Inbox"],
    raw,
    subject,
    from: { name: "Contract Sender", address: "sender@contract.mailwire.test" },
    to: [{ address: to }],
    date,
    flags: { seen: false, flagged: false, answered: false },
    size: raw.byteLength,
    messageId,
    hasAttachments: false,
    cc: [],
    references: [],
    text,
    attachments: [],
    contentType: "text/plain",
  };
}
