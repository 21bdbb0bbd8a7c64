import { LimitExceededError } from "@mailwire/core";

/** One lexical unit of RTF (MSFT-RTF 1.9.1 "RTF syntax"). */
export type RtfToken =
  | { readonly kind: "open" }
  | { readonly kind: "close" }
  /** A control word: `\name` with its optional signed numeric parameter. */
  | { readonly kind: "word"; readonly name: string; readonly param: number | undefined }
  /** A control symbol: a backslash and one non-letter (`\*`, `\{`, `\~`, ...). */
  | { readonly kind: "symbol"; readonly char: string }
  /** `\'hh`: one byte in the document's code page. */
  | { readonly kind: "hex"; readonly byte: number }
  /** Plain text bytes (line breaks removed: they carry no meaning in RTF). */
  | { readonly kind: "text"; readonly bytes: Uint8Array };

const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const CR = 0x0d;
const LF = 0x0a;

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** MSFT-RTF: a control word's name is at most 32 letters, its parameter at most 10 digits. */
const MAX_WORD = 32;
const MAX_DIGITS = 10;

/**
 * Splits RTF bytes into tokens. Never throws on malformed RTF: a lone backslash at the end,
 * a bad `\'` escape or an over-long word become text or are cut, the way readers recover;
 * only `\binN` is bounded by the bytes left.
 */
export function* rtfTokens(rtf: Uint8Array): Generator<RtfToken> {
  const end = rtf.length;
  let i = 0;
  while (i < end) {
    const c = rtf[i] as number;
    if (c === OPEN) {
      i++;
      yield { kind: "open" };
      continue;
    }
    if (c === CLOSE) {
      i++;
      yield { kind: "close" };
      continue;
    }
    if (c !== BACKSLASH) {
      let j = i;
      const bytes: number[] = [];
      while (j < end) {
        const b = rtf[j] as number;
        if (b === OPEN || b === CLOSE || b === BACKSLASH) break;
        if (b !== CR && b !== LF) bytes.push(b);
        j++;
      }
      i = j;
      if (bytes.length > 0) yield { kind: "text", bytes: Uint8Array.from(bytes) };
      continue;
    }
    // A backslash.
    if (i + 1 >= end) {
      i++;
      continue;
    }
    const next = rtf[i + 1] as number;
    if (isLetter(next)) {
      let j = i + 1;
      while (j < end && isLetter(rtf[j] as number) && j - i - 1 < MAX_WORD) j++;
      let name = "";
      for (let k = i + 1; k < j; k++) name += String.fromCharCode(rtf[k] as number);
      let param: number | undefined;
      let negative = false;
      if (j < end && rtf[j] === 0x2d && j + 1 < end && isDigit(rtf[j + 1] as number)) {
        negative = true;
        j++;
      }
      if (j < end && isDigit(rtf[j] as number)) {
        let value = 0;
        let digits = 0;
        while (j < end && isDigit(rtf[j] as number)) {
          if (digits < MAX_DIGITS) value = value * 10 + ((rtf[j] as number) - 0x30);
          digits++;
          j++;
        }
        param = negative ? -value : value;
      }
      // One space after a control word is its delimiter, not text.
      if (j < end && rtf[j] === 0x20) j++;
      i = j;
      if (name === "bin" && param !== undefined && param > 0) {
        // Binary data (a picture): skipped, never more than what is left.
        i = Math.min(end, i + param);
        continue;
      }
      yield { kind: "word", name, param };
      continue;
    }
    if (next === 0x27 /* ' */) {
      const high = i + 2 < end ? hexValue(rtf[i + 2] as number) : -1;
      const low = i + 3 < end ? hexValue(rtf[i + 3] as number) : -1;
      if (high >= 0 && low >= 0) {
        i += 4;
        yield { kind: "hex", byte: (high << 4) | low };
      } else {
        i += 2;
      }
      continue;
    }
    i += 2;
    // `\` before a line break is an old spelling of \par.
    if (next === CR || next === LF) yield { kind: "word", name: "par", param: undefined };
    else yield { kind: "symbol", char: String.fromCharCode(next) };
  }
}

/** Group nesting a reader follows before refusing (real documents nest a few dozen levels). */
export const MAX_RTF_GROUP_DEPTH = 1024;

export function groupDepthError(): LimitExceededError {
  return new LimitExceededError(`RTF: groups nest deeper than ${MAX_RTF_GROUP_DEPTH}`, {
    limit: "maxRtfGroupDepth",
    max: MAX_RTF_GROUP_DEPTH,
  });
}
