// The bench mailbox: COUNT deterministic messages of 2-50 KB (most small, a tail of larger
// ones, like a real inbox), CRLF line endings, ASCII headers so every client sees the same
// ENVELOPE. Same seed, same bytes on every run.
import { createHash } from "node:crypto";

/** mulberry32: a small deterministic PRNG. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  "the quarterly report meeting agenda invoice shipment delayed please review attached budget forecast customer feedback release notes server migration schedule thanks regards".split(
    " ",
  );

/** Size in octets: log-uniform between 2 KB and 50 KB (median ~10 KB). */
function pickSize(random) {
  return Math.round(2048 * (50 / 2) ** random());
}

export function buildMessage(n, random) {
  const size = pickSize(random);
  const from = `Sender ${n % 97} <sender${n % 97}@example.org>`;
  const to = `Recipient ${n % 13} <rcpt${n % 13}@example.com>`;
  const date = new Date(Date.UTC(2026, 0, 1) + n * 600_000).toUTCString().replace("GMT", "+0000");
  const subject = `${WORDS[n % WORDS.length]} ${WORDS[(n * 7) % WORDS.length]} #${n}`;
  const head =
    `From: ${from}\r\nTo: ${to}\r\nCc: Team <team@example.com>\r\nSubject: ${subject}\r\n` +
    `Date: ${date}\r\nMessage-ID: <bench-${n}@example.org>\r\nMIME-Version: 1.0\r\n` +
    `Content-Type: text/plain; charset=us-ascii\r\n\r\n`;
  const lines = [];
  let length = head.length;
  while (length < size) {
    let line = "";
    while (line.length < 70) line += `${WORDS[Math.floor(random() * WORDS.length)]} `;
    line = line.trimEnd();
    lines.push(line);
    length += line.length + 2;
  }
  const raw = Buffer.from(`${head}${lines.join("\r\n")}\r\n`, "latin1");
  return raw;
}

export function buildMailbox(count, seed = 0x1ca9) {
  const random = prng(seed);
  return Array.from({ length: count }, (_, index) => buildMessage(index + 1, random));
}

export function sha256(...buffers) {
  const hash = createHash("sha256");
  for (const buffer of buffers) hash.update(buffer);
  return hash.digest("hex");
}
