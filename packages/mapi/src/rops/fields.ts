import { type ByteReader, type ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import { readString8, writeString8 } from "../data/strings.js";

/**
 * The fixed-layout parts of ROP buffers, described as data so one table gives both the
 * encoder and the decoder. Counted arrays check their counts against the bytes left first.
 */
export type FieldKind =
  | "u8"
  | "u16"
  | "u32"
  | "i32"
  | "u64"
  | "bool"
  | "string8"
  /** 16-bit count, then that many 32-bit property tags. */
  | "tags16"
  /** 16-bit count, then that many 64-bit FIDs/MIDs. */
  | "ids16"
  /** 16-bit size, then that many bytes. */
  | "bytes16";

export type Schema = readonly (readonly [name: string, kind: FieldKind])[];

interface KindTypes {
  u8: number;
  u16: number;
  u32: number;
  i32: number;
  u64: bigint;
  bool: boolean;
  string8: string;
  tags16: readonly number[];
  ids16: readonly bigint[];
  bytes16: Uint8Array;
}

/** The object type a schema describes. */
export type FieldsOf<S extends Schema> = { readonly [F in S[number] as F[0]]: KindTypes[F[1]] };

function intField(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `Field ${name} must be an integer in ${min}..${max}, got ${String(value)}`,
    );
  }
  return value;
}

function arrayField<T>(name: string, value: unknown): readonly T[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`Field ${name} must be an array`);
  if (value.length > 0xffff) throw new InvalidArgumentError(`Field ${name} holds at most 65535 items`);
  return value as readonly T[];
}

export function writeFields(writer: ByteWriter, schema: Schema, source: object): void {
  const values = source as Record<string, unknown>;
  for (const [name, kind] of schema) {
    const value = values[name];
    switch (kind) {
      case "u8":
        writer.u8(intField(name, value, 0, 0xff));
        break;
      case "u16":
        writer.u16(intField(name, value, 0, 0xffff));
        break;
      case "u32":
        writer.u32(intField(name, value, 0, 0xffffffff));
        break;
      case "i32":
        writer.i32(intField(name, value, -0x80000000, 0x7fffffff));
        break;
      case "u64":
        if (typeof value !== "bigint") throw new InvalidArgumentError(`Field ${name} must be a bigint`);
        writer.u64(BigInt.asUintN(64, value));
        break;
      case "bool":
        if (typeof value !== "boolean") throw new InvalidArgumentError(`Field ${name} must be a boolean`);
        writer.u8(value ? 1 : 0);
        break;
      case "string8":
        if (typeof value !== "string") throw new InvalidArgumentError(`Field ${name} must be a string`);
        writeString8(writer, value);
        break;
      case "tags16": {
        const tags = arrayField<number>(name, value);
        writer.u16(tags.length);
        for (const tag of tags) writer.u32(intField(name, tag, 0, 0xffffffff));
        break;
      }
      case "ids16": {
        const ids = arrayField<bigint>(name, value);
        writer.u16(ids.length);
        for (const id of ids) {
          if (typeof id !== "bigint") throw new InvalidArgumentError(`Field ${name} must hold bigints`);
          writer.u64(BigInt.asUintN(64, id));
        }
        break;
      }
      case "bytes16":
        if (!(value instanceof Uint8Array) || value.length > 0xffff) {
          throw new InvalidArgumentError(`Field ${name} must be a Uint8Array of at most 65535 bytes`);
        }
        writer.u16(value.length).bytes(value);
        break;
    }
  }
}

function counted(reader: ByteReader, elementSize: number, name: string): number {
  const offset = reader.offset;
  const count = reader.u16();
  if (count * elementSize > reader.remaining) {
    throw new ParseError(`${name}: count ${count} cannot fit in the ${reader.remaining} bytes left`, {
      offset,
    });
  }
  return count;
}

export function readFields<S extends Schema>(reader: ByteReader, schema: S): FieldsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of schema) {
    switch (kind) {
      case "u8":
        out[name] = reader.u8();
        break;
      case "u16":
        out[name] = reader.u16();
        break;
      case "u32":
        out[name] = reader.u32();
        break;
      case "i32":
        out[name] = reader.i32();
        break;
      case "u64":
        out[name] = reader.u64();
        break;
      case "bool":
        out[name] = reader.u8() !== 0;
        break;
      case "string8":
        out[name] = readString8(reader, name);
        break;
      case "tags16": {
        const count = counted(reader, 4, name);
        const tags: number[] = [];
        for (let i = 0; i < count; i++) tags.push(reader.u32());
        out[name] = tags;
        break;
      }
      case "ids16": {
        const count = counted(reader, 8, name);
        const ids: bigint[] = [];
        for (let i = 0; i < count; i++) ids.push(reader.u64());
        out[name] = ids;
        break;
      }
      case "bytes16":
        out[name] = reader.bytesCopy(reader.u16());
        break;
    }
  }
  return out as FieldsOf<S>;
}
