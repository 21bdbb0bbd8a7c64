import {
  type ByteReader,
  type ByteWriter,
  InvalidArgumentError,
  LimitExceededError,
  ParseError,
} from "@mailwire/core";
import { readGuid, writeGuid } from "./guid.js";
import { formatPropertyTag, type PropertyTag, propertyTagType } from "./property-tag.js";
import { PropertyType, propertyTypeName } from "./property-type.js";
import { type Restriction, readRestriction, writeRestriction } from "./restriction.js";
import { type RuleActions, readRuleActions, writeRuleActions } from "./rule-action.js";
import { readString8, readUnicodeString, writeString8, writeUnicodeString } from "./strings.js";

/**
 * Where a value is encoded decides the width of some count fields (MS-OXCDATA 2.11.1): in
 * ROP buffers PtypBinary byte counts, restriction counts and rule-action counts are 16 bits;
 * in extended rules (MS-OXORULE 2.2.4) and the MAPI/HTTP address book they are 32 bits.
 * PtypMultiple* value counts are 32 bits in both.
 */
export interface PropertyCodecContext {
  readonly wideCounts: boolean;
}

export const ROP_BUFFER_CONTEXT: PropertyCodecContext = Object.freeze({ wideCounts: false });
export const EXTENDED_CONTEXT: PropertyCodecContext = Object.freeze({ wideCounts: true });

/**
 * A property value in JavaScript form; which form depends on the property type:
 * - PtypInteger16/32, PtypFloating32/64, PtypFloatingTime, PtypErrorCode: number
 * - PtypInteger64, PtypTime (FILETIME ticks): unsigned bigint (64-bit values in MAPI are
 *   overwhelmingly FIDs, MIDs and change numbers; use BigInt.asIntN(64, v) for signed use)
 * - PtypCurrency: signed bigint (units of 1/10000)
 * - PtypBoolean: boolean; PtypNull: null
 * - PtypString, PtypString8: string; PtypGuid: canonical GUID text
 * - PtypBinary, PtypServerId: Uint8Array (PtypServerId kept as its raw bytes)
 * - PtypRestriction: Restriction; PtypRuleAction: RuleActions
 * - PtypMultiple*: an array of the single form
 */
export type MapiValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Restriction
  | RuleActions
  | readonly number[]
  | readonly bigint[]
  | readonly string[]
  | readonly Uint8Array[];

/** TypedPropertyValue (MS-OXCDATA 2.11.3): the type travels with the value. */
export interface TypedPropertyValue {
  readonly type: number;
  readonly value: MapiValue;
}

/** TaggedPropertyValue (MS-OXCDATA 2.11.4): the whole tag travels with the value. */
export interface TaggedPropertyValue {
  readonly tag: PropertyTag;
  readonly value: MapiValue;
}

/** Smallest encoding of one element of a multi-valued type, to check counts before allocating. */
function minimumElementSize(type: number, context: PropertyCodecContext): number {
  switch (type & ~0x1000) {
    case PropertyType.PtypInteger16:
      return 2;
    case PropertyType.PtypInteger32:
    case PropertyType.PtypFloating32:
      return 4;
    case PropertyType.PtypString8:
      return 1;
    case PropertyType.PtypString:
      return 2;
    case PropertyType.PtypGuid:
      return 16;
    case PropertyType.PtypBinary:
      return context.wideCounts ? 4 : 2;
    default:
      return 8;
  }
}

function readBinary(reader: ByteReader, context: PropertyCodecContext): Uint8Array {
  const size = context.wideCounts ? reader.u32() : reader.u16();
  return reader.bytesCopy(size);
}

function writeBinary(writer: ByteWriter, bytes: Uint8Array, context: PropertyCodecContext): void {
  const max = context.wideCounts ? 0xffffffff : 0xffff;
  if (bytes.length > max) throw new InvalidArgumentError(`A binary value holds at most ${max} bytes here`);
  if (context.wideCounts) writer.u32(bytes.length);
  else writer.u16(bytes.length);
  writer.bytes(bytes);
}

