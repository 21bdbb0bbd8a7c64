import { SaslLimits } from "./limits.js";

/** Fields of an OAuth SASL error (RFC 7628 §3.2.2, Gmail/Exchange XOAUTH2) safe to put in error details. */
const SAFE_FIELDS = ["status", "schemes", "scope", "openid-configuration"] as const;
const MAX_FIELD_LENGTH = 256;

/**
 * Reads the JSON error a server sends as a challenge when it rejects a bearer token. Only
 * the known descriptive fields are kept, as bounded strings: the document comes from the
 * server, and it must never become a way to smuggle arbitrary data into our errors.
 * Unparseable input yields `{ oauthError: "unparseable" }` rather than an exception, since
 * the server's failure reply follows regardless.
 */
export function parseOAuthError(challenge: Uint8Array): Record<string, string> {
  if (challenge.length === 0 || challenge.length > SaslLimits.maxChallengeBytes) {
    return { oauthError: "unparseable" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(challenge));
  } catch {
    return { oauthError: "unparseable" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { oauthError: "unparseable" };
  const details: Record<string, string> = {};
  for (const field of SAFE_FIELDS) {
    const value: unknown = (parsed as Record<string, unknown>)[field];
    if (typeof value === "string") details[field] = value.slice(0, MAX_FIELD_LENGTH);
    // Exchange and some proxies send the HTTP-style status as a number.
    else if (typeof value === "number" && Number.isFinite(value)) details[field] = String(value);
  }
  return details;
}
