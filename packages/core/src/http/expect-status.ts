import { HttpStatusError } from "../errors/error-classes.js";
import { describeTarget } from "./http-diagnostics.js";
import type { IncomingResponse } from "./pipeline.js";
import type { ExpectStatus } from "./types.js";

function accepts(expect: ExpectStatus, statusCode: number): boolean {
  if (typeof expect === "number") return statusCode === expect;
  if (typeof expect === "function") return expect(statusCode);
  return expect.includes(statusCode);
}

/** Throws HttpStatusError (after freeing the connection) when the status is not one the caller wants. */
export async function checkStatus(
  response: IncomingResponse,
  expect: ExpectStatus | undefined,
  method: string,
  url: URL,
): Promise<void> {
  if (expect === undefined || accepts(expect, response.statusCode)) return;
  await response.body.dump();
  throw new HttpStatusError(
    `${method} ${describeTarget(url)}: unexpected HTTP status ${response.statusCode}`,
    {
      statusCode: response.statusCode,
    },
  );
}
