import { ByteReader, type ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import { type PropertyRow, readPropertyRow, writePropertyRow } from "./property-row.js";
import type { PropertyTag } from "./property-tag.js";
import { readString8, readUnicodeString, writeString8, writeUnicodeString } from "./strings.js";

/**
 * RecipientFlags (MS-OXCDATA 2.8.3.1). The spec draws the field most-significant bit first in
 * each byte; as a little-endian u16 the bits are these.
 */
export const RecipientFlag = {
  /** Reserved. */
  R: 0x0080,
  /** SendNoRichInfo. */
  S: 0x0040,
  /** TransmittableDisplayName present. */
  T: 0x0020,
  /** DisplayName present. */
  D: 0x0010,
  /** EmailAddress present. */
  E: 0x0008,
  /** Mask of the 3-bit address Type (RecipientAddressType). */
  TypeMask: 0x0007,
  /** AddressType present (only with Type NoType). */
  O: 0x8000,
  /** SimpleDisplayName present. */
  I: 0x0400,
  /** Strings are UTF-16LE rather than 8-bit. */
  U: 0x0200,
  /** Non-TNEF. */
  N: 0x0100,
} as const;

/** RecipientFlags.Type (MS-OXCDATA 2.8.3.1). */
export const RecipientAddressType = {
  NoType: 0x0,
  X500DN: 0x1,
  MsMail: 0x2,
  SMTP: 0x3,
  Fax: 0x4,
  ProfessionalOfficeSystem: 0x5,
  PersonalDistributionList1: 0x6,
  PersonalDistributionList2: 0x7,
} as const;

/**
 * RecipientRow (MS-OXCDATA 2.8.3.2). Which optional fields exist is decided by
 * `recipientFlags`; the encoder requires exactly those.
 */
export interface RecipientRow {
  readonly recipientFlags: number;
  readonly addressPrefixUsed?: number;
  readonly displayType?: number;
  readonly x500Dn?: string;
  readonly entryId?: Uint8Array;
  readonly searchKey?: Uint8Array;
  readonly addressType?: string;
  readonly emailAddress?: string;
  readonly displayName?: string;
  readonly simpleDisplayName?: string;
  readonly transmittableDisplayName?: string;
  /** How many of the leading recipient columns `recipientProperties` covers. */
  readonly recipientColumnCount: number;
  readonly recipientProperties: PropertyRow;
}

const STRING_FIELDS = [
  [RecipientFlag.E, "emailAddress"],
  [RecipientFlag.D, "displayName"],
  [RecipientFlag.I, "simpleDisplayName"],
  [RecipientFlag.T, "transmittableDisplayName"],
] as const;

/** Reads one RecipientRow; `columns` are the recipient columns of the message (RopOpenMessage). */
export function readRecipientRow(reader: ByteReader, columns: readonly PropertyTag[]): RecipientRow {
  const flags = reader.u16();
  const type = flags & RecipientFlag.TypeMask;
  const unicode = (flags & RecipientFlag.U) !== 0;
  const row: Record<string, unknown> = { recipientFlags: flags };
  if (type === RecipientAddressType.X500DN) {
    row.addressPrefixUsed = reader.u8();
    row.displayType = reader.u8();
    row.x500Dn = readString8(reader, "X500DN");
  } else if (
    type === RecipientAddressType.PersonalDistributionList1 ||
    type === RecipientAddressType.PersonalDistributionList2
  ) {
    row.entryId = reader.bytesCopy(reader.u16());
    row.searchKey = reader.bytesCopy(reader.u16());
  } else if (type === RecipientAddressType.NoType && flags & RecipientFlag.O) {
    row.addressType = readString8(reader, "AddressType");
  }
  for (const [bit, name] of STRING_FIELDS) {
    if (flags & bit) row[name] = unicode ? readUnicodeString(reader, name) : readString8(reader, name);
  }
  const countOffset = reader.offset;
  const count = reader.u16();
  if (count > columns.length) {
    throw new ParseError(`RecipientColumnCount ${count} exceeds the ${columns.length} recipient columns`, {
      offset: countOffset,
    });
  }
  row.recipientColumnCount = count;
  row.recipientProperties = readPropertyRow(reader, columns.slice(0, count));
  return row as unknown as RecipientRow;
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new InvalidArgumentError(`RecipientRow flags call for ${name}`);
  return value;
}

export function writeRecipientRow(
  writer: ByteWriter,
  columns: readonly PropertyTag[],
  row: RecipientRow,
): void {
  const flags = row.recipientFlags;
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffff)
    throw new InvalidArgumentError("RecipientFlags is 16 bits");
  const type = flags & RecipientFlag.TypeMask;
  const unicode = (flags & RecipientFlag.U) !== 0;
  writer.u16(flags);
  if (type === RecipientAddressType.X500DN) {
    writer
      .u8(required(row.addressPrefixUsed, "addressPrefixUsed"))
      .u8(required(row.displayType, "displayType"));
    writeString8(writer, required(row.x500Dn, "x500Dn"));
  } else if (
    type === RecipientAddressType.PersonalDistributionList1 ||
    type === RecipientAddressType.PersonalDistributionList2
  ) {
    const entryId = required(row.entryId, "entryId");
    const searchKey = required(row.searchKey, "searchKey");
    writer.u16(entryId.length).bytes(entryId).u16(searchKey.length).bytes(searchKey);
  } else if (type === RecipientAddressType.NoType && flags & RecipientFlag.O) {
    writeString8(writer, required(row.addressType, "addressType"));
  }
  for (const [bit, name] of STRING_FIELDS) {
    if (!(flags & bit)) continue;
    const text = required(row[name], name);
    if (unicode) writeUnicodeString(writer, text);
    else writeString8(writer, text);
  }
  if (row.recipientColumnCount > columns.length) {
    throw new InvalidArgumentError("recipientColumnCount exceeds the recipient columns");
  }
  writer.u16(row.recipientColumnCount);
  writePropertyRow(writer, columns.slice(0, row.recipientColumnCount), row.recipientProperties);
}

/** A RecipientRow that must fill exactly `size` bytes (the RecipientRowSize before it). */
export function readSizedRecipientRow(
  reader: ByteReader,
  size: number,
  columns: readonly PropertyTag[],
): RecipientRow {
  const start = reader.offset;
  reader.need(size, "RecipientRow");
  const inner = new ByteReader(reader.bytes, start, start + size);
  const row = readRecipientRow(inner, columns);
  if (inner.remaining !== 0) {
    throw new ParseError(`RecipientRow is ${inner.offset - start} bytes, RecipientRowSize says ${size}`, {
      offset: start,
    });
  }
  reader.skip(size);
  return row;
}