function readScalar(
  reader: ByteReader,
  type: number,
  context: PropertyCodecContext,
  depth: number,
): MapiValue {
  switch (type) {
    case PropertyType.PtypNull:
      return null;
    case PropertyType.PtypInteger16:
      return reader.i16();
    case PropertyType.PtypInteger32:
      return reader.i32();
    case PropertyType.PtypFloating32:
      return reader.f32();
    case PropertyType.PtypFloating64:
    case PropertyType.PtypFloatingTime:
      return reader.f64();
    case PropertyType.PtypCurrency:
      return BigInt.asIntN(64, reader.u64());
    case PropertyType.PtypErrorCode:
      return reader.u32();
    case PropertyType.PtypBoolean:
      // One byte in ROP buffers (MS-OXCDATA 2.11.1); any non-zero value reads as true.
      return reader.u8() !== 0;
    case PropertyType.PtypInteger64:
    case PropertyType.PtypTime:
      return reader.u64();
    case PropertyType.PtypString8:
      return readString8(reader);
    case PropertyType.PtypString:
      return readUnicodeString(reader);
    case PropertyType.PtypGuid:
      return readGuid(reader);
    case PropertyType.PtypServerId:
      // A 16-bit COUNT, then the PtypServerId structure (MS-OXCDATA 2.11.1.4), kept raw.
      return reader.bytesCopy(reader.u16());
    case PropertyType.PtypRestriction:
      return readRestriction(reader, context, depth + 1);
    case PropertyType.PtypRuleAction:
      return readRuleActions(reader, context);
    case PropertyType.PtypBinary:
      return readBinary(reader, context);
    case PropertyType.PtypObject:
      throw new ParseError("PtypObject values are not transferred in buffers (MS-OXCDATA 2.11.1.5)", {
        offset: reader.offset,
      });
    default:
      throw new ParseError(`Property type ${propertyTypeName(type)} has no value encoding`, {
        offset: reader.offset,
      });
  }
}

/**
 * PropertyValue (MS-OXCDATA 2.11.2.1): the bare value of a property of `type`. Multi-valued
 * counts are checked against the bytes left before any array is built.
 */
export function readPropertyValue(
  reader: ByteReader,
  type: number,
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
  depth = 0,
): MapiValue {
  if ((type & 0x1000) === 0) return readScalar(reader, type, context, depth);
  const element = type & ~0x1000;
  if (!isMultiValuableBase(element)) {
    throw new ParseError(`Property type ${propertyTypeName(type)} is not a multi-valued type`, {
      offset: reader.offset,
    });
  }
  const countOffset = reader.offset;
  const count = reader.u32();
  const minimum = minimumElementSize(type, context);
  if (count > reader.remaining / minimum) {
    throw new ParseError(`Multi-valued count ${count} cannot fit in the ${reader.remaining} bytes left`, {
      offset: countOffset,
    });
  }
  const values: MapiValue[] = [];
  for (let i = 0; i < count; i++) values.push(readScalar(reader, element, context, depth));
  return values as MapiValue;
}

const MULTI_VALUABLE = new Set<number>([
  PropertyType.PtypInteger16,
  PropertyType.PtypInteger32,
  PropertyType.PtypFloating32,
  PropertyType.PtypFloating64,
  PropertyType.PtypCurrency,
  PropertyType.PtypFloatingTime,
  PropertyType.PtypInteger64,
  PropertyType.PtypString8,
  PropertyType.PtypString,
  PropertyType.PtypTime,
  PropertyType.PtypGuid,
  PropertyType.PtypBinary,
]);

function isMultiValuableBase(type: number): boolean {
  return MULTI_VALUABLE.has(type);
}

function mismatch(type: number, value: unknown): never {
  const shown = typeof value === "object" ? Object.prototype.toString.call(value) : typeof value;
  throw new InvalidArgumentError(`A ${propertyTypeName(type)} value cannot be a ${shown}`);
}

function expectNumber(type: number, value: MapiValue): number {
  if (typeof value !== "number") mismatch(type, value);
  return value;
}

