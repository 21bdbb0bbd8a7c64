import { isUtf8 } from "node:buffer";
import type { Readable } from "node:stream";
import { LimitExceededError, ParseError } from "@mailwire/core";

/**
 * Reads a whole (metadata-sized) response body, refusing more than `maxBytes`, and decodes it
 * as UTF-8 strictly. EWS answers in UTF-8 (the envelope declares it); bytes that are not valid
 * UTF-8 are a ParseError (MW_PARSE), never U+FFFD substituted silently: a subject or body with a
 * replaced character would reach the caller as if the server had sent it.
 */
export async function readBounded(body: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    total += bytes.byteLength;
    if (total > maxBytes) {
      body.destroy();
      throw new LimitExceededError(`the EWS response exceeds ${maxBytes} bytes`, {
        limit: "maxResponseBytes",
        max: maxBytes,
      });
    }
    chunks.push(bytes);
  }
  const whole = Buffer.concat(chunks, total);
  if (!isUtf8(whole)) {
    throw new ParseError("the EWS response is not valid UTF-8", { offset: firstInvalidUtf8(whole) });
  }
  return whole.toString("utf8");
}

/** The byte offset where `bytes` stops being valid UTF-8 (only called once isUtf8 said no). */
function firstInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // Sequence by sequence, by the length its lead byte announces (RFC 3629 section 4); only on
  // the error path, so the cost does not matter.
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at] as number;
    const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    try {
      decoder.decode(bytes.subarray(at, at + length));
    } catch {
      return at;
    }
    at += length;
  }
  return bytes.length;
}
