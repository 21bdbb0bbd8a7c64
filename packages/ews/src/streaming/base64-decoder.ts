import { ParseError } from "@mailwire/core";

// Decodes xs:base64Binary text as it arrives, in any chunking: keeps the 0-3 characters of an
// incomplete quantum between calls. Strict, unlike Buffer.from(…, "base64"), which silently skips
// what it does not understand: a corrupted download must fail, not produce different bytes.

const ALPHABET = /^[A-Za-z0-9+/]*$/;
const WHITESPACE = /[ \t\r\n]+/g;

export class Base64Decoder {
  #carry = "";
  #padding = 0;

  /** Decodes what can be decoded of `text` (ASCII), keeping the rest for the next call. */
  push(text: string): Buffer {
    const compact = text.replace(WHITESPACE, "");
    if (compact === "") return Buffer.alloc(0);
    const pad = compact.indexOf("=");
    const data = pad === -1 ? compact : compact.slice(0, pad);
    const padding = pad === -1 ? "" : compact.slice(pad);
    if (!ALPHABET.test(data) || !/^=*$/.test(padding))
      throw new ParseError("invalid character in base64 content");
    if (this.#padding > 0 && data !== "") throw new ParseError("base64 content continues after its padding");
    this.#padding += padding.length;
    if (this.#padding > 2) throw new ParseError("base64 content has too much padding");
    const all = this.#carry + compact;
    const usable = all.length - (all.length % 4);
    this.#carry = all.slice(usable);
    return usable === 0 ? Buffer.alloc(0) : Buffer.from(all.slice(0, usable), "base64");
  }

  /** Ends the content and returns the last bytes; a partial final quantum is an error. */
  flush(): Buffer {
    const rest = this.#carry;
    this.#carry = "";
    // 2 or 3 leftover characters without padding are an unpadded final quantum (decodable);
    // one character, or a padded quantum cut short, is not.
    if (rest.length === 1 || (rest.length > 0 && rest.includes("="))) {
      throw new ParseError("base64 content ends with a partial quantum");
    }
    return rest === "" ? Buffer.alloc(0) : Buffer.from(rest, "base64");
  }
}
