import { ParseError } from "@mailwire/core";
import { ImapLimits } from "./limits.js";

/** Largest number a sequence-set may hold: nz-number is a 32-bit unsigned value (RFC 9051 §9). */
export const MAX_UID = 0xffff_ffff;

/**
 * Prints UIDs as an RFC 9051 §9 sequence-set, ascending, with runs collapsed ("1:3,7,9:10").
 * Input order and duplicates do not matter.
 */
export function formatSequenceSet(uids: Iterable<number>): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  let index = 0;
  while (index < sorted.length) {
    const start = sorted[index] as number;
    if (!Number.isInteger(start) || start < 1 || start > MAX_UID) {
      throw new RangeError(`Not a valid UID: ${String(start)}`);
    }
    let end = start;
    while (index + 1 < sorted.length && sorted[index + 1] === end + 1) {
      end += 1;
      index += 1;
    }
    parts.push(start === end ? String(start) : `${start}:${end}`);
    index += 1;
  }
  return parts.join(",");
}

/**
 * Reads a sequence-set of UIDs (no `*`: the caller resolves it) back into a sorted array, e.g.
 * from a COPYUID/APPENDUID response code (RFC 4315 §3) or a VANISHED list (RFC 7162 §3.2.10).
 * `a:b` and `b:a` mean the same range (RFC 9051 §9). Limits the total count, so a hostile
 * "1:4294967295" cannot allocate gigabytes. The empty string (what `formatSequenceSet([])` prints)
 * is the empty set.
 */
export function parseSequenceSet(text: string, maxCount = 1_000_000): number[] {
  if (text === "") return [];
  const ranges = text.split(",");
  if (ranges.length > ImapLimits.maxSequenceSetRanges) {
    throw new ParseError(`sequence-set has more than ${ImapLimits.maxSequenceSetRanges} ranges`);
  }
  const out = new Set<number>();
  let offset = 0;
  for (const range of ranges) {
    const match = /^([1-9][0-9]{0,9})(?::([1-9][0-9]{0,9}))?$/.exec(range);
    if (match === null)
      throw new ParseError(`Invalid sequence-set element ${JSON.stringify(range.slice(0, 40))}`, { offset });
    const first = Number(match[1]);
    const second = match[2] === undefined ? first : Number(match[2]);
    if (first > MAX_UID || second > MAX_UID)
      throw new ParseError("sequence-set number out of range", { offset });
    const low = Math.min(first, second);
    const high = Math.max(first, second);
    if (out.size + (high - low + 1) > maxCount) {
      throw new ParseError(`sequence-set covers more than ${maxCount} numbers`, { offset });
    }
    for (let uid = low; uid <= high; uid++) out.add(uid);
    offset += range.length + 1;
  }
  return [...out].sort((a, b) => a - b);
}
