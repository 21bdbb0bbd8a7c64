import { isUtf8 } from "node:buffer";
import { LimitExceededError, ParseError } from "@mailwire/core";

// Splits a FindItem/SyncFolderItems-shaped response into its frame and the items of its
// `<t:Items>` list as they arrive, so a 1,000-item page is never held whole as text or as a tree.
// Pure: bytes in, pieces out; the caller parses each item and, at the end, the frame (the
// envelope with the list left empty), so a response that is malformed anywhere still fails. An
// item is a direct child element of Items and ends at the first end tag with its own qualified
// name: item types do not nest (MS-OXWSCORE ItemType and its subtypes), and a crafted reply that
// nests them anyway yields a fragment that does not parse (a ParseError), never a different item.
//
// Memory: the items stay UTF-8 bytes (outside the V8 heap) until the caller parses them. A page
// held as JavaScript strings while it streams (1-2 MB, two-byte once a subject has an em dash)
// survived the young generation's scavenges, and what survives makes V8 double its semi-spaces:
// in the README's benchmark that took the young generation from 16 to 32 MiB (docs/decisions/
// 0002-listing-memory.md, third round). Splitting on bytes is exact: every delimiter looked for
// is ASCII, and in UTF-8 an ASCII byte never occurs inside a multi-byte character (RFC 3629 3).
// Each item is checked to be UTF-8 when it is cut, so a broken page fails while it arrives, as
// when the whole response was decoded.

const ITEMS_START = /<((?:[A-Za-z_][\w.-]*:)?Items)(?:[ \t\r\n][^>]*)?(\/?)>/g;
const EMPTY = Buffer.alloc(0);
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;

export type SplitPiece = { kind: "item"; bytes: Buffer };

/** An item's markup as text (its bytes were checked to be UTF-8 when the item was cut). */
export function pieceXml(piece: SplitPiece): string {
  return piece.bytes.toString("utf8");
}

const isSpace = (byte: number | undefined) =>
  byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
