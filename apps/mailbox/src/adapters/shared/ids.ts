// Opaque ids: every protocol's native identifiers (EWS ItemIds, IMAP paths and UIDs, MAPI
// FID/MIDs, POP3 UIDLs) packed into one printable token per object. Strings go in as base64url
// (RFC 4648 §5), so an id never holds a space, quote, slash or control character and survives a
// shell, a URL or a JSON file unchanged. A one-letter prefix names the protocol, so an id from
// another adapter is refused instead of being misread.

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function encodePart(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/** The string packed by `encodePart`, or undefined when `part` is not base64url. */
export function decodePart(part: string): string | undefined {
  if (!BASE64URL.test(part)) return undefined;
  return Buffer.from(part, "base64url").toString("utf8");
}

export function packId(prefix: string, parts: readonly string[]): string {
  return [prefix, ...parts].join(".");
}

/** The parts after `prefix`, when `id` has exactly `count` of them; else undefined. */
export function unpackId(id: string, prefix: string, count: number): string[] | undefined {
  if (typeof id !== "string" || id.length > 8192) return undefined;
  const parts = id.split(".");
  if (parts[0] !== prefix || parts.length !== count + 1) return undefined;
  return parts.slice(1);
}
