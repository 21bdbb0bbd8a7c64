import { ByteReader } from "../bytes/byte-reader.js";
import type { ByteWriter } from "../bytes/byte-writer.js";
import { fromUtf16le, utf16le } from "../bytes/encoding.js";
import { InvalidArgumentError, LimitExceededError, ParseError } from "../errors/error-classes.js";
import { NtlmLimits } from "./limits.js";

/** Signature of every NTLM message, MS-NLMP 2.2: "NTLMSSP\0". */
export const NTLMSSP_SIGNATURE: Uint8Array = Uint8Array.of(0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00);

/** MessageType values, MS-NLMP 2.2. */
export const MessageType = {
  NtLmNegotiate: 0x0000_0001,
  NtLmChallenge: 0x0000_0002,
  NtLmAuthenticate: 0x0000_0003,
} as const;

/** A Len/MaxLen/BufferOffset triple (MS-NLMP 2.2.1.*). MaxLen "MUST be ignored on receipt". */
export interface FieldDescriptor {
  readonly length: number;
  readonly offset: number;
}

/**
 * Checks size, signature and type, and returns a reader positioned after MessageType.
 * Order matters: the size bound is checked before anything else is looked at.
 */
export function openMessage(bytes: Uint8Array, type: number, minLength: number, name: string): ByteReader {
  if (bytes.length > NtlmLimits.maxMessageBytes) {
    throw new LimitExceededError(
      `${name} of ${bytes.length} bytes exceeds the ${NtlmLimits.maxMessageBytes}-byte limit`,
      { limit: "maxMessageBytes", max: NtlmLimits.maxMessageBytes },
    );
  }
  if (bytes.length < minLength) {
    throw new ParseError(`${name} is ${bytes.length} bytes, shorter than its ${minLength}-byte header`);
  }
  const reader = new ByteReader(bytes);
  const signature = reader.bytesView(8);
  for (let i = 0; i < 8; i++) {
    if (signature[i] !== NTLMSSP_SIGNATURE[i]) throw new ParseError(`${name} lacks the NTLMSSP signature`);
  }
  const actual = reader.u32();
  if (actual !== type)
    throw new ParseError(`Expected NTLM message type ${type}, got ${actual}`, { offset: 8 });
  return reader;
}

export function readFieldDescriptor(reader: ByteReader): FieldDescriptor {
  const length = reader.u16();
  reader.skip(2);
  const offset = reader.u32();
  return { length, offset };
}

/**
 * The bytes a descriptor points at, as a view. An empty field is empty whatever its offset
 * (the spec lets a sender put any offset there). A non-empty field must lie wholly after the
 * fixed header and inside the message.
 */
export function readPayload(
  reader: ByteReader,
  field: FieldDescriptor,
  headerLength: number,
  what: string,
): Uint8Array {
  if (field.length === 0) return new Uint8Array(0);
  if (field.offset < headerLength) {
    throw new ParseError(`${what} at offset ${field.offset} overlaps the ${headerLength}-byte header`, {
      offset: field.offset,
    });
  }
  return reader.sliceAt(field.offset, field.length, what);
}

/** Decodes a string field in the negotiated character set (MS-NLMP 2.2.2.5, bits A and B). */
export function decodeText(bytes: Uint8Array, unicode: boolean, what: string): string {
  if (!unicode) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  if (bytes.length % 2 !== 0) throw new ParseError(`${what} is UTF-16 but has odd length ${bytes.length}`);
  return fromUtf16le(bytes);
}

/** Encodes a string field as UTF-16LE, refusing what a u16 length cannot describe. */
export function encodeText(text: string, what: string): Uint8Array {
  const bytes = utf16le(text);
  checkFieldLength(bytes, what);
  return bytes;
}

export function checkFieldLength(bytes: Uint8Array, what: string): void {
  if (bytes.length > 0xffff) {
    throw new InvalidArgumentError(
      `${what} of ${bytes.length} bytes does not fit a 16-bit NTLM length field`,
    );
  }
}

/** Offsets for payload fields laid out back to back, in the given order, after the header. */
export function layoutPayload(headerLength: number, payloads: readonly Uint8Array[]): number[] {
  const offsets: number[] = [];
  let offset = headerLength;
  for (const payload of payloads) {
    offsets.push(offset);
    offset += payload.length;
  }
  return offsets;
}

export function writeFieldDescriptor(writer: ByteWriter, length: number, offset: number): void {
  writer.u16(length).u16(length).u32(offset);
}
