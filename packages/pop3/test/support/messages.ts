/** A message of exactly `size` octets with CRLF line ends (size ≥ 40). */
export function messageOfSize(size: number, tag: string, extraLines: readonly string[] = []): Buffer {
  const head = [`Subject: ${tag}`, "", ...extraLines].join("\r\n");
  let text = `${head}\r\n`;
  const filler = size - Buffer.byteLength(text) - 2;
  if (filler < 0) throw new Error("message too small");
  text += `${"x".repeat(filler)}\r\n`;
  return Buffer.from(text, "utf8");
}

/** RFC 1939 §3 byte-stuffing: a line starting with "." gets one more, then the terminator. */
export function dotStuff(message: Uint8Array): Buffer {
  const text = Buffer.from(message).toString("latin1");
  const stuffed = text.replace(/(^|\r\n)\./g, "$1..");
  return Buffer.from(`${stuffed}.\r\n`, "latin1");
}