function expectInteger(type: number, value: MapiValue, min: number, max: number): number {
  const n = expectNumber(type, value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${propertyTypeName(type)} value ${n} is out of range`);
  }
  return n;
}

function expectBigint(type: number, value: MapiValue): bigint {
  if (typeof value !== "bigint") mismatch(type, value);
  return value;
}

function writeScalar(
  writer: ByteWriter,
  type: number,
  value: MapiValue,
  context: PropertyCodecContext,
): void {
  switch (type) {
    case PropertyType.PtypNull:
      if (value !== null) mismatch(type, value);
      return;
    case PropertyType.PtypInteger16:
      writer.u16(expectInteger(type, value, -0x8000, 0xffff) & 0xffff);
      return;
    case PropertyType.PtypInteger32:
      writer.u32(expectInteger(type, value, -0x80000000, 0xffffffff) >>> 0);
      return;
    case PropertyType.PtypErrorCode:
      writer.u32(expectInteger(type, value, -0x80000000, 0xffffffff) >>> 0);
      return;
    case PropertyType.PtypFloating32:
      writer.f32(expectNumber(type, value));
      return;
    case PropertyType.PtypFloating64:
    case PropertyType.PtypFloatingTime:
      writer.f64(expectNumber(type, value));
      return;
    case PropertyType.PtypCurrency:
    case PropertyType.PtypInteger64:
    case PropertyType.PtypTime:
      writer.u64(BigInt.asUintN(64, expectBigint(type, value)));
      return;
    case PropertyType.PtypBoolean:
      if (typeof value !== "boolean") mismatch(type, value);
      writer.u8(value ? 1 : 0);
      return;
    case PropertyType.PtypString8:
      if (typeof value !== "string") mismatch(type, value);
      writeString8(writer, value);
      return;
    case PropertyType.PtypString:
      if (typeof value !== "string") mismatch(type, value);
      writeUnicodeString(writer, value);
      return;
    case PropertyType.PtypGuid:
      if (typeof value !== "string") mismatch(type, value);
      writeGuid(writer, value);
      return;
    case PropertyType.PtypServerId:
      if (!(value instanceof Uint8Array)) mismatch(type, value);
      if (value.length > 0xffff) throw new InvalidArgumentError("A PtypServerId holds at most 65535 bytes");
      writer.u16(value.length).bytes(value);
      return;
    case PropertyType.PtypBinary:
      if (!(value instanceof Uint8Array)) mismatch(type, value);
      writeBinary(writer, value, context);
      return;
    case PropertyType.PtypRestriction:
      if (value === null || typeof value !== "object" || !("kind" in value)) mismatch(type, value);
      writeRestriction(writer, value, context);
      return;
    case PropertyType.PtypRuleAction:
      if (value === null || typeof value !== "object" || !("actions" in value)) mismatch(type, value);
      writeRuleActions(writer, value, context);
      return;
    default:
      throw new InvalidArgumentError(`Property type ${propertyTypeName(type)} has no value encoding`);
  }
}

export function writePropertyValue(
  writer: ByteWriter,
  type: number,
  value: MapiValue,
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
): void {
  if ((type & 0x1000) === 0) {
    writeScalar(writer, type, value, context);
    return;
  }
  const element = type & ~0x1000;
  if (!isMultiValuableBase(element)) {
    throw new InvalidArgumentError(`Property type ${propertyTypeName(type)} is not a multi-valued type`);
  }
  if (!Array.isArray(value)) mismatch(type, value);
  const values = value as readonly MapiValue[];
  writer.u32(values.length);
  for (const item of values) writeScalar(writer, element, item, context);
}

export function readTypedPropertyValue(
  reader: ByteReader,
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
  depth = 0,
): TypedPropertyValue {
  const type = reader.u16();
  return { type, value: readPropertyValue(reader, type, context, depth) };
}

export function writeTypedPropertyValue(
  writer: ByteWriter,
  typed: TypedPropertyValue,
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
): void {
  writer.u16(typed.type);
  writePropertyValue(writer, typed.type, typed.value, context);
}

export function readTaggedPropertyValue(
  reader: ByteReader,
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
  depth = 0,
): TaggedPropertyValue {
  const tag = reader.u32();
  return { tag, value: readPropertyValue(reader, propertyTagType(tag), context, depth) };
}

export function writeTaggedPropertyValue(
  writer: ByteWriter,
  tagged: TaggedPropertyValue,
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
): void {
  writer.u32(tagged.tag);
  try {
    writePropertyValue(writer, propertyTagType(tagged.tag), tagged.value, context);
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      throw new InvalidArgumentError(`${formatPropertyTag(tagged.tag)}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** Fails with LimitExceededError when `depth` passes the restriction nesting bound. */
export function checkDepth(depth: number, max: number, offset: number): void {
  if (depth > max) {
    throw new LimitExceededError(`Restrictions nest deeper than ${max} levels`, {
      limit: "maxRestrictionDepth",
      max,
      details: { offset },
    });
  }
}
