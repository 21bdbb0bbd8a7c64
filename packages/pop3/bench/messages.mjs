// Deterministic bench messages: built, not captured (same bytes in every run and on every machine).
import { createHash } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const CRLF = "\r\n";

/** xorshift32: a tiny seeded generator, so message n is the same bytes everywhere. */
function generator(seed) {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

/**
 * Message `n` of the bulk mailbox: exactly `size` octets, CRLF line ends, ASCII, 76-character
 * base64-alphabet body lines. No line starts with "." - node-pop3 does not undo dot-stuffing,
 * and the byte-for-byte check must compare the same thing for every client. (The large message
 * below does carry dot-lines: that run checks our unstuffing.)
 */
export function bulkMessage(n, size) {
  const head = [
    `From: Bench Sender <sender@mailwire.test>`,
    `To: fixture.user@mailwire.test`,
    `Subject: Bench message ${n}`,
    `Date: Mon, 6 Jan 2025 09:00:00 +0000`,
    `Message-ID: <bench-${n}@mailwire.test>`,
    `MIME-Version: 1.0`,
    `Content-Type: text/plain; charset=us-ascii`,
    "",
    "",
  ].join(CRLF);
  const random = generator(n * 2654435761);
  let body = "";
  const line = () => {
    let text = "";
    for (let index = 0; index < 76; index++) text += ALPHABET[random() & 63];
    return text;
  };
  // Whole lines while they fit, then one short line that lands exactly on `size`.
  while (head.length + body.length + 78 + 3 <= size) body += line() + CRLF;
  const rest = size - head.length - body.length - 2;
  body += `${line()
    .slice(0, Math.max(0, rest - 1))
    .padEnd(rest, "x")}${CRLF}`;
  const raw = Buffer.from(head + body, "ascii");
  if (raw.length !== size) throw new Error(`message ${n} is ${raw.length} octets, wanted ${size}`);
  return raw;
}

/**
 * One large message of about `size` octets: 1,000-octet lines, one in ten starting with "."
 * (Dovecot stuffs them on the wire, the client must unstuff them).
 */
export function largeMessage(size) {
  const head = Buffer.from(
    [
      "From: Bench Sender <sender@mailwire.test>",
      "To: fixture.user@mailwire.test",
      "Subject: Bench large message",
      "Date: Mon, 6 Jan 2025 09:00:00 +0000",
      "Message-ID: <bench-large@mailwire.test>",
      "",
      "",
    ].join(CRLF),
  );
  const plain = Buffer.from(`${"z".repeat(998)}${CRLF}`);
  const dotted = Buffer.from(`.${"d".repeat(997)}${CRLF}`);
  const block = Buffer.concat(Array.from({ length: 64 }, (_, index) => (index % 10 === 0 ? dotted : plain)));
  const blocks = Math.ceil((size - head.length) / block.length);
  const out = Buffer.allocUnsafe(head.length + blocks * block.length);
  head.copy(out, 0);
  for (let index = 0; index < blocks; index++) block.copy(out, head.length + index * block.length);
  return out;
}

export function sha256(...parts) {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}
