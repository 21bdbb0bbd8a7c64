import { LimitExceededError, ParseError } from "@mailwire/core";
import type { NdrReader } from "../ndr/ndr-reader.js";
import type { NdrWriter } from "../ndr/ndr-writer.js";

// Property values, rows and tag arrays of NSPI (MS-OXNSPI 2.2.2 and the appendix A IDL) in
// NDR: PropertyValue_r holds a non-encapsulated union switched on the tag's property type (the
// discriminant is sent as a long before the arm); strings, binaries and multi-value arrays are
// pointers whose pointees follow the array of values, each pointee's own pointees right after
// it (C706 14.3.12.3, deferred pointers).

/** Bounds for decoded NSPI data (the IDL's [range] limits). */
export const NspiLimits = {
  maxRows: 100_000,
  maxValues: 100_000,
  maxBinary: 2_097_152,
} as const;

export type NspiValue =
  | number
  | boolean
  | string
  | Uint8Array
  | bigint
  | readonly number[]
  | readonly string[]
  | readonly Uint8Array[]
  | readonly bigint[]
  | { readonly error: number }
  | null;

export interface NspiProperty {
  readonly tag: number;
  readonly value: NspiValue;
}

export type NspiRow = readonly NspiProperty[];

/** Property types (MS-OXCDATA 2.11.1) with an arm in PROP_VAL_UNION. */
const PT = {
  Null: 0x0001,
  Short: 0x0002,
  Long: 0x0003,
  ErrorCode: 0x000a,
  Boolean: 0x000b,
  Object: 0x000d,
  String8: 0x001e,
  Unicode: 0x001f,
  SysTime: 0x0040,
  Guid: 0x0048,
  Binary: 0x0102,
  MvShort: 0x1002,
  MvLong: 0x1003,
  MvString8: 0x101e,
  MvUnicode: 0x101f,
  MvSysTime: 0x1040,
  MvGuid: 0x1048,
  MvBinary: 0x1102,
} as const;

function count(reader: NdrReader, max: number, what: string): number {
  const value = reader.u32();
  if (value > max) throw new LimitExceededError(`${what} of ${value} exceeds ${max}`, { limit: what, max });
  return value;
}

/** A [size_is(n)] pointee starts with its max_count, which must be the count sent before it. */
function conformance(reader: NdrReader, expected: number, what: string): void {
  const maxCount = reader.u32();
  if (maxCount !== expected) throw new ParseError(`${what}: max_count ${maxCount}, expected ${expected}`);
}

type Deferred = () => void;

/** Reads one PropertyValue_r's inline part; pointees are queued in `deferred`. */
function readValueInline(reader: NdrReader, deferred: Deferred[], set: (value: NspiValue) => void): number {
  const tag = reader.u32();
  reader.u32(); // ulReserved
  const discriminant = reader.u32();
  const type = tag & 0xffff;
  if (discriminant !== type) {
    throw new ParseError(`PROP_VAL_UNION switch ${discriminant} for tag 0x${(tag >>> 0).toString(16)}`);
  }
  switch (type) {
    case PT.Short:
      set((reader.u16() << 16) >> 16);
      break;
    case PT.Long:
      set(reader.i32());
      break;
    case PT.ErrorCode:
      set({ error: reader.u32() });
      break;
    case PT.Boolean:
      set(reader.u16() !== 0);
      break;
    case PT.Null:
    case PT.Object:
      reader.u32(); // lReserved
      set(null);
      break;
    case PT.SysTime: {
      const low = reader.u32();
      const high = reader.u32();
      set((BigInt(high) << 32n) | BigInt(low));
      break;
    }
    case PT.String8:
    case PT.Unicode:
      if (reader.pointer() === 0) set(null);
      else deferred.push(() => set(type === PT.Unicode ? reader.utf16String() : reader.asciiString()));
      break;
    case PT.Guid:
      if (reader.pointer() === 0) set(null);
      else deferred.push(() => set(reader.bytes(16)));
      break;
    case PT.Binary: {
      const cb = count(reader, NspiLimits.maxBinary, "binaryLength");
      if (reader.pointer() === 0) set(cb === 0 ? new Uint8Array(0) : null);
      else
        deferred.push(() => {
          conformance(reader, cb, "Binary_r");
          set(reader.bytes(cb));
        });
      break;
    }
    case PT.MvShort:
    case PT.MvLong:
    case PT.MvString8:
    case PT.MvUnicode:
    case PT.MvBinary:
    case PT.MvSysTime:
    case PT.MvGuid: {
      const n = count(reader, NspiLimits.maxValues, "multiValueCount");
      if (reader.pointer() === 0) set(null);
      else deferred.push(() => set(readMultiValue(reader, type, n)));
      break;
    }
    default:
      throw new ParseError(`Property type 0x${type.toString(16)} has no PROP_VAL_UNION arm`);
  }
  return tag;
}

