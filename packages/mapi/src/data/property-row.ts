import { type ByteReader, type ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import { type PropertyTag, propertyTagType } from "./property-tag.js";
import { cellValueType, PropertyType } from "./property-type.js";
import {
  type MapiValue,
  type PropertyCodecContext,
  ROP_BUFFER_CONTEXT,
  readPropertyValue,
  writePropertyValue,
} from "./property-value.js";

/** FlaggedPropertyValue.Flag (MS-OXCDATA 2.11.5). */
export const PropertyValueFlag = {
  /** The value follows. */
  Present: 0x00,
  /** The property is not set on the object; no value follows. */
  NotFound: 0x01,
  /** A PtypErrorCode follows in place of the value. */
  Error: 0x0a,
} as const;

/** PropertyRow.Flag (MS-OXCDATA 2.8.1). */
export const PropertyRowFlag = {
  Standard: 0x00,
  Flagged: 0x01,
} as const;

/**
 * One column of a row. `type` is the column's type, or — for a PtypUnspecified column —
 * the type the server sent with the value (TypedPropertyValue, MS-OXCDATA 2.11.3, or
 * FlaggedPropertyValueWithType, 2.11.6).
 */
export type PropertyCell =
  | { readonly kind: "value"; readonly type: number; readonly value: MapiValue }
  | { readonly kind: "notFound"; readonly type: number }
  | { readonly kind: "error"; readonly type: number; readonly errorCode: number };

/**
 * PropertyRow (MS-OXCDATA 2.8.1): StandardPropertyRow when every column has a value,
 * FlaggedPropertyRow when any column is missing or in error.
 */
export interface PropertyRow {
  readonly flagged: boolean;
  readonly cells: readonly PropertyCell[];
}

function readFlaggedCell(reader: ByteReader, type: number, context: PropertyCodecContext): PropertyCell {
  const offset = reader.offset;
  const flag = reader.u8();
  switch (flag) {
    case PropertyValueFlag.Present:
      return { kind: "value", type, value: readPropertyValue(reader, cellValueType(type), context) };
    case PropertyValueFlag.NotFound:
      return { kind: "notFound", type };
    case PropertyValueFlag.Error:
      return { kind: "error", type, errorCode: reader.u32() };
    default:
      throw new ParseError(`Unknown FlaggedPropertyValue flag 0x${flag.toString(16)}`, { offset });
  }
}

/** Reads one row laid out by `columns` (the tags a RopSetColumns or request named). */
export function readPropertyRow(
  reader: ByteReader,
  columns: readonly PropertyTag[],
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
): PropertyRow {
  const flagOffset = reader.offset;
  const flag = reader.u8();
  if (flag !== PropertyRowFlag.Standard && flag !== PropertyRowFlag.Flagged) {
    throw new ParseError(`Unknown PropertyRow flag 0x${flag.toString(16)}`, { offset: flagOffset });
  }
  const flagged = flag === PropertyRowFlag.Flagged;
  const cells: PropertyCell[] = [];
  for (const column of columns) {
    let type = propertyTagType(column);
    if (type === PropertyType.PtypUnspecified) type = reader.u16();
    if (flagged) {
      cells.push(readFlaggedCell(reader, type, context));
    } else {
      cells.push({ kind: "value", type, value: readPropertyValue(reader, cellValueType(type), context) });
    }
  }
  return { flagged, cells };
}

export function writePropertyRow(
  writer: ByteWriter,
  columns: readonly PropertyTag[],
  row: PropertyRow,
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
): void {
  if (row.cells.length !== columns.length) {
    throw new InvalidArgumentError(`A row has ${row.cells.length} cells for ${columns.length} columns`);
  }
  if (!row.flagged && row.cells.some((cell) => cell.kind !== "value")) {
    throw new InvalidArgumentError("A standard row cannot carry missing or error cells; set flagged: true");
  }
  writer.u8(row.flagged ? PropertyRowFlag.Flagged : PropertyRowFlag.Standard);
  columns.forEach((column, index) => {
    const cell = row.cells[index] as PropertyCell;
    const columnType = propertyTagType(column);
    if (columnType === PropertyType.PtypUnspecified) writer.u16(cell.type);
    else if (cell.type !== columnType) {
      throw new InvalidArgumentError(
        `Cell ${index} has type 0x${cell.type.toString(16)} in a 0x${columnType.toString(16)} column`,
      );
    }
    if (!row.flagged) {
      if (cell.kind === "value") writePropertyValue(writer, cellValueType(cell.type), cell.value, context);
      return;
    }
    switch (cell.kind) {
      case "value":
        writer.u8(PropertyValueFlag.Present);
        writePropertyValue(writer, cellValueType(cell.type), cell.value, context);
        return;
      case "notFound":
        writer.u8(PropertyValueFlag.NotFound);
        return;
      case "error":
        writer.u8(PropertyValueFlag.Error).u32(cell.errorCode);
        return;
    }
  });
}

/**
 * `count` rows (the RowCount of a RopQueryRows response or a PropertyRowSet, MS-OXCDATA
 * 2.8.2). Each row needs at least its flag byte, so the count is checked against the input
 * before the loop.
 */
export function readPropertyRows(
  reader: ByteReader,
  columns: readonly PropertyTag[],
  count: number,
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
): PropertyRow[] {
  if (count > reader.remaining) {
    throw new ParseError(`RowCount ${count} cannot fit in the ${reader.remaining} bytes left`, {
      offset: reader.offset,
    });
  }
  const rows: PropertyRow[] = [];
  for (let i = 0; i < count; i++) rows.push(readPropertyRow(reader, columns, context));
  return rows;
}

/** PropertyRowSet (MS-OXCDATA 2.8.2): a 16-bit RowCount, then the rows. */
export function readPropertyRowSet(
  reader: ByteReader,
  columns: readonly PropertyTag[],
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
): PropertyRow[] {
  return readPropertyRows(reader, columns, reader.u16(), context);
}

export function writePropertyRowSet(
  writer: ByteWriter,
  columns: readonly PropertyTag[],
  rows: readonly PropertyRow[],
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
): void {
  if (rows.length > 0xffff) throw new InvalidArgumentError("A PropertyRowSet holds at most 65535 rows");
  writer.u16(rows.length);
  for (const row of rows) writePropertyRow(writer, columns, row, context);
}

/** Convenience: the row as tag → value, leaving out missing and error cells. */
export function rowToMap(columns: readonly PropertyTag[], row: PropertyRow): Map<PropertyTag, MapiValue> {
  const map = new Map<PropertyTag, MapiValue>();
  row.cells.forEach((cell, index) => {
    if (cell.kind === "value") map.set(columns[index] as PropertyTag, cell.value);
  });
  return map;
}
