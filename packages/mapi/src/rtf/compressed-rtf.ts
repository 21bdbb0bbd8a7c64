import { LimitExceededError, ParseError } from "@mailwire/core";
import { MapiLimits } from "../limits.js";
import { compressedRtfCrc } from "./rtf-crc.js";

/** COMPTYPE values of a compressed RTF header (MS-OXRTFCP 2.1.3.1.1). */
export const CompressedRtfType = {
  /** "LZFu": LZ-compressed contents with a CRC. */
  Compressed: 0x75465a4c,
  /** "MELA": the RTF stored as it is, CRC zero. */
  Uncompressed: 0x414c454d,
} as const;

/**
 * The dictionary every compressed RTF stream starts from (MS-OXRTFCP 2.1.2.1): 207 bytes of
 * common RTF, then zeros up to 4096; the first write goes to offset 207.
 */
export const RTF_PREBUILT_DICTIONARY =
  "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript " +
  "\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par " +
  "\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

const DICTIONARY_SIZE = 4096;
const DICTIONARY_MASK = DICTIONARY_SIZE - 1;
const HEADER_LENGTH = 16;
/** A dictionary reference holds the length minus 2 in 4 bits (MS-OXRTFCP 2.1.3.1.5). */
const MIN_MATCH = 2;
const MAX_MATCH = 17;

function prebuiltDictionary(): Uint8Array {
  const dictionary = new Uint8Array(DICTIONARY_SIZE);
  for (let i = 0; i < RTF_PREBUILT_DICTIONARY.length; i++) {
    dictionary[i] = RTF_PREBUILT_DICTIONARY.charCodeAt(i);
  }
  return dictionary;
}

const PREBUILT_LENGTH = RTF_PREBUILT_DICTIONARY.length;

export interface CompressedRtfHeader {
  /** COMPSIZE: bytes after this field (the contents plus 12). */
  readonly compressedSize: number;
  /** RAWSIZE: bytes of RTF the contents expand to. */
  readonly rawSize: number;
  readonly compressionType: number;
  readonly crc: number;
}

export interface DecompressRtfOptions {
  /** Largest RAWSIZE accepted, checked before anything is allocated. Default `MapiLimits.maxRtfRawSize`. */
  readonly maxRawSize?: number;
  /** Check the CRC of LZFu contents (MS-OXRTFCP 2.1.3.2). Default true. */
  readonly verifyCrc?: boolean;
}

function u32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) |
      ((bytes[at + 1] as number) << 8) |
      ((bytes[at + 2] as number) << 16) |
      ((bytes[at + 3] as number) << 24)) >>>
    0
  );
}

function putU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

/** The 16-byte header (MS-OXRTFCP 2.1.3.1.1); throws ParseError when it cannot be one. */
export function readCompressedRtfHeader(input: Uint8Array): CompressedRtfHeader {
  if (input.length < HEADER_LENGTH) {
    throw new ParseError(`Compressed RTF: ${input.length} bytes, the header alone takes 16`);
  }
  return {
    compressedSize: u32(input, 0),
    rawSize: u32(input, 4),
    compressionType: u32(input, 8),
    crc: u32(input, 12),
  };
}

/**
 * Decompresses a PidTagRtfCompressed value (MS-OXRTFCP 2.2.3.1 / 2.3.3.1) into the RTF bytes.
 * LZFu contents are checked against their CRC, MELA contents are copied. The output is
 * allocated once at RAWSIZE, after RAWSIZE was checked against `maxRawSize`, and the stream
 * must fill it exactly.
 */
