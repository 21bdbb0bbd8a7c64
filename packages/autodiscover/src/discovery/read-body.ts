import type { HttpResponse } from "@mailwire/core";
import { LimitExceededError } from "@mailwire/core";

/**
 * Reads a response body up to `maxBytes`, stopping (and destroying the stream) as soon as
 * the bound is passed, so a hostile server cannot make us buffer an endless body.
 */
export async function readBodyLimited(response: HttpResponse, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw new LimitExceededError(`the response declares ${declared} bytes, more than ${maxBytes}`, {
      limit: "maxBodyBytes",
      max: maxBytes,
    });
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.byteLength;
    if (total > maxBytes) {
      response.body.destroy();
      throw new LimitExceededError(`the response is larger than ${maxBytes} bytes`, {
        limit: "maxBodyBytes",
        max: maxBytes,
      });
    }
    chunks.push(bytes);
  }
  const whole = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}
