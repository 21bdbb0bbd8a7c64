import type { HttpResponse } from "@mailwire/core";
import { LimitExceededError } from "@mailwire/core";

/**
 * Reads a response body up to `maxBytes`. A declared Content-Length over the bound is refused
 * before a byte is read; otherwise core's bounded read stops (and closes the connection) as
 * soon as the bound is passed, so a hostile server cannot make us buffer an endless body.
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
  return response.body.bytes({ maxBytes });
}
