import { InvalidArgumentError } from "@mailwire/core";
import { Pop3Limits } from "./limits.js";

/**
 * Builds one command line (RFC 1939 §3: keyword, then arguments separated by single spaces),
 * without CRLF. Every argument is checked: CR, LF or NUL would let a caller-supplied value
 * (a user name, a language tag) smuggle a second command onto the wire, and a space would
 * shift the server's idea of which argument is which. PASS alone may contain spaces: it has
 * exactly one argument and RFC 1939 §7 lets servers take the rest of the line as the password.
 */
export function encodeCommandLine(keyword: string, ...args: readonly (string | number)[]): string {
  if (!/^[A-Za-z]{3,4}$/.test(keyword)) {
    throw new InvalidArgumentError(
      `A POP3 keyword is 3 or 4 letters (RFC 1939 §3), got ${JSON.stringify(keyword)}`,
    );
  }
  const upper = keyword.toUpperCase();
  const parts = [upper];
  for (const arg of args) {
    const text = typeof arg === "number" ? numberArgument(arg) : arg;
    checkArgument(text, upper === "PASS");
    parts.push(text);
  }
  const line = parts.join(" ");
  if (line.length > Pop3Limits.maxCommandLength) {
    // Say how long it was, never what it was: it may hold a password.
    throw new InvalidArgumentError(
      `${upper} command line is ${line.length} characters; RFC 2449 §4 allows ${Pop3Limits.maxCommandLength}`,
    );
  }
  return line;
}

function checkArgument(text: string, spacesAllowed: boolean): void {
  if (text.length === 0) throw new InvalidArgumentError("A POP3 command argument must not be empty");
  if (/[\r\n\0]/.test(text)) {
    throw new InvalidArgumentError("A POP3 command argument must not contain CR, LF or NUL");
  }
  if (!spacesAllowed && text.includes(" ")) {
    throw new InvalidArgumentError("A POP3 command argument must not contain spaces");
  }
  if (text.length > Pop3Limits.maxArgumentLength) {
    throw new InvalidArgumentError(`A POP3 command argument is longer than ${Pop3Limits.maxArgumentLength}`);
  }
}

function numberArgument(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`A POP3 numeric argument must be a non-negative integer, got ${value}`);
  }
  return String(value);
}

/** A message number argument (RFC 1939 §5: messages are numbered from 1). */
export function checkMessageNumber(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > Pop3Limits.maxMessageNumber) {
    throw new InvalidArgumentError(`A message number is an integer from 1, got ${value}`);
  }
  return value;
}
