import { LimitExceededError, ParseError } from "../errors/error-classes.js";
import { SaslLimits } from "./limits.js";

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes a server message as UTF-8, refusing invalid sequences and oversized input. */
export function decodeServerText(bytes: Uint8Array, what: string): string {
  if (bytes.length > SaslLimits.maxChallengeBytes) {
    throw new LimitExceededError(`${what} is longer than ${SaslLimits.maxChallengeBytes} bytes`, {
      limit: "maxChallengeBytes",
      max: SaslLimits.maxChallengeBytes,
    });
  }
  try {
    return strictDecoder.decode(bytes);
  } catch (cause) {
    throw new ParseError(`${what} is not valid UTF-8`, { cause });
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Canonical base64 only: Buffer's decoder silently skips junk, which would hide a broken server. */
export function decodeBase64Strict(text: string, what: string): Uint8Array {
  if (!BASE64.test(text)) throw new ParseError(`${what} is not valid base64`);
  return new Uint8Array(Buffer.from(text, "base64"));
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * GS2 saslname escaping (RFC 5801 §4, used by SCRAM RFC 5802 §5.1 and OAUTHBEARER RFC
 * 7628 §3.1): "," and "=" would end or confuse the attribute, so they travel as =2C and
 * =3D. "=" goes first so the escapes themselves are not escaped again.
 */
export function escapeSaslName(name: string): string {
  return name.replaceAll("=", "=3D").replaceAll(",", "=2C");
}