const isNameStart = (byte: number) =>
  (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f;
// [\w.\-:]
const isNameByte = (byte: number) =>
  isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte === 0x2e || byte === 0x2d || byte === 0x3a;

const notUtf8 = (cause?: unknown) => new ParseError("the EWS response is not valid UTF-8", { cause });

export class ItemSplitter {
  readonly #maxFrameChars: number;
  readonly #maxItemChars: number;
  /** Decodes the frame: the prologue up to the list's start tag, then the epilogue. */
  readonly #frameDecoder = new TextDecoder("utf-8", { fatal: true });
  /**
   * Checks prologue chunks that do not reach the list's start tag as they arrive. The chunk that
   * does is checked by the frame decoder (up to the tag) and by the item cuts (after it), once.
   */
  readonly #prologueCheck = new TextDecoder("utf-8", { fatal: true });
  #state: "prologue" | "items" | "epilogue" = "prologue";
  /** Prologue bytes not yet decoded into the frame. */
  #head: Buffer = Buffer.alloc(0);
  /** Where the search for the list's start tag resumes in #head. */
  #headSearched = 0;
  /** List bytes not yet cut into items. */
  #pending: Buffer = EMPTY;
  #frame = "";
  #listName = "";
  /** Where to resume looking for the current item's end tag, relative to #pending. */
  #searchFrom = 0;

  constructor(limits: { maxFrameChars: number; maxItemChars: number }) {
    this.#maxFrameChars = limits.maxFrameChars;
    this.#maxItemChars = limits.maxItemChars;
  }

  /** True once the Items list has started (the frame before it is complete). */
  get inList(): boolean {
    return this.#state !== "prologue";
  }

  /** Adds bytes; returns the items they complete, in order. */
  push(chunk: Uint8Array): SplitPiece[] {
    const pieces: SplitPiece[] = [];
    let rest = chunk;
    if (this.#state === "prologue") rest = this.#readPrologue(chunk);
    if (this.#state === "items") this.#readItems(rest, pieces);
    else if (this.#state === "epilogue") this.#addFrame(rest);
    if (this.#frame.length + this.#head.length > this.#maxFrameChars) {
      throw new LimitExceededError(
        `EWS response metadata around the item list exceeds ${this.#maxFrameChars} characters`,
        {
          limit: "maxStreamFrameBytes",
          max: this.#maxFrameChars,
        },
      );
    }
    return pieces;
  }

  /** The response without its items, once the input has ended. */
  end(): string {
    if (this.#state === "items") {
      throw new ParseError(`the EWS response ends inside <${this.#listName}>`, {
        offset: this.#frame.length,
      });
    }
    if (this.#state === "prologue") {
      this.#addFrame(this.#head);
      this.#head = Buffer.alloc(0);
    }
    try {
      return this.#frame + this.#frameDecoder.decode();
    } catch (error) {
      throw notUtf8(error);
    }
  }

  #addFrame(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    try {
      this.#frame += this.#frameDecoder.decode(bytes, { stream: true });
    } catch (error) {
      throw notUtf8(error);
    }
  }

  /** Looks for the list's start tag; returns the bytes after it (empty while still in the prologue). */
  #readPrologue(chunk: Uint8Array): Uint8Array {
    this.#head = this.#head.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#head, chunk]);
    // Search only where a new start tag can be: the tag is short. Latin-1 maps each byte to one
    // character, so the match's indices are byte offsets.
    const from = Math.max(0, this.#headSearched - 64);
    const text = this.#head.toString("latin1", from);
    ITEMS_START.lastIndex = 0;
    const match = ITEMS_START.exec(text);
    this.#headSearched = this.#head.length;
    if (match === null) {
      // Still in the prologue: check this chunk now, so a broken prologue fails as it arrives.
      // (Checking every chunk here, the one holding the tag too, validated the first chunk's
      // items twice and decoded the chunk to a string that was thrown away.)
      try {
        this.#prologueCheck.decode(chunk, { stream: true });
      } catch (error) {
        throw notUtf8(error);
      }
      return EMPTY;
    }
    const tagEnd = from + match.index + match[0].length;
    this.#addFrame(this.#head.subarray(0, tagEnd));
    const rest = this.#head.subarray(tagEnd);
    this.#head = Buffer.alloc(0);
    this.#listName = match[1] as string;
    // `<t:Items/>`: an empty list, the rest is frame.
    this.#state = match[2] === "/" ? "epilogue" : "items";
    this.#searchFrom = 0;
    return rest;
  }

  #readItems(chunk: Uint8Array, pieces: SplitPiece[]): void {
    // Our own copy (one per chunk, outside the V8 heap): the items are views into it, and a view
    // into the chunk itself would keep the socket buffer under it alive.
    const buffer = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    const length = buffer.length;
    let at = 0;
    for (;;) {
      while (at < length && isSpace(buffer[at])) at++;
      if (at >= length) break;
      if (buffer[at] !== LT) throw new ParseError("text between items in an EWS item list");
      if (at + 1 >= length) break;
      if (buffer[at + 1] === SLASH) {
        // The list's end tag: everything from here on is frame.
        this.#checkUtf8(buffer, at);
        this.#state = "epilogue";
        this.#pending = EMPTY;
        this.#addFrame(buffer.subarray(at));
        return;
      }
      if (buffer[at + 1] === 0x21 && buffer[at + 2] === 0x2d && buffer[at + 3] === 0x2d) {
        // <!-- ... -->
        const close = buffer.indexOf("-->", at + 4, "latin1");
        if (close === -1) break;
        at = close + 3;
        continue;
      }
      if (!isNameStart(buffer[at + 1] as number)) {
        if (length - at < 256) break; // the name may be cut by the chunk boundary
        throw new ParseError("an EWS item list holds something other than elements");
      }
      let nameEnd = at + 2;
      while (nameEnd < length && isNameByte(buffer[nameEnd] as number)) nameEnd++;
      const startEnd = buffer.indexOf(GT, nameEnd);
      if (startEnd === -1) break;
      if (buffer[startEnd - 1] === SLASH) {
        pieces.push({ kind: "item", bytes: buffer.subarray(at, startEnd + 1) });
        at = startEnd + 1;
        continue;
      }
      const endTag = Buffer.from(`</${buffer.toString("latin1", at + 1, nameEnd)}`, "latin1");
      let close = buffer.indexOf(endTag, Math.max(startEnd, this.#searchFrom));
      while (close !== -1 && !gtFollows(buffer, close + endTag.length)) {
        close = buffer.indexOf(endTag, close + endTag.length);
      }
      const closeEnd = close === -1 ? -1 : buffer.indexOf(GT, close + endTag.length);
      if (close === -1 || closeEnd === -1) {
        this.#searchFrom = Math.max(0, length - endTag.length - 8);
        if (length - at > this.#maxItemChars) {
          throw new LimitExceededError(`an EWS item exceeds ${this.#maxItemChars} characters`, {
            limit: "maxResponseBytes",
            max: this.#maxItemChars,
          });
        }
        break;
      }
      pieces.push({ kind: "item", bytes: buffer.subarray(at, closeEnd + 1) });
      at = closeEnd + 1;
      this.#searchFrom = 0;
    }
    this.#checkUtf8(buffer, at);
    // #searchFrom is relative to the pending bytes, which now start at `at`.
    if (at > 0) this.#searchFrom = Math.max(0, this.#searchFrom - at);
    this.#pending = at >= length ? EMPTY : buffer.subarray(at);
  }

  /**
   * The bytes cut so far (items, and the white space and comments between them) are UTF-8: one
   * check per chunk. They end at a `>`, so no character is cut in two.
   */
  #checkUtf8(buffer: Buffer, end: number): void {
    if (end > 0 && !isUtf8(buffer.subarray(0, end))) throw notUtf8();
  }
}

/** `\s*>` within the 8 bytes at `at`, as an end tag's close. */
function gtFollows(buffer: Buffer, at: number): boolean {
  const end = Math.min(buffer.length, at + 8);
  for (let i = at; i < end; i++) {
    const byte = buffer[i];
    if (byte === GT) return true;
    if (!isSpace(byte)) return false;
  }
  return false;
}
