const decoder = new TextDecoder("utf-8");

/** Line bytes as text (UTF-8, lenient: RFC 6856 allows UTF-8 replies once negotiated). */
export function toText(line: string | Uint8Array): string {
  return typeof line === "string" ? line : decoder.decode(line);
}

const PREVIEW_LENGTH = 80;

/**
 * Server bytes shown in an error message: short, control characters escaped, so a hostile
 * reply can neither flood a log nor forge log lines.
 */
export function printablePreview(text: string): string {
  const cut = text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text;
  const escaped = cut.replace(
    /[\x00-\x1f\x7f"\\]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return `"${escaped}"`;
}
