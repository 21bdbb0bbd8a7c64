import {
  type ByteReader,
  type ByteWriter,
  InvalidArgumentError,
  LimitExceededError,
  ParseError,
} from "@mailwire/core";
import { MapiHttpLimits } from "./limits.js";

/** AuxiliaryBufferSize then AuxiliaryBuffer, as every request and response body ends. */
export function readAuxiliary(reader: ByteReader): Uint8Array {
  const offset = reader.offset;
  const size = reader.u32();
  if (size > MapiHttpLimits.maxAuxiliaryBytes) {
    throw new LimitExceededError(`AuxiliaryBufferSize ${size} exceeds ${MapiHttpLimits.maxAuxiliaryBytes}`, {
      limit: "maxAuxiliaryBytes",
      max: MapiHttpLimits.maxAuxiliaryBytes,
    });
  }
  if (size > reader.remaining)
    throw new ParseError(`AuxiliaryBufferSize ${size} runs past the body`, { offset });
  return reader.bytesCopy(size);
}

export function writeAuxiliary(writer: ByteWriter, auxiliary: Uint8Array | undefined): void {
  const bytes = auxiliary ?? new Uint8Array(0);
  if (bytes.length > MapiHttpLimits.maxAuxiliaryBytes) {
    throw new InvalidArgumentError(
      `An auxiliary buffer holds at most ${MapiHttpLimits.maxAuxiliaryBytes} bytes`,
    );
  }
  writer.u32(bytes.length).bytes(bytes);
}

/** A null-terminated 8-bit (ASCII) string. */
export function readAsciiZ(reader: ByteReader, what: string): string {
  const start = reader.offset;
  const bytes = reader.bytesView(reader.remaining);
  const end = bytes.indexOf(0);
  if (end < 0) throw new ParseError(`${what} is not null-terminated`, { offset: start });
  if (end > MapiHttpLimits.maxStringBytes)
    throw new ParseError(`${what} is longer than ${MapiHttpLimits.maxStringBytes} bytes`, { offset: start });
  reader.seek(start + end + 1);
  return Buffer.from(bytes.subarray(0, end)).toString("latin1");
}

export function writeAsciiZ(writer: ByteWriter, value: string): void {
  // DNs are ASCII (MS-OXCMAPIHTTP 2.2.4.1.1 UserDn); anything else cannot be sent as is.
  if (!/^[\x00-\x7f]*$/.test(value) || value.includes("\0")) {
    throw new InvalidArgumentError("An ASCII string without NUL characters is required");
  }
  writer.bytes(Buffer.from(value, "latin1")).u8(0);
}

/** A null-terminated UTF-16LE string. */
export function readUnicodeZ(reader: ByteReader, what: string): string {
  const start = reader.offset;
  for (let i = start; i + 1 < start + reader.remaining + 0; i += 2) {
    const bytes = reader.bytes;
    if (bytes[i] === 0 && bytes[i + 1] === 0) {
      if (i - start > MapiHttpLimits.maxStringBytes) break;
      const text = Buffer.from(bytes.subarray(start, i)).toString("utf16le");
      reader.seek(i + 2);
      return text;
    }
  }
  throw new ParseError(
    `${what} is not a null-terminated UTF-16 string within ${MapiHttpLimits.maxStringBytes} bytes`,
    {
      offset: start,
    },
  );
}

export function writeUnicodeZ(writer: ByteWriter, value: string): void {
  writer.bytes(Buffer.from(value, "utf16le")).u16(0);
}
