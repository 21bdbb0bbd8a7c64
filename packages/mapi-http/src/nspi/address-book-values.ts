import {
  type ByteReader,
  type ByteWriter,
  InvalidArgumentError,
  LimitExceededError,
  ParseError,
} from "@mailwire/core";
import {
  EXTENDED_CONTEXT,
  type MapiValue,
  type PropertyTag,
  PropertyType,
  propertyTagType,
  readPropertyValue,
  writePropertyValue,
} from "@mailwire/mapi";
import { NspiLimits } from "./nspi-limits.js";

// The address book's own property value encodings (MS-OXCMAPIHTTP 2.2.1.1-2.2.1.8). They
// wrap MS-OXCDATA 2.11.2.1 PropertyValue with 32-bit counts (the EXTENDED_CONTEXT) and add a
// HasValue byte before strings, binaries and multi-valued types.

/** One property of one address book object: its value, an error code, or nothing. */
export type AddressBookCell =
  | { readonly kind: "value"; readonly type: number; readonly value: MapiValue }
  | { readonly kind: "error"; readonly type: number; readonly error: number }
  | { readonly kind: "absent"; readonly type: number };

/** A row of an address book table: one cell per requested column, in column order. */
export type AddressBookRow = readonly AddressBookCell[];

/** AddressBookTaggedPropertyValue (2.2.1.2); `value` is undefined when HasValue was 0. */
export interface AddressBookTaggedValue {
  readonly tag: PropertyTag;
  readonly value: MapiValue | undefined;
}

/** Rows returned with the columns they were read with. */
export interface ColumnsAndRows {
  readonly columns: readonly PropertyTag[];
  readonly rows: readonly AddressBookRow[];
}

const FLAG_VALUE = 0x0;
const FLAG_ABSENT = 0x1;
const FLAG_ERROR = 0xa;

/** 2.2.1.1: which types carry a HasValue byte. */
function hasValueByte(type: number): boolean {
  return (
    type === PropertyType.PtypString ||
    type === PropertyType.PtypString8 ||
    type === PropertyType.PtypBinary ||
    (type & 0x1000) !== 0
  );
}

/** Fails unless `count` elements of at least `minimum` bytes each can fit in what is left. */
export function checkCount(
  reader: ByteReader,
  count: number,
  minimum: number,
  max: number,
  what: string,
  offset: number,
): void {
  if (count > max) {
    throw new LimitExceededError(`${what} count ${count} exceeds ${max}`, { limit: what, max });
  }
  if (count * minimum > reader.remaining) {
    throw new ParseError(`${what} count ${count} cannot fit in the ${reader.remaining} bytes left`, {
      offset,
    });
  }
}

/** AddressBookPropertyValue (2.2.1.1). */
export function readAddressBookValue(reader: ByteReader, type: number): MapiValue | undefined {
  if (hasValueByte(type) && reader.u8() === 0) return undefined;
  return readPropertyValue(reader, type, EXTENDED_CONTEXT);
}

export function writeAddressBookValue(writer: ByteWriter, type: number, value: MapiValue | undefined): void {
  if (hasValueByte(type)) {
    writer.u8(value === undefined ? 0 : 1);
    if (value === undefined) return;
  } else if (value === undefined) {
    throw new InvalidArgumentError(
      `A 0x${type.toString(16)} value cannot be left out: only strings, binaries and multi-valued types have HasValue`,
    );
  }
  writePropertyValue(writer, type, value, EXTENDED_CONTEXT);
}

/** AddressBookTaggedPropertyValue (2.2.1.2): PropertyType, PropertyId, value (= the tag as a little-endian u32). */
export function readTaggedValue(reader: ByteReader): AddressBookTaggedValue {
  const tag = reader.u32();
  return { tag, value: readAddressBookValue(reader, propertyTagType(tag)) };
}

export function writeTaggedValue(writer: ByteWriter, tagged: AddressBookTaggedValue): void {
  writer.u32(tagged.tag >>> 0);
  writeAddressBookValue(writer, propertyTagType(tagged.tag), tagged.value);
}

/** AddressBookPropertyValueList (2.2.1.3). */
export function readValueList(reader: ByteReader): readonly AddressBookTaggedValue[] {
  const offset = reader.offset;
  const count = reader.u32();
  checkCount(reader, count, 4, NspiLimits.maxPropertyValues, "PropertyValueCount", offset);
  const values: AddressBookTaggedValue[] = [];
  for (let i = 0; i < count; i++) values.push(readTaggedValue(reader));
  return values;
}

