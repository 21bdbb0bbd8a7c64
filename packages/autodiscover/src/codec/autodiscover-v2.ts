import { LimitExceededError, ParseError } from "@mailwire/core";
import { AutodiscoverLimits } from "./limits.js";

/**
 * Autodiscover v2 (`/autodiscover/autodiscover.json`), as Microsoft 365 clients use it. No
 * Microsoft specification describes it; the shape here — `{"Protocol": "...", "Url": "..."}`
 * on success, `{"ErrorCode": "...", "ErrorMessage": "..."}` on failure — is what Exchange
 * Online answers. Treat it as best effort.
 */
export type AutodiscoverV2Response =
  | { kind: "url"; protocol: string; url: string }
  | { kind: "error"; errorCode: string; errorMessage?: string };

/** The query a client sends: `?Email=<address>&Protocol=<AutodiscoverV1|Ews|Rest|ActiveSync>`. */
export function autodiscoverV2Path(emailAddress: string, protocol = "AutodiscoverV1"): string {
  const query = new URLSearchParams({ Email: emailAddress, Protocol: protocol });
  return `/autodiscover/autodiscover.json?${query.toString()}`;
}

function decodeText(input: string | Uint8Array): string {
  if (typeof input === "string") return input;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(input);
  } catch (error) {
    throw new ParseError("the JSON body is not valid UTF-8", { cause: error });
  }
}

export function parseAutodiscoverV2(input: string | Uint8Array): AutodiscoverV2Response {
  const size = typeof input === "string" ? input.length : input.byteLength;
  if (size > AutodiscoverLimits.maxBodyBytes) {
    throw new LimitExceededError("the JSON body is too large", {
      limit: "maxBodyBytes",
      max: AutodiscoverLimits.maxBodyBytes,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(decodeText(input));
  } catch (error) {
    if (error instanceof ParseError) throw error;
    throw new ParseError("the Autodiscover v2 body is not JSON", { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ParseError("the Autodiscover v2 body is not a JSON object");
  }
  const record = value as Record<string, unknown>;
  if (typeof record.Url === "string" && record.Url !== "") {
    return {
      kind: "url",
      protocol: typeof record.Protocol === "string" ? record.Protocol : "",
      url: record.Url,
    };
  }
  if (typeof record.ErrorCode === "string") {
    return {
      kind: "error",
      errorCode: record.ErrorCode,
      ...(typeof record.ErrorMessage === "string" ? { errorMessage: record.ErrorMessage } : {}),
    };
  }
  throw new ParseError("the Autodiscover v2 body has neither Url nor ErrorCode");
}
