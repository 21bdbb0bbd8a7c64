import { ByteWriter, InvalidArgumentError } from "@mailwire/core";
import type { ContextHandle } from "./context-handle.js";

/**
 * NDR 2.0 marshalling (C706 chapter 14) into one stub, little-endian: primitives aligned to
 * their size relative to the stub start (14.2.2), conformant and varying arrays with their
 * counts (14.3.3), strings as conformant-varying arrays with the terminator counted
 * (14.3.4), unique and full pointers as referent ids (14.3.10), context handles (appendix N).
 * The caller writes deferred pointees in the order NDR prescribes.
 */
export class NdrWriter {
  readonly #writer: ByteWriter;
  #nextReferent = 0x0002_0000;
  readonly #fullPointers = new Map<unknown, number>();

  constructor(initialCapacity = 256) {
    this.#writer = new ByteWriter(initialCapacity);
  }

  get offset(): number {
    return this.#writer.offset;
  }

  align(boundary: 2 | 4 | 8): this {
    const pad = (boundary - (this.#writer.offset % boundary)) % boundary;
    this.#writer.zeros(pad);
    return this;
  }

  u8(value: number): this {
    this.#writer.u8(value);
    return this;
  }

  u16(value: number): this {
    this.align(2).#writer.u16(value);
    return this;
  }

  u32(value: number): this {
    this.align(4).#writer.u32(value >>> 0);
    return this;
  }

  i32(value: number): this {
    this.align(4).#writer.i32(value);
    return this;
  }

  u64(value: bigint): this {
    this.align(8).#writer.u64(value);
    return this;
  }

  /** Raw bytes with no alignment or count (a fixed array of bytes). */
  bytes(value: Uint8Array): this {
    this.#writer.bytes(value);
    return this;
  }

  /** A unique (or top-level full) pointer's referent id, 0 for null. Returns whether it is non-null. */
  pointer(present: boolean): boolean {
    this.u32(present ? this.#nextReferent : 0);
    if (present) this.#nextReferent += 4;
    return present;
  }

  /**
   * A full pointer (14.3.10.3): the same `target` gets the same referent id every time.
   * Returns true the first time, when the caller must marshal the pointee.
   */
  fullPointer(target: unknown): boolean {
    if (target === null || target === undefined) {
      this.u32(0);
      return false;
    }
    const known = this.#fullPointers.get(target);
    if (known !== undefined) {
      this.u32(known);
      return false;
    }
    this.#fullPointers.set(target, this.#nextReferent);
    return this.pointer(true);
  }

  /** A conformant array of bytes: max_count, then the bytes. */
  conformantBytes(value: Uint8Array): this {
    this.u32(value.length);
    return this.bytes(value);
  }

  /** A conformant varying array of bytes: max_count, offset 0, actual_count, then the bytes. */
  conformantVaryingBytes(value: Uint8Array, maxCount: number = value.length): this {
    if (maxCount < value.length) throw new InvalidArgumentError("max_count is smaller than the data");
    this.u32(maxCount).u32(0).u32(value.length);
    return this.bytes(value);
  }

  /** A `[string] char*`: an 8-bit string with its NUL, as a conformant varying array (14.3.4). */
  asciiString(value: string): this {
    const bytes = new Uint8Array(value.length + 1);
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0xff) throw new InvalidArgumentError("An 8-bit NDR string cannot hold this character");
      bytes[i] = code;
    }
    return this.conformantVaryingBytes(bytes);
  }

  /** A `[string] wchar_t*`: UTF-16LE with its NUL, counted in 16-bit units. */
  utf16String(value: string): this {
    const units = value.length + 1;
    this.u32(units).u32(0).u32(units);
    for (let i = 0; i < value.length; i++) this.#writer.u16(value.charCodeAt(i));
    this.#writer.u16(0);
    return this;
  }

  contextHandle(handle: ContextHandle): this {
    this.u32(handle.attributes);
    return this.bytes(handle.uuid);
  }

  finish(): Uint8Array {
    return this.#writer.finish().slice();
  }
}
