import type { FixtureAddress, FixtureMessage } from "@mailwire/fixtures";
import { type AddressObject, type ParsedMail, simpleParser } from "mailparser";

// Turns a submitted RFC 5322 message into the parsed view the store keeps next to the raw bytes
// (FixtureMessage), so every protocol module can serve it as it serves the seeded messages.

function addresses(value: AddressObject | AddressObject[] | undefined): FixtureAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: FixtureAddress[] = [];
  for (const object of objects) {
    for (const entry of object.value) {
      if (!entry.address) continue;
      out.push(entry.name ? { name: entry.name, address: entry.address } : { address: entry.address });
    }
  }
  return out;
}

/** CRLF line ends, as the store's contract requires (RFC 5322 2.1). */
function crlf(raw: Uint8Array): Uint8Array {
  const text = Buffer.from(raw).toString("latin1");
  const fixed = text.replace(/\r?\n/g, "\r\n");
  return fixed.length === text.length ? raw : new Uint8Array(Buffer.from(fixed, "latin1"));
}

const lf = (text: string) => text.replace(/\r\n/g, "\n");

export async function messageFromMime(
  rawInput: Uint8Array,
  options: { id: string; folder: string[]; fallbackFrom: FixtureAddress; now?: Date },
): Promise<FixtureMessage> {
  const raw = crlf(rawInput);
  const parsed: ParsedMail = await simpleParser(Buffer.from(raw), {
    skipTextToHtml: true,
    skipTextLinks: true,
  });
  const attachments = parsed.attachments.map((a) => ({
    name: a.filename ?? "attachment",
    contentType: a.contentType,
    bytes: new Uint8Array(a.content),
    inline: a.contentDisposition === "inline",
    ...(a.contentId ? { contentId: a.contentId.replace(/^<|>$/g, "") } : {}),
  }));
  const references = parsed.references === undefined ? [] : [parsed.references].flat();
  const html = typeof parsed.html === "string" ? lf(parsed.html) : undefined;
  const contentType = parsed.headers.get("content-type");
  const topType =
    typeof contentType === "object" && contentType !== null && "value" in contentType
      ? String((contentType as { value: unknown }).value)
      : "text/plain";
  return {
    id: options.id,
    folder: options.folder,
    raw,
    subject: parsed.subject ?? "",
    from: addresses(parsed.from)[0] ?? options.fallbackFrom,
    to: addresses(parsed.to),
    date: parsed.date ?? options.now ?? new Date(),
    flags: { seen: false, flagged: false, answered: false },
    size: raw.byteLength,
    messageId: parsed.messageId ?? `<${options.id}@exchange-sim.invalid>`,
    hasAttachments: attachments.some((a) => !a.inline),
    cc: addresses(parsed.cc),
    ...(parsed.inReplyTo ? { inReplyTo: parsed.inReplyTo } : {}),
    references,
    ...(parsed.text === undefined ? {} : { text: lf(parsed.text) }),
    ...(html === undefined ? {} : { html }),
    attachments,
    contentType: topType.toLowerCase(),
  };
}