function readMultiValue(reader: NdrReader, type: number, n: number): NspiValue {
  conformance(reader, n, "multi-value array");
  switch (type) {
    case PT.MvShort:
      return Array.from({ length: n }, () => (reader.u16() << 16) >> 16);
    case PT.MvLong:
      return Array.from({ length: n }, () => reader.i32());
    case PT.MvGuid:
      return Array.from({ length: n }, () => reader.bytes(16));
    case PT.MvSysTime:
      return Array.from({ length: n }, () => BigInt(reader.u32()) | (BigInt(reader.u32()) << 32n));
    case PT.MvString8:
    case PT.MvUnicode: {
      const present = Array.from({ length: n }, () => reader.pointer() !== 0);
      return present.map((has) =>
        has ? (type === PT.MvUnicode ? reader.utf16String() : reader.asciiString()) : "",
      );
    }
    default: {
      // MvBinary: an array of Binary_r, then each one's bytes.
      const heads = Array.from({ length: n }, () => ({
        cb: count(reader, NspiLimits.maxBinary, "binaryLength"),
        ptr: reader.pointer(),
      }));
      return heads.map(({ cb, ptr }) => {
        if (ptr === 0) return new Uint8Array(0);
        conformance(reader, cb, "Binary_r");
        return reader.bytes(cb);
      });
    }
  }
}

/** The pointee of PropertyRow_r.lpProps: a conformant array of PropertyValue_r, then their pointees. */
function readValues(reader: NdrReader, cValues: number): NspiProperty[] {
  conformance(reader, cValues, "PropertyValue_r array");
  const values: { tag: number; value: NspiValue }[] = [];
  const deferred: Deferred[] = [];
  for (let i = 0; i < cValues; i++) {
    const slot = { tag: 0, value: null as NspiValue };
    slot.tag = readValueInline(reader, deferred, (value) => {
      slot.value = value;
    });
    values.push(slot);
  }
  for (const run of deferred) run();
  return values;
}

/** PropertyRow_r (MS-OXNSPI 2.2.2) behind a unique pointer already read: ulAdrEntryPad, cValues, lpProps, then the values. */
export function readPropertyRow(reader: NdrReader): NspiRow {
  reader.u32(); // ulAdrEntryPad
  const cValues = count(reader, NspiLimits.maxValues, "cValues");
  const lpProps = reader.pointer();
  return lpProps === 0 ? [] : readValues(reader, cValues);
}

/** PropertyRowSet_r: a conformant structure (max_count first, then cRows and the rows). */
export function readPropertyRowSet(reader: NdrReader): NspiRow[] {
  const maxCount = count(reader, NspiLimits.maxRows, "rows");
  const cRows = reader.u32();
  if (cRows !== maxCount) throw new ParseError(`PropertyRowSet_r: cRows ${cRows}, max_count ${maxCount}`);
  const heads = Array.from({ length: cRows }, () => {
    reader.u32(); // ulAdrEntryPad
    return { cValues: count(reader, NspiLimits.maxValues, "cValues"), lpProps: reader.pointer() };
  });
  return heads.map(({ cValues, lpProps }) => (lpProps === 0 ? [] : readValues(reader, cValues)));
}

/**
 * PropertyTagArray_r (MS-OXNSPI 2.2.2): a conformant varying structure, [size_is(cValues + 1),
 * length_is(cValues)]: max_count, cValues, offset, actual_count, then the values.
 */
export function writePropertyTagArray(writer: NdrWriter, values: readonly number[]): void {
  writer
    .u32(values.length + 1)
    .u32(values.length)
    .u32(0)
    .u32(values.length);
  for (const value of values) writer.u32(value);
}

export function readPropertyTagArray(reader: NdrReader): number[] {
  const maxCount = reader.u32();
  const cValues = count(reader, NspiLimits.maxValues, "cValues");
  const offset = reader.u32();
  const actual = reader.u32();
  if (offset !== 0 || actual !== cValues || maxCount < cValues) {
    throw new ParseError(
      `PropertyTagArray_r counts disagree (${maxCount}, ${cValues}, ${offset}, ${actual})`,
    );
  }
  if (cValues * 4 > reader.remaining)
    throw new ParseError(`PropertyTagArray_r: ${cValues} values run past the stub`);
  return Array.from({ length: cValues }, () => reader.u32());
}

/** A row as a map from tag to value, for lookups by tag. */
export function rowMap(row: NspiRow): Map<number, NspiValue> {
  return new Map(row.map((p) => [p.tag >>> 0, p.value]));
}
