import {
  type ByteReader,
  type ByteWriter,
  fromUtf16le,
  InvalidArgumentError,
  ParseError,
  utf16le,
} from "@mailwire/core";

/**
 * Null-terminated strings as MAPI sends them: PtypString is UTF-16LE ending in a 16-bit zero,
 * PtypString8 is 8-bit text ending in a zero byte (MS-OXCDATA 2.11.1). The 8-bit form is
 * decoded as Latin-1, which maps every byte to one code unit and so round-trips exactly;
 * callers who know the logon code page can re-decode.
 */
export function readUnicodeString(reader: ByteReader, what = "PtypString"): string {
  const bytes = reader.bytes;
  const start = reader.offset;
  const end = start + reader.remaining;
  for (let i = start; i + 1 < end; i += 2) {
    if (bytes[i] === 0 && bytes[i + 1] === 0) {
      const text = fromUtf16le(reader.bytesView(i - start));
      reader.skip(2);
      return text;
    }
  }
  throw new ParseError(`${what}: no terminating null character`, { offset: start });
}

export function readString8(reader: ByteReader, what = "PtypString8"): string {
  const bytes = reader.bytes;
  const start = reader.offset;
  const end = start + reader.remaining;
  for (let i = start; i < end; i++) {
    if (bytes[i] === 0) {
      const text = Buffer.from(reader.bytesView(i - start)).toString("latin1");
      reader.skip(1);
      return text;
    }
  }
  throw new ParseError(`${what}: no terminating null byte`, { offset: start });
}

export function writeUnicodeString(writer: ByteWriter, text: string): void {
  if (text.includes("\0")) throw new InvalidArgumentError("A null-terminated string cannot contain U+0000");
  writer.bytes(utf16le(text)).u16(0);
}

export function writeString8(writer: ByteWriter, text: string): void {
  writer.bytes(string8Bytes(text)).u8(0);
}

/** The 8-bit bytes of `text` without the terminator; every code unit must fit in one byte. */
export function string8Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0 || unit > 0xff) {
      throw new InvalidArgumentError(
        `An 8-bit MAPI string cannot hold U+${unit.toString(16).padStart(4, "0")}`,
      );
    }
    out[i] = unit;
  }
  return out;
}
