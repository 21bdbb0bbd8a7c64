import { ByteReader, LimitExceededError, ParseError } from "@mailwire/core";
import type { ContextHandle } from "./context-handle.js";
import { NdrLimits } from "./limits.js";

/**
 * NDR 2.0 unmarshalling (C706 chapter 14) of one untrusted stub, little-endian. Every count
 * is checked against NdrLimits and the bytes left before anything is read or allocated; a
 * varying array's offset and actual_count must fit its max_count (14.3.3.2).
 */
export class NdrReader {
  readonly #reader: ByteReader;

  constructor(stub: Uint8Array) {
    this.#reader = new ByteReader(stub);
  }

  get offset(): number {
    return this.#reader.offset;
  }

  get remaining(): number {
    return this.#reader.remaining;
  }

  align(boundary: 2 | 4 | 8): this {
    const pad = (boundary - (this.#reader.offset % boundary)) % boundary;
    this.#reader.skip(pad);
    return this;
  }

  u8(): number {
    return this.#reader.u8();
  }

  u16(): number {
    this.align(2);
    return this.#reader.u16();
  }

  u32(): number {
    this.align(4);
    return this.#reader.u32();
  }

  i32(): number {
    this.align(4);
    return this.#reader.i32();
  }

  u64(): bigint {
    this.align(8);
    return this.#reader.u64();
  }

  bytes(count: number): Uint8Array {
    this.#count(count, 1, "fixed array");
    return this.#reader.bytesCopy(count);
  }

  /** A unique or full pointer's referent id; 0 is null. */
  pointer(): number {
    return this.u32();
  }

  /** A conformant array of bytes (max_count, bytes). */
  conformantBytes(): Uint8Array {
    const count = this.u32();
    this.#count(count, 1, "conformant array");
    return this.#reader.bytesCopy(count);
  }

  /** A conformant varying array of bytes (max_count, offset, actual_count, bytes): the transmitted part. */
  conformantVaryingBytes(): Uint8Array {
    const { actual } = this.#varying(1);
    return this.#reader.bytesCopy(actual);
  }

  /** A `[string] char*`: bytes up to (not including) the NUL, as latin1. */
  asciiString(): string {
    const { actual } = this.#varying(1, NdrLimits.maxStringLength);
    const bytes = this.#reader.bytesView(actual);
    const end = bytes.indexOf(0);
    if (end < 0) throw new ParseError("NDR string without a terminating NUL", { offset: this.offset });
    return new TextDecoder("latin1").decode(bytes.subarray(0, end));
  }

  /** A `[string] wchar_t*`: UTF-16LE up to the NUL. */
  utf16String(): string {
    const { actual } = this.#varying(2, NdrLimits.maxStringLength);
    let text = "";
    let terminated = false;
    for (let i = 0; i < actual; i++) {
      const unit = this.#reader.u16();
      if (unit === 0) {
        terminated = true;
        this.#reader.skip((actual - i - 1) * 2);
        break;
      }
      text += String.fromCharCode(unit);
    }
    if (!terminated)
      throw new ParseError("NDR wide string without a terminating NUL", { offset: this.offset });
    return text;
  }

  contextHandle(): ContextHandle {
    const attributes = this.u32();
    return { attributes, uuid: this.#reader.bytesCopy(16) };
  }

  /** Reads the counts of a conformant varying array and checks them (14.3.3.2). */
  #varying(
    elementSize: number,
    max: number = NdrLimits.maxArrayElements,
  ): { maxCount: number; actual: number } {
    const maxCount = this.u32();
    const offset = this.u32();
    const actual = this.u32();
    if (offset !== 0 || actual > maxCount) {
      throw new ParseError(
        `NDR varying array with offset ${offset}, actual_count ${actual}, max_count ${maxCount}`,
        {
          offset: this.offset,
        },
      );
    }
    this.#count(actual, elementSize, "varying array", max);
    return { maxCount, actual };
  }

  #count(count: number, elementSize: number, what: string, max: number = NdrLimits.maxArrayElements): void {
    if (count > max) {
      throw new LimitExceededError(`NDR ${what} of ${count} elements exceeds ${max}`, {
        limit: "ndrElements",
        max,
      });
    }
    this.#reader.need(count * elementSize, what);
  }
}
