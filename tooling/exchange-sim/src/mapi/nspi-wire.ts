// The server's side of the MAPI/HTTP address book bodies (MS-OXCMAPIHTTP 2.2.5, 2.2.1), written
// here from the spec rather than taken from @mailwire/mapi-http, so the client's codec is
// checked against an independent reading (as emsmdb-bodies.ts does for the mailbox endpoint).
// Little-endian throughout.

import { BodyError } from "./emsmdb-bodies.js";

export { BodyError };

/** STAT (MS-OXNSPI 2.2.8), nine 32-bit fields; Delta is signed. */
export interface SimStat {
  sortType: number;
  containerId: number;
  currentRec: number;
  delta: number;
  numPos: number;
  totalRecs: number;
  codePage: number;
  templateLocale: number;
  sortLocale: number;
}

/** A property value the sim understands: strings, integers, Booleans, binaries, string lists. */
export type SimValue = string | number | boolean | Uint8Array | readonly string[];

/** A restriction as far as the sim evaluates one (MS-OXCDATA 2.12, 32-bit counts). */
export type SimRestriction =
  | { kind: "and" | "or"; children: SimRestriction[] }
  | { kind: "not"; child: SimRestriction }
  | { kind: "content"; fuzzyLow: number; fuzzyHigh: number; tag: number; value: SimValue }
  | { kind: "property"; relOp: number; tag: number; value: SimValue }
  | { kind: "exist"; tag: number };

const MAX_COUNT = 100_000;
const MAX_DEPTH = 32;

