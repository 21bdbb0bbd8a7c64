import {
  type ByteReader,
  type ByteWriter,
  fromUtf16le,
  InvalidArgumentError,
  ParseError,
  utf16le,
} from "@mailwire/core";
import { type Guid, readGuid, writeGuid } from "./guid.js";

/** PropertyName.Kind (MS-OXCDATA 2.6.1). */
export const PropertyNameKind = {
  /** Identified by a 32-bit LID. */
  MNID_ID: 0x00,
  /** Identified by a Unicode name. */
  MNID_STRING: 0x01,
  /** No name (a property ID below 0x8000 asked of RopGetNamesFromPropertyIds). */
  None: 0xff,
} as const;

/** Well-known property sets (MS-OXPROPS 1.3.2). */
export const PropertySet = {
  PS_MAPI: "00020328-0000-0000-c000-000000000046",
  PS_PUBLIC_STRINGS: "00020329-0000-0000-c000-000000000046",
  PS_INTERNET_HEADERS: "00020386-0000-0000-c000-000000000046",
  PSETID_Appointment: "00062002-0000-0000-c000-000000000046",
  PSETID_Task: "00062003-0000-0000-c000-000000000046",
  PSETID_Address: "00062004-0000-0000-c000-000000000046",
  PSETID_Common: "00062008-0000-0000-c000-000000000046",
  PSETID_Log: "0006200a-0000-0000-c000-000000000046",
  PSETID_Note: "0006200e-0000-0000-c000-000000000046",
  PSETID_Meeting: "6ed8da90-450b-101b-98da-00aa003f1305",
} as const;

export type PropertyName =
  | { readonly kind: "id"; readonly guid: Guid; readonly lid: number }
  | { readonly kind: "name"; readonly guid: Guid; readonly name: string }
  | { readonly kind: "none" };

/**
 * PropertyName (MS-OXCDATA 2.6.1): Kind, GUID, then a LID or NameSize plus a UTF-16LE
 * name. NameSize counts the bytes of Name including its terminating null character.
 */
export function readPropertyName(reader: ByteReader): PropertyName {
  const offset = reader.offset;
  const kind = reader.u8();
  // Kind 0xFF stands alone: servers send no GUID after it (as Microsoft's MAPI Inspector parses it).
  if (kind === PropertyNameKind.None) return { kind: "none" };
  const guid = readGuid(reader);
  if (kind === PropertyNameKind.MNID_ID) return { kind: "id", guid, lid: reader.u32() };
  if (kind !== PropertyNameKind.MNID_STRING) {
    throw new ParseError(`Unknown PropertyName Kind 0x${kind.toString(16)}`, { offset });
  }
  const sizeOffset = reader.offset;
  const size = reader.u8();
  if (size < 2 || size % 2 !== 0) {
    throw new ParseError(`PropertyName NameSize ${size} is not a null-terminated UTF-16 string`, {
      offset: sizeOffset,
    });
  }
  const bytes = reader.bytesView(size);
  if (bytes[size - 1] !== 0 || bytes[size - 2] !== 0) {
    throw new ParseError("PropertyName Name is not null-terminated", { offset: sizeOffset });
  }
  return { kind: "name", guid, name: fromUtf16le(bytes.subarray(0, size - 2)) };
}

export function writePropertyName(writer: ByteWriter, name: PropertyName): void {
  switch (name.kind) {
    case "none":
      writer.u8(PropertyNameKind.None);
      return;
    case "id":
      if (!Number.isInteger(name.lid) || name.lid < 0 || name.lid > 0xffffffff) {
        throw new InvalidArgumentError("A LID is a 32-bit unsigned integer");
      }
      writer.u8(PropertyNameKind.MNID_ID);
      writeGuid(writer, name.guid);
      writer.u32(name.lid);
      return;
    case "name": {
      if (name.name.includes("\0")) throw new InvalidArgumentError("A property name cannot contain U+0000");
      const bytes = utf16le(name.name);
      // NameSize is one byte: at most 126 characters plus the terminator.
      if (bytes.length + 2 > 0xff)
        throw new InvalidArgumentError("A property name is at most 126 UTF-16 code units");
      writer.u8(PropertyNameKind.MNID_STRING);
      writeGuid(writer, name.guid);
      writer
        .u8(bytes.length + 2)
        .bytes(bytes)
        .u16(0);
      return;
    }
  }
}
