import { LimitExceededError, ParseError } from "@mailwire/core";

// Splits a FindItem/SyncFolderItems-shaped response into its frame and the items of its
// `<t:Items>` list as they arrive, so a 1,000-item page is never held whole: neither its text
// nor its tree. Pure: text in, pieces out; the caller parses each item and, at the end, the
// frame (the envelope with the list left empty), so a response that is malformed anywhere still
// fails. An item is a direct child element of Items and ends at the first end tag with its own
// qualified name: item types do not nest (MS-OXWSCORE ItemType and its subtypes), and a crafted
// reply that nests them anyway yields a fragment that does not parse (a ParseError), never a
// different item.

const ITEMS_START = /<((?:[A-Za-z_][\w.-]*:)?Items)(?:[ \t\r\n][^>]*)?(\/?)>/g;
const NAME = /[A-Za-z_][\w.\-:]*/y;

export type SplitPiece = { kind: "item"; xml: string };

export class ItemSplitter {
  readonly #maxFrameChars: number;
  readonly #maxItemChars: number;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true });
  #state: "prologue" | "items" | "epilogue" = "prologue";
  #pending = "";
  #frame = "";
  #listName = "";
  /** Where to resume looking for the current item's end tag. */
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
    let text: string;
    try {
      text = this.#decoder.decode(chunk, { stream: true });
    } catch (error) {
      throw new ParseError("the EWS response is not valid UTF-8", { cause: error });
    }
    this.#pending += text;
    const pieces: SplitPiece[] = [];
    if (this.#state === "prologue") this.#readPrologue();
    if (this.#state === "items") this.#readItems(pieces);
    if (this.#state === "epilogue") {
      this.#frame += this.#pending;
      this.#pending = "";
    }
    if (this.#frame.length > this.#maxFrameChars) {
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
    let rest: string;
    try {
      rest = this.#decoder.decode();
    } catch (error) {
      throw new ParseError("the EWS response is not valid UTF-8", { cause: error });
    }
    if (this.#state === "items") {
      throw new ParseError(`the EWS response ends inside <${this.#listName}>`, {
        offset: this.#frame.length,
      });
    }
    return this.#frame + this.#pending + rest;
  }

  #readPrologue(): void {
    // Search only where a new start tag can be: the tag is short.
    ITEMS_START.lastIndex = Math.max(0, this.#frame.length - 64);
    const text = this.#frame + this.#pending;
    const match = ITEMS_START.exec(text);
    if (match === null) {
      this.#frame = text;
      this.#pending = "";
      return;
    }
    const tagEnd = match.index + match[0].length;
    this.#frame = text.slice(0, tagEnd);
    this.#pending = text.slice(tagEnd);
    this.#listName = match[1] as string;
    // `<t:Items/>`: an empty list, the rest is frame.
    this.#state = match[2] === "/" ? "epilogue" : "items";
    this.#searchFrom = 0;
  }

  #readItems(pieces: SplitPiece[]): void {
    let at = 0;
    const text = this.#pending;
    for (;;) {
      while (at < text.length && " \t\r\n".includes(text[at] as string)) at++;
      if (at >= text.length) break;
      if (text.charCodeAt(at) !== 0x3c /* < */)
        throw new ParseError("text between items in an EWS item list");
      if (text.startsWith("</", at)) {
        // The list's end tag: everything from here on is frame.
        this.#state = "epilogue";
        this.#frame += text.slice(at);
        this.#pending = "";
        return;
      }
      if (text.startsWith("<!--", at)) {
        const close = text.indexOf("-->", at + 4);
        if (close === -1) break;
        at = close + 3;
        continue;
      }
      NAME.lastIndex = at + 1;
      if (!NAME.test(text)) {
        if (text.length - at < 256) break; // the name may be cut by the chunk boundary
        throw new ParseError("an EWS item list holds something other than elements");
      }
      const name = text.slice(at + 1, NAME.lastIndex);
      const startEnd = text.indexOf(">", NAME.lastIndex);
      if (startEnd === -1) break;
      if (text.charCodeAt(startEnd - 1) === 0x2f /* / */) {
        pieces.push({ kind: "item", xml: text.slice(at, startEnd + 1) });
        at = startEnd + 1;
        continue;
      }
      const endTag = `</${name}`;
      let close = text.indexOf(endTag, Math.max(startEnd, this.#searchFrom));
      while (close !== -1 && !/^\s*>/.test(text.slice(close + endTag.length, close + endTag.length + 8))) {
        close = text.indexOf(endTag, close + endTag.length);
      }
      const closeEnd = close === -1 ? -1 : text.indexOf(">", close + endTag.length);
      if (close === -1 || closeEnd === -1) {
        this.#searchFrom = Math.max(0, text.length - endTag.length - 8);
        if (text.length - at > this.#maxItemChars) {
          throw new LimitExceededError(`an EWS item exceeds ${this.#maxItemChars} characters`, {
            limit: "maxResponseBytes",
            max: this.#maxItemChars,
          });
        }
        break;
      }
      pieces.push({ kind: "item", xml: text.slice(at, closeEnd + 1) });
      at = closeEnd + 1;
      this.#searchFrom = 0;
    }
    // #searchFrom is relative to the pending text, which now starts at `at`.
    if (at > 0) this.#searchFrom = Math.max(0, this.#searchFrom - at);
    this.#pending = text.slice(at);
  }
}
