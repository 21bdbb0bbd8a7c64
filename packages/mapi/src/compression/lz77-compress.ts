import { InvalidArgumentError } from "@mailwire/core";

/** Offsets are 13 bits plus one (MS-XCA 2.3): a match reaches at most 8192 bytes back. */
const WINDOW_SIZE = 8192;
const WINDOW_MASK = WINDOW_SIZE - 1;
const MIN_MATCH = 3;
const HASH_BITS = 15;
const HASH_SHIFT = 32 - HASH_BITS;

export interface CompressLz77Options {
  /**
   * How many earlier positions with the same 3-byte hash are tried per position. Higher finds
   * longer matches on text-like data at the cost of speed; 1 is a greedy single probe.
   */
  readonly maxChainLength?: number;
}

/** Upper bound of the compressed size of `length` input bytes (all literals plus flag words). */
export function maxCompressedLz77Size(length: number): number {
  return length + 4 * (Math.floor(length / 32) + 2);
}

/**
 * Plain LZ77 compression in the MS-XCA 2.3 format (what MS-OXCRPC 3.1.4.1.1.2 sends when the
 * Compressed flag is set): a hash-chain matcher over the 8 KiB window, greedy choice of the
 * longest match found. Decodable by `decompressLz77` and by Exchange.
 */
export function compressLz77(input: Uint8Array, options: CompressLz77Options = {}): Uint8Array {
  const maxChain = options.maxChainLength ?? 16;
  if (!Number.isSafeInteger(maxChain) || maxChain < 1) {
    throw new InvalidArgumentError(`maxChainLength must be a positive integer, got ${maxChain}`);
  }
  const n = input.length;
  const out = new Uint8Array(maxCompressedLz77Size(n));
  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  const prev = new Int32Array(WINDOW_SIZE);

  let flagPos = 0;
  let outPos = 4;
  let flags = 0;
  let flagCount = 0;
  let nibbleIndex = -1;
  let pos = 0;

  const hashAt = (i: number): number =>
    Math.imul(
      ((input[i] as number) << 16) | ((input[i + 1] as number) << 8) | (input[i + 2] as number),
      0x9e3779b1,
    ) >>> HASH_SHIFT;

  const insert = (i: number): void => {
    const h = hashAt(i);
    prev[i & WINDOW_MASK] = head[h] as number;
    head[h] = i;
  };

  const pushFlag = (bit: number): void => {
    flags = ((flags << 1) | bit) >>> 0;
    flagCount++;
    if (flagCount === 32) {
      writeU32(out, flagPos, flags);
      flagPos = outPos;
      outPos += 4;
      flagCount = 0;
      flags = 0;
    }
  };

  while (pos < n) {
    let bestLength = 0;
    let bestOffset = 0;
    if (n - pos >= MIN_MATCH) {
      const h = hashAt(pos);
      let candidate = head[h] as number;
      const oldest = pos - WINDOW_SIZE;
      const maxLength = n - pos;
      let chain = maxChain;
      while (candidate >= 0 && candidate >= oldest) {
        // Cheap reject: a longer match must agree at the current best length first.
        if (input[candidate + bestLength] === input[pos + bestLength]) {
          let length = 0;
          while (length < maxLength && input[candidate + length] === input[pos + length]) length++;
          if (length > bestLength) {
            bestLength = length;
            bestOffset = pos - candidate;
            if (length === maxLength) break;
          }
        }
        if (--chain === 0) break;
        const next = prev[candidate & WINDOW_MASK] as number;
        // The slot may have been reused by a newer position: the chain ends there.
        if (next >= candidate) break;
        candidate = next;
      }
      prev[pos & WINDOW_MASK] = head[h] as number;
      head[h] = pos;
    }

    if (bestLength < MIN_MATCH) {
      out[outPos++] = input[pos++] as number;
      pushFlag(0);
      continue;
    }

    // Match token (MS-XCA 2.3): offset-1 in the upper 13 bits, length-3 in the lower 3, with
    // the DIRECT2 continuation for longer lengths.
    const storedOffset = (bestOffset - 1) << 3;
    let length = bestLength - MIN_MATCH;
    if (length < 7) {
      out[outPos++] = (storedOffset | length) & 0xff;
      out[outPos++] = (storedOffset | length) >>> 8;
    } else {
      out[outPos++] = (storedOffset | 7) & 0xff;
      out[outPos++] = (storedOffset | 7) >>> 8;
      length -= 7;
      const nibble = Math.min(length, 15);
      if (nibbleIndex < 0) {
        nibbleIndex = outPos;
        out[outPos++] = nibble;
      } else {
        out[nibbleIndex] = (out[nibbleIndex] as number) | (nibble << 4);
        nibbleIndex = -1;
      }
      if (length >= 15) {
        length -= 15;
        if (length < 255) {
          out[outPos++] = length;
        } else {
          out[outPos++] = 255;
          const full = length + 15 + 7;
          if (full <= 0xffff) {
            out[outPos++] = full & 0xff;
            out[outPos++] = full >>> 8;
          } else {
            out[outPos++] = 0;
            out[outPos++] = 0;
            writeU32(out, outPos, full);
            outPos += 4;
          }
        }
      }
    }
    pushFlag(1);
    // Index the positions the match covered so later data can refer into it.
    const end = pos + bestLength;
    const lastHashable = n - MIN_MATCH;
    for (let i = pos + 1; i < end && i <= lastHashable; i++) insert(i);
    pos = end;
  }

  // Pad the last flag word with one bits: a match flag with no input left ends the stream.
  const padBits = 32 - flagCount;
  const finalFlags = padBits === 32 ? 0xffffffff : ((flags << padBits) | ((1 << padBits) - 1)) >>> 0;
  writeU32(out, flagPos, finalFlags);
  return out.slice(0, outPos);
}

function writeU32(buffer: Uint8Array, offset: number, value: number): void {
  buffer[offset] = value & 0xff;
  buffer[offset + 1] = (value >>> 8) & 0xff;
  buffer[offset + 2] = (value >>> 16) & 0xff;
  buffer[offset + 3] = value >>> 24;
}