export function decompressRtf(input: Uint8Array, options: DecompressRtfOptions = {}): Uint8Array {
  const header = readCompressedRtfHeader(input);
  if (header.compressedSize < 12) {
    throw new ParseError(`Compressed RTF: COMPSIZE ${header.compressedSize} is below the header's 12`);
  }
  const contentsLength = header.compressedSize - 12;
  if (contentsLength > input.length - HEADER_LENGTH) {
    throw new ParseError(
      `Compressed RTF: COMPSIZE states ${contentsLength} bytes of contents, ${input.length - HEADER_LENGTH} present`,
      { offset: HEADER_LENGTH },
    );
  }
  const max = options.maxRawSize ?? MapiLimits.maxRtfRawSize;
  if (header.rawSize > max) {
    throw new LimitExceededError(`Compressed RTF: RAWSIZE ${header.rawSize} exceeds the ${max}-byte limit`, {
      limit: "maxRtfRawSize",
      max,
    });
  }
  const contents = input.subarray(HEADER_LENGTH, HEADER_LENGTH + contentsLength);
  if (header.compressionType === CompressedRtfType.Uncompressed) {
    if (contents.length < header.rawSize) {
      throw new ParseError(
        `Compressed RTF: MELA contents hold ${contents.length} of ${header.rawSize} bytes`,
      );
    }
    return contents.slice(0, header.rawSize);
  }
  if (header.compressionType !== CompressedRtfType.Compressed) {
    throw new ParseError(
      `Compressed RTF: unknown COMPTYPE 0x${header.compressionType.toString(16).padStart(8, "0")}`,
      { offset: 8 },
    );
  }
  if (options.verifyCrc !== false) {
    const crc = compressedRtfCrc(contents);
    if (crc !== header.crc) {
      throw new ParseError(
        `Compressed RTF: CRC 0x${crc.toString(16)} does not match the header's 0x${header.crc.toString(16)}`,
        { offset: 12 },
      );
    }
  }
  return inflate(contents, header.rawSize);
}

function inflate(contents: Uint8Array, rawSize: number): Uint8Array {
  const dictionary = prebuiltDictionary();
  let write = PREBUILT_LENGTH;
  const out = new Uint8Array(rawSize);
  let outPos = 0;
  let inPos = 0;
  const end = contents.length;
  const overflow = () =>
    new ParseError(`Compressed RTF: contents expand beyond RAWSIZE ${rawSize}`, {
      offset: HEADER_LENGTH + inPos,
    });
  run: while (inPos < end) {
    const control = contents[inPos++] as number;
    for (let bit = 0; bit < 8; bit++) {
      // Input ending inside a run is the end of a stream written without the end marker.
      if (inPos >= end) break run;
      if ((control & (1 << bit)) === 0) {
        if (outPos >= rawSize) throw overflow();
        const literal = contents[inPos++] as number;
        out[outPos++] = literal;
        dictionary[write] = literal;
        write = (write + 1) & DICTIONARY_MASK;
        continue;
      }
      if (end - inPos < 2) {
        throw new ParseError("Compressed RTF: truncated dictionary reference", {
          offset: HEADER_LENGTH + inPos,
        });
      }
      // Big-endian: 12 bits of offset, 4 bits of length minus 2 (MS-OXRTFCP 2.1.3.1.5).
      const reference = ((contents[inPos] as number) << 8) | (contents[inPos + 1] as number);
      inPos += 2;
      let read = reference >>> 4;
      // A reference to the write offset itself marks the end (MS-OXRTFCP 2.2.3.1).
      if (read === write) break run;
      const length = (reference & 0x0f) + MIN_MATCH;
      if (outPos + length > rawSize) throw overflow();
      for (let k = 0; k < length; k++) {
        const byte = dictionary[read] as number;
        read = (read + 1) & DICTIONARY_MASK;
        out[outPos++] = byte;
        dictionary[write] = byte;
        write = (write + 1) & DICTIONARY_MASK;
      }
    }
  }
  if (outPos !== rawSize) {
    throw new ParseError(`Compressed RTF: contents expand to ${outPos} bytes, RAWSIZE states ${rawSize}`);
  }
  return out;
}

export interface CompressRtfOptions {
  /** Store the RTF as it is (COMPTYPE MELA) instead of LZFu. Default false. */
  readonly uncompressed?: boolean;
}

