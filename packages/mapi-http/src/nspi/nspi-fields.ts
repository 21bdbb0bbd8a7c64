import { type ByteReader, type ByteWriter, InvalidArgumentError } from "@mailwire/core";
import {
  EXTENDED_CONTEXT,
  type Guid,
  type PropertyTag,
  type Restriction,
  readGuid,
  readRestriction,
  readStat,
  type Stat,
  writeGuid,
  writeRestriction,
  writeStat,
} from "@mailwire/mapi";
import { readAsciiZ, readUnicodeZ, writeAsciiZ, writeUnicodeZ } from "../codec/body-fields.js";
import {
  type AddressBookTaggedValue,
  type ColumnsAndRows,
  checkCount,
  readColumnsAndRows,
  readTagArray,
  readTaggedValue,
  readValueList,
  writeColumnsAndRows,
  writeTagArray,
  writeTaggedValue,
  writeValueList,
} from "./address-book-values.js";
import type { Field } from "./nspi-body.js";
import { NspiLimits } from "./nspi-limits.js";

// The field types the address book bodies are built from (MS-OXCMAPIHTTP 2.2.5, 2.2.1).

function uint32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidArgumentError(`${what} must be a 32-bit unsigned integer`);
  }
  return value;
}

export const u32: Field<number> = {
  read: (reader) => reader.u32(),
  write: (writer, value) => {
    writer.u32(uint32(value, "A 32-bit field"));
  },
};

export const i32: Field<number> = {
  read: (reader) => reader.i32(),
  write: (writer, value) => {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new InvalidArgumentError("A signed 32-bit field is out of range");
    }
    writer.i32(value);
  },
};

/** A one-byte Boolean that is not a presence flag (UpdateStat's DeltaRequested). */
export const bool: Field<boolean> = {
  read: (reader) => reader.u8() !== 0,
  write: (writer, value) => {
    writer.u8(value ? 1 : 0);
  },
};

/** STAT (MS-OXNSPI 2.2.8), 36 bytes. */
export const stat: Field<Stat> = { read: readStat, write: writeStat };

/** A 16-byte GUID (the server GUID of Bind). */
export const guid: Field<Guid> = { read: readGuid, write: writeGuid };

/** A null-terminated 8-bit string (DNs). */
export const asciiZ: Field<string> = {
  read: (reader) => readAsciiZ(reader, "string"),
  write: writeAsciiZ,
};

/** A null-terminated UTF-16LE string. */
export const unicodeZ: Field<string> = {
  read: (reader) => readUnicodeZ(reader, "string"),
  write: (writer, value) => {
    if (value.includes("\0"))
      throw new InvalidArgumentError("A null-terminated string cannot contain U+0000");
    writeUnicodeZ(writer, value);
  },
};

/** LargePropertyTagArray (2.2.1.8). */
export const tagArray: Field<readonly PropertyTag[]> = { read: readTagArray, write: writeTagArray };

/** AddressBookPropertyValueList (2.2.1.3). */
export const valueList: Field<readonly AddressBookTaggedValue[]> = {
  read: readValueList,
  write: writeValueList,
};

/** AddressBookTaggedPropertyValue (2.2.1.2). */
export const taggedValue: Field<AddressBookTaggedValue> = { read: readTaggedValue, write: writeTaggedValue };

/** Columns, RowCount, RowData: the part behind HasColsAndRows. */
export const columnsAndRows: Field<ColumnsAndRows> = { read: readColumnsAndRows, write: writeColumnsAndRows };

/** A restriction (MS-OXCDATA 2.12) with the 32-bit counts of the address book. */
export const restriction: Field<Restriction> = {
  read: (reader) => readRestriction(reader, EXTENDED_CONTEXT),
  write: (writer, value) => writeRestriction(writer, value, EXTENDED_CONTEXT),
};

/** GetMatches' PropertyNameGuid and PropertyNameId. */
export interface NspiPropertyName {
  readonly guid: Guid;
  readonly id: number;
}

export const propertyName: Field<NspiPropertyName> = {
  read: (reader) => ({ guid: readGuid(reader), id: reader.u32() }),
  write: (writer, value) => {
    writeGuid(writer, value.guid);
    writer.u32(uint32(value.id, "PropertyNameId"));
  },
};

/**
 * A 32-bit count, then that many elements. `minimum` is the smallest element's size in
 * bytes: the count is refused before the loop if that many could not fit.
 */
export function counted<T>(
  element: Field<T>,
  minimum: number,
  max: number,
  what: string,
): Field<readonly T[]> {
  return {
    read(reader: ByteReader) {
      const offset = reader.offset;
      const count = reader.u32();
      checkCount(reader, count, minimum, max, what, offset);
      const items: T[] = [];
      for (let i = 0; i < count; i++) items.push(element.read(reader));
      return items;
    },
    write(writer: ByteWriter, items: readonly T[]) {
      writer.u32(items.length);
      for (const item of items) element.write(writer, item);
    },
  };
}

/** Minimal Entry IDs (MS-OXNSPI 2.2.9.1): a count and 32-bit IDs. */
export const minimalIds = counted(u32, 4, NspiLimits.maxMinimalIds, "MinimalIdCount");
/** DNs (StringArray_r): a count and null-terminated 8-bit strings. */
export const asciiNames = counted(asciiZ, 1, NspiLimits.maxNames, "NameCount");
/** Names (WStringArray_r): a count and null-terminated UTF-16 strings. */
export const unicodeNames = counted(unicodeZ, 2, NspiLimits.maxNames, "NameCount");
/** GetSpecialTable rows: a count and AddressBookPropertyValueLists (each at least its 4-byte count). */
export const valueLists = counted(valueList, 4, NspiLimits.maxRows, "RowCount");
