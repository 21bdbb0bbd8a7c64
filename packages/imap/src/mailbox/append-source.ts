import { LimitExceededError } from "@mailwire/core";

export type AppendSource = Uint8Array | string | AsyncIterable<Uint8Array | string>;

/** Default ceiling for APPEND content: Exchange Online's own message limit is 150 MB. */
export const DEFAULT_MAX_APPEND_BYTES = 150 * 1024 * 1024;

/**
 * APPEND sends the message as one literal whose length goes first (RFC 9051 §6.3.12), and
 * imapflow takes the literal as one Buffer, so a streamed source is read to its end here, with a
 * size limit so a runaway stream cannot exhaust memory.
 */
export async function collectAppendSource(
  source: AppendSource,
  maxBytes = DEFAULT_MAX_APPEND_BYTES,
): Promise<Buffer> {
  if (typeof source === "string") return checkSize(Buffer.from(source, "utf8"), maxBytes);
  if (source instanceof Uint8Array)
    return checkSize(Buffer.from(source.buffer, source.byteOffset, source.byteLength), maxBytes);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of source) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
    total += bytes.byteLength;
    if (total > maxBytes) throw tooLarge(maxBytes);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

function checkSize(bytes: Buffer, maxBytes: number): Buffer {
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  return bytes;
}

function tooLarge(maxBytes: number): LimitExceededError {
  return new LimitExceededError(`APPEND content is larger than ${maxBytes} bytes`, {
    limit: "maxAppendBytes",
    max: maxBytes,
  });
}
