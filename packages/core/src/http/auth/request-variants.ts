import type { ConnectionSlot } from "../connection/connection-slot.js";
import { copyRequest, type OutgoingRequest } from "../pipeline.js";

/**
 * The same request with an Authorization header (any caller-set one is replaced), pinned
 * to `connection` when given.
 */
export function withAuthorization(
  request: OutgoingRequest,
  scheme: string,
  token: string,
  connection?: ConnectionSlot,
): OutgoingRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.toLowerCase() !== "authorization") headers[name] = value;
  }
  headers.authorization = `${scheme} ${token}`;
  return connection === undefined
    ? copyRequest(request, { headers })
    : copyRequest(request, { headers, connection });
}

/**
 * The same request with no body, used to probe or authenticate before a one-shot stream
 * is sent. Length headers describing the real body must go too.
 */
export function withoutBody(request: OutgoingRequest): OutgoingRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (lower !== "content-length" && lower !== "transfer-encoding") headers[name] = value;
  }
  return copyRequest(request, { headers, body: undefined });
}
