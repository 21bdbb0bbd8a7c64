import { ParseError } from "@mailwire/core";
import { Pop3Limits } from "./limits.js";
import { printablePreview, toText } from "./text.js";

/** STAT's drop listing (RFC 1939 §5). */
export interface Pop3DropListing {
  readonly messageCount: number;
  /** Size of the maildrop in octets, as the server counts them (CRLF line ends). */
  readonly octets: number;
}

/** One LIST scan listing (RFC 1939 §5). */
export interface Pop3ScanListing {
  readonly messageNumber: number;
  readonly octets: number;
}

/** One UIDL unique-id listing (RFC 1939 §7). */
export interface Pop3UniqueIdListing {
  readonly messageNumber: number;
  readonly uniqueId: string;
}

/** At most 16 digits: enough for maxOctets, short enough that no giant number is ever parsed. */
const NUMBER = /^\d{1,16}$/;
/** RFC 1939 §7: unique-id = 1*70 characters in 0x21..0x7E. */
const UNIQUE_ID = /^[\x21-\x7e]{1,70}$/;

/**
 * STAT reply text: `nn mm`. RFC 1939 §5 lets servers append more after the size; we ignore
 * it, as the RFC tells clients to.
 */
export function parseDropListing(text: string | Uint8Array): Pop3DropListing {
  const [count, octets] = fields(text, "STAT drop listing");
  return {
    messageCount: number(count, text, "message count", 0, Pop3Limits.maxMessageNumber),
    octets: number(octets, text, "size", 0, Pop3Limits.maxOctets),
  };
}

/** A LIST body line or single-message LIST reply text: `msg octets [ignored]` (RFC 1939 §5). */
export function parseScanListing(line: string | Uint8Array): Pop3ScanListing {
  const [messageNumber, octets] = fields(line, "LIST scan listing");
  return {
    messageNumber: number(messageNumber, line, "message number", 1, Pop3Limits.maxMessageNumber),
    octets: number(octets, line, "size", 0, Pop3Limits.maxOctets),
  };
}

/**
 * A UIDL body line or single-message UIDL reply text: `msg unique-id` (RFC 1939 §7). The id
 * is checked against the RFC's alphabet and length: it becomes a key in sync state files,
 * and a server that sends spaces or control characters there is not one to trust with that.
 */
export function parseUniqueIdListing(line: string | Uint8Array): Pop3UniqueIdListing {
  const [messageNumber, uniqueId] = fields(line, "UIDL listing");
  if (uniqueId === undefined || !UNIQUE_ID.test(uniqueId)) {
    throw new ParseError(`Invalid unique-id in UIDL listing ${printablePreview(toText(line))}`);
  }
  return {
    messageNumber: number(messageNumber, line, "message number", 1, Pop3Limits.maxMessageNumber),
    uniqueId,
  };
}

/** The first two space-separated fields. RFC 1939 uses single spaces; tolerate runs of them. */
function fields(line: string | Uint8Array, what: string): [string, string | undefined] {
  const text = toText(line);
  if (text.length > Pop3Limits.maxLineLength) throw new ParseError(`${what} line too long`);
  const words = text.split(" ").filter((word) => word.length > 0);
  const first = words[0];
  if (first === undefined) throw new ParseError(`Empty ${what}`);
  return [first, words[1]];
}

function number(
  word: string | undefined,
  line: string | Uint8Array,
  what: string,
  min: number,
  max: number,
): number {
  const value = word !== undefined && NUMBER.test(word) ? Number(word) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new ParseError(`Invalid ${what} in ${printablePreview(toText(line))}`, {
      details: { field: what },
    });
  }
  return value;
}