export function writeValueList(writer: ByteWriter, values: readonly AddressBookTaggedValue[]): void {
  writer.u32(values.length);
  for (const value of values) writeTaggedValue(writer, value);
}

/** LargePropertyTagArray (2.2.1.8). */
export function readTagArray(reader: ByteReader): readonly PropertyTag[] {
  const offset = reader.offset;
  const count = reader.u32();
  checkCount(reader, count, 4, NspiLimits.maxColumns, "PropertyTagCount", offset);
  const tags: PropertyTag[] = [];
  for (let i = 0; i < count; i++) tags.push(reader.u32());
  return tags;
}

export function writeTagArray(writer: ByteWriter, tags: readonly PropertyTag[]): void {
  writer.u32(tags.length);
  for (const tag of tags) writer.u32(tag >>> 0);
}

/**
 * AddressBookPropertyRow (2.2.1.7). Flags 0: every cell is a plain value (typed when its
 * column is PtypUnspecified, 2.2.1.4); Flags 1: every cell starts with a flag byte saying
 * value, missing or error (2.2.1.5, 2.2.1.6).
 */
export function readRow(reader: ByteReader, columns: readonly PropertyTag[]): AddressBookRow {
  const flagsOffset = reader.offset;
  const flags = reader.u8();
  if (flags !== 0 && flags !== 1) {
    throw new ParseError(`AddressBookPropertyRow Flags 0x${flags.toString(16)} is neither 0 nor 1`, {
      offset: flagsOffset,
    });
  }
  const cells: AddressBookCell[] = [];
  for (const column of columns) {
    const columnType = propertyTagType(column);
    const untyped = columnType === PropertyType.PtypUnspecified;
    if (flags === 0) {
      const type = untyped ? reader.u16() : columnType;
      cells.push(plainCell(type, readAddressBookValue(reader, type)));
      continue;
    }
    const type = untyped ? reader.u16() : columnType;
    const flagOffset = reader.offset;
    const flag = reader.u8();
    if (flag === FLAG_VALUE) cells.push(plainCell(type, readAddressBookValue(reader, type)));
    else if (flag === FLAG_ABSENT) cells.push({ kind: "absent", type });
    else if (flag === FLAG_ERROR) cells.push({ kind: "error", type, error: reader.u32() });
    else throw new ParseError(`Unknown property flag 0x${flag.toString(16)}`, { offset: flagOffset });
  }
  return cells;
}

function plainCell(type: number, value: MapiValue | undefined): AddressBookCell {
  return value === undefined ? { kind: "absent", type } : { kind: "value", type, value };
}

export function writeRow(writer: ByteWriter, columns: readonly PropertyTag[], row: AddressBookRow): void {
  if (row.length !== columns.length) {
    throw new InvalidArgumentError(`A row has ${row.length} cells for ${columns.length} columns`);
  }
  const flagged = row.some((cell) => cell.kind !== "value");
  writer.u8(flagged ? 1 : 0);
  row.forEach((cell, i) => {
    const columnType = propertyTagType(columns[i] as number);
    const untyped = columnType === PropertyType.PtypUnspecified;
    if (!untyped && cell.type !== columnType) {
      throw new InvalidArgumentError(
        `Cell ${i} has type 0x${cell.type.toString(16)}, its column 0x${columnType.toString(16)}`,
      );
    }
    if (untyped) writer.u16(cell.type);
    if (!flagged) {
      if (cell.kind === "value") writeAddressBookValue(writer, cell.type, cell.value);
      return;
    }
    if (cell.kind === "value") {
      writer.u8(FLAG_VALUE);
      writeAddressBookValue(writer, cell.type, cell.value);
    } else if (cell.kind === "absent") {
      writer.u8(FLAG_ABSENT);
    } else {
      writer.u8(FLAG_ERROR).u32(cell.error >>> 0);
    }
  });
}

/** Columns (LargePropertyTagArray), RowCount, RowData: the block behind HasColsAndRows. */
export function readColumnsAndRows(reader: ByteReader): ColumnsAndRows {
  const columns = readTagArray(reader);
  const offset = reader.offset;
  const count = reader.u32();
  // Each row is at least its Flags byte.
  checkCount(reader, count, 1, NspiLimits.maxRows, "RowCount", offset);
  const rows: AddressBookRow[] = [];
  for (let i = 0; i < count; i++) rows.push(readRow(reader, columns));
  return { columns, rows };
}

export function writeColumnsAndRows(writer: ByteWriter, block: ColumnsAndRows): void {
  writeTagArray(writer, block.columns);
  writer.u32(block.rows.length);
  for (const row of block.rows) writeRow(writer, block.columns, row);
}
