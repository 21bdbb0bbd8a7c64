import { createHash } from "node:crypto";
import { InvalidArgumentError } from "@mailwire/core";
import { Pop3Limits } from "./limits.js";
import { toText } from "./text.js";

/**
 * The APOP timestamp in a greeting (RFC 1939 §7): the first `<...>` group. Only printable
 * ASCII without spaces is accepted, and at most Pop3Limits.maxTimestampLength characters.
 * The known attacks on APOP (Leurent, FSE 2007; Sasaki et al. 2008) need a man in the middle to
 * hand the client chosen timestamps full of non-ASCII bytes for MD5 collisions; RFC 1939 asks
 * for a msg-id, so refusing anything else costs nothing and closes that door.
 */
export function extractApopTimestamp(greeting: string | Uint8Array): string | undefined {
  const text = toText(greeting);
  const match = /<[\x21-\x3b\x3d\x3f-\x7e]+>/.exec(text);
  if (!match || match[0].length > Pop3Limits.maxTimestampLength) return undefined;
  // A msg-id has an `@` (RFC 822 addr-spec); a group without one is ordinary text in angle brackets.
  return match[0].includes("@") ? match[0] : undefined;
}

/**
 * The APOP digest (RFC 1939 §7): lower-case hex of MD5(timestamp || shared secret), the
 * timestamp with its angle brackets, both as UTF-8 octets.
 */
export function apopDigest(timestamp: string, secret: string): string {
  if (!/^<[\x21-\x7e]+>$/.test(timestamp)) {
    throw new InvalidArgumentError("An APOP timestamp is printable ASCII in angle brackets");
  }
  return createHash("md5")
    .update(Buffer.from(timestamp + secret, "utf8"))
    .digest("hex");
}
