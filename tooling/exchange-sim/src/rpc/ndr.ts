import { PduError } from "./co-pdu.js";

// Just enough NDR 2.0 (C706 14) for the simulator's EMSMDB, AsyncEMSMDB and endpoint mapper
// stubs: aligned little-endian integers, conformant (varying) byte arrays, strings, handles.

export class NdrIn {
  #at = 0;
  constructor(readonly stub: Buffer) {}
  #align(n: number): void {
    this.#at += (n - (this.#at % n)) % n;
  }
  #need(n: number): void {
    if (n < 0 || this.#at + n > this.stub.length) throw new PduError("stub too short");
  }
  u16(): number {
    this.#align(2);
    this.#need(2);
    const v = this.stub.readUInt16LE(this.#at);
    this.#at += 2;
    return v;
  }
  u32(): number {
    this.#align(4);
    this.#need(4);
    const v = this.stub.readUInt32LE(this.#at);
    this.#at += 4;
    return v;
  }
  take(n: number): Buffer {
    this.#need(n);
    const out = this.stub.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }
  handle(): Buffer {
    this.#align(4);
    return Buffer.from(this.take(20));
  }
  /** Conformant array of bytes: max_count then the bytes. */
  conformant(): Buffer {
    return this.take(this.u32());
  }
  /** [string] char*: max_count, offset, actual_count, bytes with the NUL. */
  string(): string {
    this.u32();
    this.u32();
    const bytes = this.take(this.u32());
    const end = bytes.indexOf(0);
    return bytes.subarray(0, end < 0 ? bytes.length : end).toString("latin1");
  }
}

export class NdrOut {
  readonly #parts: Buffer[] = [];
  #length = 0;
  #referent = 0x20000;
  #push(bytes: Buffer): this {
    this.#parts.push(bytes);
    this.#length += bytes.length;
    return this;
  }
  align(n: number): this {
    const pad = (n - (this.#length % n)) % n;
    return pad ? this.#push(Buffer.alloc(pad)) : this;
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    return this.align(2).#push(b);
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return this.align(4).#push(b);
  }
  bytes(b: Uint8Array): this {
    return this.#push(Buffer.from(b));
  }
  handle(h: Buffer): this {
    return this.align(4).#push(h);
  }
  referent(): this {
    this.#referent += 4;
    return this.u32(this.#referent);
  }
  /** Conformant varying array of bytes. */
  varying(b: Uint8Array): this {
    return this.u32(b.length).u32(0).u32(b.length).bytes(b);
  }
  /** A unique pointer to a [string] char*. */
  stringPointer(text: string): this {
    const b = Buffer.from(`${text}\0`, "latin1");
    return this.referent().varying(b);
  }
  finish(): Buffer {
    return Buffer.concat(this.#parts);
  }
}
