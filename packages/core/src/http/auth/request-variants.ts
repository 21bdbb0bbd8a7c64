import type { OutgoingRequest } from "../pipeline.js";

/** The same request with an Authorization header (any caller-set one is replaced). */
export function withAuthorization(request: OutgoingRequest, scheme: string, token: string): OutgoingRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.toLowerCase() !== "authorization") headers[name] = value;
  }
  headers.authorization = `${scheme} ${token}`;
  return { ...request, headers };
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
  return { ...request, headers, body: undefined };
}