/**
 * Compresses RTF into a PidTagRtfCompressed value (MS-OXRTFCP 2.3.3.2): runs of eight
 * tokens behind a control byte, each token a literal or the longest dictionary match of 2 to
 * 17 bytes (the lowest dictionary offset among equally long ones), ended by a reference to
 * the write offset. Produces the specification's bytes for its examples (section 4).
 */
export function compressRtf(rtf: Uint8Array, options: CompressRtfOptions = {}): Uint8Array {
  if (options.uncompressed) {
    const out = new Uint8Array(HEADER_LENGTH + rtf.length);
    putU32(out, 0, rtf.length + 12);
    putU32(out, 4, rtf.length);
    putU32(out, 8, CompressedRtfType.Uncompressed);
    out.set(rtf, HEADER_LENGTH);
    return out;
  }
  const dictionary = prebuiltDictionary();
  // Where each byte value sits in the dictionary, so a match search visits only the offsets
  // that can start one instead of all 4096.
  const positions: Set<number>[] = Array.from({ length: 256 }, () => new Set<number>());
  for (let i = 0; i < PREBUILT_LENGTH; i++) positions[dictionary[i] as number]?.add(i);
  let filled = PREBUILT_LENGTH;
  let write = PREBUILT_LENGTH;
  const put = (byte: number) => {
    if (write < filled) positions[dictionary[write] as number]?.delete(write);
    else filled++;
    dictionary[write] = byte;
    positions[byte]?.add(write);
    write = (write + 1) & DICTIONARY_MASK;
  };

  // Worst case: every token a literal, one control byte per 8, plus the end marker's run.
  const body = new Uint8Array(rtf.length + Math.ceil(rtf.length / 8) + 3);
  let outPos = 0;
  let controlAt = 0;
  let control = 0;
  let bit = 0;
  const startRun = () => {
    controlAt = outPos++;
    control = 0;
    bit = 0;
  };
  const endToken = () => {
    bit++;
    if (bit === 8) {
      body[controlAt] = control;
      startRun();
    }
  };
  startRun();
  let inPos = 0;
  while (inPos < rtf.length) {
    const limit = Math.min(MAX_MATCH, rtf.length - inPos);
    let bestLength = 0;
    let bestOffset = 0;
    if (limit >= MIN_MATCH) {
      for (const start of positions[rtf[inPos] as number] ?? []) {
        if (start === write) continue;
        // Bytes at or past the write offset are the ones this match itself writes there.
        const distance = (write - start) & DICTIONARY_MASK;
        let length = 1;
        while (length < limit) {
          const expected =
            length < distance
              ? (dictionary[(start + length) & DICTIONARY_MASK] as number)
              : (rtf[inPos + length - distance] as number);
          if (expected !== rtf[inPos + length]) break;
          length++;
        }
        if (length > bestLength || (length === bestLength && start < bestOffset)) {
          bestLength = length;
          bestOffset = start;
        }
      }
    }
    if (bestLength >= MIN_MATCH) {
      const reference = (bestOffset << 4) | (bestLength - MIN_MATCH);
      body[outPos++] = reference >>> 8;
      body[outPos++] = reference & 0xff;
      control |= 1 << bit;
      for (let k = 0; k < bestLength; k++) put(rtf[inPos + k] as number);
      inPos += bestLength;
    } else {
      const literal = rtf[inPos++] as number;
      body[outPos++] = literal;
      put(literal);
    }
    endToken();
  }
  // The end marker: a reference to the write offset, length bits zero.
  const marker = write << 4;
  body[outPos++] = marker >>> 8;
  body[outPos++] = marker & 0xff;
  control |= 1 << bit;
  body[controlAt] = control;

  const contents = body.subarray(0, outPos);
  const out = new Uint8Array(HEADER_LENGTH + contents.length);
  putU32(out, 0, contents.length + 12);
  putU32(out, 4, rtf.length);
  putU32(out, 8, CompressedRtfType.Compressed);
  putU32(out, 12, compressedRtfCrc(contents));
  out.set(contents, HEADER_LENGTH);
  return out;
}
