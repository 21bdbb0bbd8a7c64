import type { Readable } from "node:stream";
import { LimitExceededError } from "@mailwire/core";

/** Reads a whole (metadata-sized) response body, refusing more than `maxBytes`. */
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
  return Buffer.concat(chunks, total).toString("utf8");
}
