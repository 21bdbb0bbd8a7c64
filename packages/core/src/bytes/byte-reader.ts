import { ParseError } from "../errors/error-classes.js";

/**
 * A bounds-checked cursor over untrusted bytes. Every read checks the remaining length
 * first and throws ParseError instead of returning garbage or allocating on a bad length.
 * Little-endian by default (NTLM, MAPI, NDR20 as Windows sends it); big-endian where asked.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private position: number;
  private readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new ParseError(`Reader window ${start}..${end} is outside a ${bytes.length}-byte buffer`);
    }
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.position = start;
    this.end = end;
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  /** Fails unless `count` more bytes are available. */
  need(count: number, what = "value"): void {
    if (!Number.isSafeInteger(count) || count < 0 || count > this.end - this.position) {
      throw new ParseError(
        `Truncated input: ${what} needs ${count} bytes at offset ${this.position}, ${this.remaining} left`,
        { offset: this.position },
      );
    }
  }

  seek(offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.end) {
      throw new ParseError(`Offset ${offset} is outside the ${this.end}-byte input`, { offset });
    }
    this.position = offset;
  }

  skip(count: number): void {
    this.need(count, "skipped bytes");
    this.position += count;
  }

  u8(): number {
    this.need(1, "u8");
    return this.view.getUint8(this.position++);
  }

  u16(): number {
    this.need(2, "u16");
    const v = this.view.getUint16(this.position, true);
    this.position += 2;
    return v;
  }

  i16(): number {
    this.need(2, "i16");
    const v = this.view.getInt16(this.position, true);
    this.position += 2;
    return v;
  }

  u32(): number {
    this.need(4, "u32");
    const v = this.view.getUint32(this.position, true);
    this.position += 4;
    return v;
  }

  i32(): number {
    this.need(4, "i32");
    const v = this.view.getInt32(this.position, true);
    this.position += 4;
    return v;
  }

  i64(): bigint {
    this.need(8, "i64");
    const v = this.view.getBigInt64(this.position, true);
    this.position += 8;
    return v;
  }

  f32(): number {
    this.need(4, "f32");
    const v = this.view.getFloat32(this.position, true);
    this.position += 4;
    return v;
  }

  f64(): number {
    this.need(8, "f64");
    const v = this.view.getFloat64(this.position, true);
    this.position += 8;
    return v;
  }

  u64(): bigint {
    this.need(8, "u64");
    const v = this.view.getBigUint64(this.position, true);
    this.position += 8;
    return v;
  }

  u16be(): number {
    this.need(2, "u16be");
    const v = this.view.getUint16(this.position, false);
    this.position += 2;
    return v;
  }

  u32be(): number {
    this.need(4, "u32be");
    const v = this.view.getUint32(this.position, false);
    this.position += 4;
    return v;
  }

  /** A view (not a copy) of the next `count` bytes. */
  bytesView(count: number): Uint8Array {
    this.need(count, "byte run");
    const out = this.bytes.subarray(this.position, this.position + count);
    this.position += count;
    return out;
  }

  /** A copy of the next `count` bytes, safe to keep after the input buffer is reused. */
  bytesCopy(count: number): Uint8Array {
    return this.bytesView(count).slice();
  }

  /** A view of `length` bytes at an absolute offset, without moving the cursor. */
  sliceAt(offset: number, length: number, what = "field"): Uint8Array {
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > this.end
    ) {
      throw new ParseError(`${what} at ${offset} (+${length}) lies outside the ${this.end}-byte input`, {
        offset,
      });
    }
    return this.bytes.subarray(offset, offset + length);
  }
}
