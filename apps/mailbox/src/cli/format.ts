import type { Address, MessageSummary } from "../mailbox.js";

export function formatAddress(address: Address | undefined): string {
  if (!address) return "";
  return address.name ? `${address.name} <${address.address}>` : address.address;
}

export function formatDate(date: Date | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return "";
  return date.toISOString().slice(0, 16).replace("T", " ");
}

function fit(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat.padEnd(width);
}

/** One line per message: unread mark, date, sender, subject, id. */
export function summaryLine(m: MessageSummary): string {
  const mark = m.read ? " " : "*";
  const clip = m.hasAttachments ? "@" : " ";
  return `${mark}${clip} ${formatDate(m.date).padEnd(16)}  ${fit(m.from?.name || m.from?.address || "", 24)}  ${fit(m.subject || "(no subject)", 50)}  ${m.id}`;
}

/** JSON has no Date or Uint8Array: ISO strings for dates. */
export function toJson<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

export function parseAddressList(values: readonly string[] | undefined): Address[] {
  const out: Address[] = [];
  for (const value of values ?? []) {
    for (const part of value.split(",")) {
      const trimmed = part.trim();
      if (trimmed === "") continue;
      const match = /^(.*)<([^>]+)>$/.exec(trimmed);
      if (match) {
        const name = (match[1] ?? "").trim().replace(/^"|"$/g, "");
        out.push(name ? { name, address: (match[2] ?? "").trim() } : { address: (match[2] ?? "").trim() });
      } else out.push({ address: trimmed });
    }
  }
  return out;
}
