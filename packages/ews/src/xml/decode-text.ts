import { ParseError } from "@mailwire/core";

// XML 1.0 section 4.6 predefined entities and section 4.1 character references: the only
// references a DTD-free document can contain (check-xml.ts has already refused any other).

const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const REFERENCE = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;

export function decodeXmlText(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(REFERENCE, (_match, body: string) => {
    const predefined = PREDEFINED[body];
    if (predefined !== undefined) return predefined;
    const codePoint =
      body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    // XML 1.0 Char production: no NUL, no surrogates, nothing above U+10FFFF.
    if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      throw new ParseError(`XML character reference &${body}; is not a legal character`);
    }
    return String.fromCodePoint(codePoint);
  });
}
