import { TextDecoder } from "node:util";
import { groupDepthError, MAX_RTF_GROUP_DEPTH, rtfTokens } from "./rtf-tokens.js";

/** What an RTF body was made from (MS-OXRTFEX 2.1.3.1: `\fromhtml1`, `\fromtext`, or neither). */
export type RtfBodyFormat = "html" | "text" | "rtf";

export interface RtfBody {
  readonly format: RtfBodyFormat;
  /** The de-encapsulated HTML, when `format` is "html". */
  readonly html?: string;
  /** The text, when `format` is "text" or "rtf" (for "rtf": the document's characters, no formatting). */
  readonly text?: string;
}

/** Destinations whose contents are never body text (MSFT-RTF: tables, metadata, pictures). */
const SKIPPED_DESTINATIONS = new Set([
  "fonttbl",
  "colortbl",
  "stylesheet",
  "info",
  "pict",
  "object",
  "fldinst",
  "header",
  "footer",
  "headerl",
  "headerr",
  "footerl",
  "footerr",
  "listtable",
  "listoverridetable",
  "rsidtbl",
  "generator",
  "xmlnstbl",
  "themedata",
  "colorschememapping",
  "latentstyles",
  "datastore",
  "filetbl",
  "revtbl",
]);

/** `\ansicpgN` to a WHATWG encoding label; single-byte Windows pages map one to one. */
function encodingOf(codePage: number): string {
  switch (codePage) {
    case 65001:
      return "utf-8";
    case 932:
      return "shift_jis";
    case 936:
      return "gbk";
    case 949:
      return "euc-kr";
    case 950:
      return "big5";
    case 20127:
    case 28591:
      return "latin1";
    default:
      return codePage === 874 || (codePage >= 1250 && codePage <= 1258)
        ? `windows-${codePage}`
        : "windows-1252";
  }
}

function decoderFor(codePage: number): TextDecoder {
  try {
    return new TextDecoder(encodingOf(codePage));
  } catch {
    return new TextDecoder("latin1");
  }
}

interface GroupState {
  /** Inside a destination that is not body content. */
  skip: boolean;
  /** `\htmlrtf` on: RTF-only content the HTML did not have (MS-OXRTFEX 2.1.3.1.4). */
  htmlrtf: boolean;
  /** Inside `{\*\htmltag...}`: original HTML markup (MS-OXRTFEX 2.1.3.1.3). */
  htmlTag: boolean;
  /** `\ucN`: fallback characters after each `\uN`. */
  uc: number;
}

/** Reads the encapsulation control word from the header (it precedes any text). */
function formatOf(rtf: Uint8Array): RtfBodyFormat {
  let head = "";
  for (let i = 0; i < Math.min(rtf.length, 4096); i++) head += String.fromCharCode(rtf[i] as number);
  if (/\\fromhtml1(?![0-9])/.test(head)) return "html";
  if (/\\fromtext(?![a-z])/.test(head)) return "text";
  return "rtf";
}

/**
 * The body an RTF document carries. HTML encapsulated in RTF (`\fromhtml1`, MS-OXRTFEX
 * 2.4.2) comes back as that HTML: `{\*\htmltag}` groups give the markup, text outside
 * `\htmlrtf` ... `\htmlrtf0` gives the character data, everything else was added for RTF
 * readers and is dropped. Otherwise the document's text: paragraphs become CRLF, tables,
 * pictures and `{\*...}` destinations are skipped. Characters use `\ansicpg` (default 1252)
 * and `\uN`; `{\*\mhtmltag}` groups and per-font charsets are not used.
 */
export function readRtfBody(rtf: Uint8Array): RtfBody {
  const format = formatOf(rtf);
  const html = format === "html";
  const parts: string[] = [];
  let bytes: number[] = [];
  let decoder = decoderFor(1252);
  const flush = () => {
    if (bytes.length === 0) return;
    parts.push(decoder.decode(Uint8Array.from(bytes)));
    bytes = [];
  };
  let state: GroupState = { skip: false, htmlrtf: false, htmlTag: false, uc: 1 };
  const stack: GroupState[] = [];
  let destinationPending = false;
  let starred = false;
  let fallback = 0;
  const emits = () =>
    !state.skip && (html ? state.htmlTag || !state.htmlrtf : !state.htmlrtf && !state.htmlTag);

  for (const token of rtfTokens(rtf)) {
    switch (token.kind) {
      case "open":
        if (stack.length >= MAX_RTF_GROUP_DEPTH) throw groupDepthError();
        stack.push(state);
        state = { ...state };
        destinationPending = true;
        starred = false;
        fallback = 0;
        continue;
      case "close":
        state = stack.pop() ?? state;
        destinationPending = false;
        fallback = 0;
        continue;
      case "symbol":
        if (token.char === "*" && destinationPending) {
          starred = true;
          continue;
        }
        destinationPending = false;
        if (!emits()) continue;
        if (fallback > 0) {
          fallback--;
          continue;
        }
        if (token.char === "\\" || token.char === "{" || token.char === "}") {
          flush();
          parts.push(token.char);
        } else if (token.char === "~") {
          flush();
          parts.push("\u00a0");
        } else if (token.char === "_") {
          flush();
          parts.push("-");
        }
        continue;
      case "hex":
        destinationPending = false;
        if (!emits()) continue;
        if (fallback > 0) fallback--;
        else bytes.push(token.byte);
        continue;
      case "text": {
        destinationPending = false;
        if (!emits()) continue;
        let from = 0;
        while (fallback > 0 && from < token.bytes.length) {
          fallback--;
          from++;
        }
        for (let k = from; k < token.bytes.length; k++) bytes.push(token.bytes[k] as number);
        continue;
      }
      case "word":
        break;
    }
    const { name, param } = token;
    if (destinationPending) {
      destinationPending = false;
      if (starred && name === "htmltag") {
        state.htmlTag = true;
        state.skip = false;
        continue;
      }
      if (starred || SKIPPED_DESTINATIONS.has(name)) {
        state.skip = true;
        continue;
      }
    }
    switch (name) {
      case "ansicpg":
        if (param !== undefined) {
          flush();
          decoder = decoderFor(param);
        }
        break;
      case "htmlrtf":
        state.htmlrtf = param !== 0;
        break;
      case "uc":
        if (param !== undefined && param >= 0) state.uc = Math.min(param, 16);
        break;
      case "u":
        if (param !== undefined && emits()) {
          flush();
          parts.push(String.fromCharCode(param < 0 ? param + 0x10000 : param & 0xffff));
          fallback = state.uc;
        }
        break;
      case "par":
      case "line":
        if (emits()) {
          flush();
          parts.push("\r\n");
        }
        break;
      case "tab":
        if (emits()) {
          flush();
          parts.push("\t");
        }
        break;
      default:
        break;
    }
  }
  flush();
  const content = parts.join("");
  return html ? { format, html: content } : { format, text: content };
}