export class Reader {
  #at = 0;
  constructor(readonly bytes: Buffer) {}
  get remaining(): number {
    return this.bytes.length - this.#at;
  }
  u8(): number {
    if (this.#at + 1 > this.bytes.length) throw new BodyError("truncated body");
    return this.bytes.readUInt8(this.#at++);
  }
  u16(): number {
    if (this.#at + 2 > this.bytes.length) throw new BodyError("truncated body");
    const v = this.bytes.readUInt16LE(this.#at);
    this.#at += 2;
    return v;
  }
  u32(): number {
    if (this.#at + 4 > this.bytes.length) throw new BodyError("truncated body");
    const v = this.bytes.readUInt32LE(this.#at);
    this.#at += 4;
    return v;
  }
  i32(): number {
    return this.u32() | 0;
  }
  take(n: number): Buffer {
    if (n > this.remaining) throw new BodyError("a size runs past the body");
    const out = this.bytes.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }
  /** A count whose elements take at least `minimum` bytes each. */
  count(minimum: number): number {
    const n = this.u32();
    if (n > MAX_COUNT || n * minimum > this.remaining) throw new BodyError("a count runs past the body");
    return n;
  }
  asciiZ(): string {
    const end = this.bytes.indexOf(0, this.#at);
    if (end < 0) throw new BodyError("unterminated string");
    const text = this.bytes.subarray(this.#at, end).toString("latin1");
    this.#at = end + 1;
    return text;
  }
  unicodeZ(): string {
    for (let i = this.#at; i + 1 < this.bytes.length; i += 2) {
      if (this.bytes[i] === 0 && this.bytes[i + 1] === 0) {
        const text = this.bytes.subarray(this.#at, i).toString("utf16le");
        this.#at = i + 2;
        return text;
      }
    }
    throw new BodyError("unterminated UTF-16 string");
  }
  /** A one-byte Has... flag, then the field when it is non-zero. */
  optional<T>(read: () => T): T | undefined {
    return this.u8() !== 0 ? read() : undefined;
  }
  stat(): SimStat {
    return {
      sortType: this.u32(),
      containerId: this.u32(),
      currentRec: this.u32(),
      delta: this.i32(),
      numPos: this.u32(),
      totalRecs: this.u32(),
      codePage: this.u32(),
      templateLocale: this.u32(),
      sortLocale: this.u32(),
    };
  }
  mids(): number[] {
    const n = this.count(4);
    return Array.from({ length: n }, () => this.u32());
  }
  tags(): number[] {
    return this.mids();
  }
  /** The trailing AuxiliaryBufferSize and AuxiliaryBuffer, then nothing. */
  end(): void {
    this.take(this.u32());
    if (this.remaining !== 0) throw new BodyError("bytes after the body");
  }
  /** A PropertyValue (MS-OXCDATA 2.11.2.1) of the few types the sim accepts in restrictions. */
  plainValue(type: number): SimValue {
    switch (type) {
      case 0x0003:
        return this.i32();
      case 0x000b:
        return this.u8() !== 0;
      case 0x001f:
        return this.unicodeZ();
      case 0x001e:
        return this.asciiZ();
      case 0x0102:
        return new Uint8Array(this.take(this.u32()));
      default:
        throw new BodyError(`property type 0x${type.toString(16)} is not supported by the sim`);
    }
  }
  /** AddressBookPropertyValue (2.2.1.1): a HasValue byte before strings and binaries. */
  addressBookValue(type: number): SimValue | undefined {
    if ((type === 0x001f || type === 0x001e || type === 0x0102 || (type & 0x1000) !== 0) && this.u8() === 0)
      return undefined;
    return this.plainValue(type);
  }
  restriction(depth = 0): SimRestriction {
    if (depth > MAX_DEPTH) throw new BodyError("restriction nests too deep");
    const type = this.u8();
    switch (type) {
      case 0x00:
      case 0x01: {
        const n = this.count(1);
        const children = Array.from({ length: n }, () => this.restriction(depth + 1));
        return { kind: type === 0 ? "and" : "or", children };
      }
      case 0x02:
        return { kind: "not", child: this.restriction(depth + 1) };
      case 0x03: {
        const fuzzyLow = this.u16();
        const fuzzyHigh = this.u16();
        const tag = this.u32();
        const valueTag = this.u32();
        return { kind: "content", fuzzyLow, fuzzyHigh, tag, value: this.plainValue(valueTag & 0xffff) };
      }
      case 0x04: {
        const relOp = this.u8();
        const tag = this.u32();
        const valueTag = this.u32();
        return { kind: "property", relOp, tag, value: this.plainValue(valueTag & 0xffff) };
      }
      case 0x08:
        return { kind: "exist", tag: this.u32() };
      default:
        throw new BodyError(`restriction type ${type} is not supported by the sim`);
    }
  }
}

export class Writer {
  readonly #parts: Buffer[] = [];
  u8(v: number): this {
    this.#parts.push(Buffer.of(v & 0xff));
    return this;
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v & 0xffff);
    this.#parts.push(b);
    return this;
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.#parts.push(b);
    return this;
  }
  i32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v | 0);
    this.#parts.push(b);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.#parts.push(Buffer.from(b));
    return this;
  }
  asciiZ(text: string): this {
    return this.bytes(Buffer.from(`${text}\0`, "latin1"));
  }
  unicodeZ(text: string): this {
    return this.bytes(Buffer.from(`${text}\0`, "utf16le"));
  }
  stat(s: SimStat): this {
    this.u32(s.sortType).u32(s.containerId).u32(s.currentRec).i32(s.delta).u32(s.numPos);
    return this.u32(s.totalRecs).u32(s.codePage).u32(s.templateLocale).u32(s.sortLocale);
  }
  ids(values: readonly number[]): this {
    this.u32(values.length);
    for (const v of values) this.u32(v);
    return this;
  }
  /** AddressBookPropertyValue (2.2.1.1) of `type`. */
  addressBookValue(type: number, value: SimValue): this {
    switch (type) {
      case 0x0003:
      case 0x000a:
        return this.u32(Number(value));
      case 0x000b:
        return this.u8(value ? 1 : 0);
      case 0x001f:
        return this.u8(1).unicodeZ(String(value));
      case 0x001e:
        return this.u8(1).asciiZ(String(value));
      case 0x0102: {
        const bytes = value as Uint8Array;
        return this.u8(1).u32(bytes.length).bytes(bytes);
      }
      case 0x101f: {
        const list = value as readonly string[];
        this.u8(1).u32(list.length);
        for (const item of list) this.unicodeZ(item);
        return this;
      }
      case 0x101e: {
        const list = value as readonly string[];
        this.u8(1).u32(list.length);
        for (const item of list) this.asciiZ(item);
        return this;
      }
      default:
        throw new Error(`the sim cannot encode property type 0x${type.toString(16)}`);
    }
  }
  finish(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** A response body: StatusCode 0, ErrorCode, the fields `fill` writes, an empty auxiliary buffer. */
export function successBody(errorCode: number, fill: (w: Writer) => void = () => undefined): Buffer {
  const w = new Writer().u32(0).u32(errorCode);
  fill(w);
  return w.u32(0).finish();
}
