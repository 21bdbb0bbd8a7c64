import { ParseError } from "@mailwire/core";
import { Pop3Limits } from "./limits.js";
import { printablePreview, toText } from "./text.js";

/** A POP3 status line (RFC 1939 §3) with its optional extended response code (RFC 2449 §8). */
export interface Pop3StatusLine {
  /** `+OK` (true) or `-ERR` (false). */
  readonly ok: boolean;
  /** The code inside `[...]` as sent, e.g. `SYS/TEMP`; undefined when there is none. */
  readonly responseCode: string | undefined;
  /** The code's levels, upper case: `SYS/TEMP` → `["SYS", "TEMP"]`; empty when there is no code. */
  readonly responseCodeLevels: readonly string[];
  /** The text after the status (and code), without the separating space. */
  readonly text: string;
}

// RFC 2449 §8: resp-level = 1*rchar; rchar = %x21-2E / %x30-5C / %x5E-7F (no "/", no "]").
const RESPONSE_CODE = /^\[([\x21-\x2e\x30-\x5c\x5e-\x7f]+(?:\/[\x21-\x2e\x30-\x5c\x5e-\x7f]+)*)\](?: |$)/;

/**
 * Parses one status line. RFC 1939 §3 spells the indicators `+OK` and `-ERR` in upper case;
 * we accept any case (a few old servers vary) but nothing else: an unknown first word means
 * we lost track of the reply stream, and the caller must not guess. Extended response codes
 * are recognised whether or not the server advertised RESP-CODES: the `[` cannot otherwise
 * open a -ERR text we act on, and the codes we act on only make us more careful.
 */
export function parseStatusLine(line: string | Uint8Array): Pop3StatusLine {
  const text = toText(line);
  if (text.length > Pop3Limits.maxLineLength) {
    throw new ParseError(`POP3 status line longer than ${Pop3Limits.maxLineLength} characters`);
  }
  const match = /^(\+OK|-ERR)(?: |$)/i.exec(text);
  if (!match) {
    throw new ParseError(`Expected +OK or -ERR, got ${printablePreview(text)}`, {
      details: { line: printablePreview(text) },
    });
  }
  const ok = (match[1] as string).toUpperCase() === "+OK";
  let rest = text.slice(match[0].length);
  let responseCode: string | undefined;
  const code = RESPONSE_CODE.exec(rest);
  if (code && (code[1] as string).length <= Pop3Limits.maxResponseCodeLength) {
    responseCode = code[1] as string;
    rest = rest.slice(code[0].length);
  }
  return {
    ok,
    responseCode,
    responseCodeLevels: responseCode === undefined ? [] : responseCode.toUpperCase().split("/"),
    text: rest,
  };
}

/**
 * True when `status` carries `code` or a refinement of it: `hasResponseCode(s, "SYS")` is
 * true for `[SYS/TEMP]` (RFC 2449 §8: the hierarchy lets clients act on the levels they know).
 */
export function hasResponseCode(status: Pop3StatusLine, code: string): boolean {
  const wanted = code.toUpperCase().split("/");
  return wanted.every((level, index) => status.responseCodeLevels[index] === level);
}
