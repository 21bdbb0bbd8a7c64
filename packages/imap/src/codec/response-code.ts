import { ImapLimits } from "./limits.js";

export interface ParsedResponseText {
  /** Upper-cased atom of `[CODE ...]`, e.g. `AUTHENTICATIONFAILED`, when present. */
  readonly responseCode: string | undefined;
  /** What followed the code atom inside the brackets, trimmed. */
  readonly responseCodeArgument: string | undefined;
  /** The human-readable rest. */
  readonly text: string;
}

// RFC 9051 §9: resp-text = ["[" resp-text-code "]" SP] [text]; the code is an atom (no
// CTL, SP, "(", ")", "{", "%", "*", DQUOTE, "\", "]"), optionally followed by SP and arguments
// up to the closing "]".
const ATOM = /^[^\x00-\x20\x7f(){%*"\\\]]+/;

/**
 * Splits the text of a tagged or untagged status response (`NO [UNAVAILABLE] Try later`,
 * possibly still prefixed with tag and status, as imapflow renders auth failures) into the
 * response code and the text. Never throws: anything unexpected is plain text.
 */
export function parseResponseText(input: string): ParsedResponseText {
  let rest = input.replace(/^\s+/, "");
  // Drop an optional "<tag> " and a status word, so "A1 NO [X] y" and "NO [X] y" parse alike.
  const status = /^(?:[^\s[]+\s+)?(?:OK|NO|BAD|BYE|PREAUTH)(?:\s+|$)/i.exec(rest);
  if (status) rest = rest.slice(status[0].length);
  if (!rest.startsWith("["))
    return { responseCode: undefined, responseCodeArgument: undefined, text: clip(rest) };
  const close = rest.indexOf("]");
  const atom = ATOM.exec(rest.slice(1));
  if (close < 0 || atom === null || atom[0].length > ImapLimits.maxResponseCodeLength) {
    return { responseCode: undefined, responseCodeArgument: undefined, text: clip(rest) };
  }
  const inner = rest.slice(1, close);
  const argument = inner.slice(atom[0].length).trim();
  return {
    responseCode: atom[0].toUpperCase(),
    responseCodeArgument:
      argument.length === 0 ? undefined : argument.slice(0, ImapLimits.maxResponseCodeArgumentLength),
    text: clip(rest.slice(close + 1).trim()),
  };
}

function clip(text: string): string {
  return text.trim().slice(0, ImapLimits.maxServerText);
}
