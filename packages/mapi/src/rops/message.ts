import { type ByteReader, ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import type { PropertyTag } from "../data/property-tag.js";
import { type RecipientRow, readSizedRecipientRow, writeRecipientRow } from "../data/recipient-row.js";
import { readString8, readUnicodeString, writeString8, writeUnicodeString } from "../data/strings.js";
import { type Request, type Response, type RopDefinition, schemaRop } from "./rop-definition.js";
import { RopId, RopReturnValue } from "./rop-id.js";

/** TypedString.StringType (MS-OXCDATA 2.11.? TypedString, used by RopOpenMessage). */
export const TypedStringType = {
  NotPresent: 0x00,
  Empty: 0x01,
  String8: 0x02,
  /** A Unicode string whose characters all fit in 8 bits, sent as 8-bit. */
  ReducedUnicode: 0x03,
  Unicode: 0x04,
} as const;

export interface TypedString {
  readonly stringType: number;
  readonly value: string;
}

function readTypedString(reader: ByteReader): TypedString {
  const offset = reader.offset;
  const stringType = reader.u8();
  switch (stringType) {
    case TypedStringType.NotPresent:
    case TypedStringType.Empty:
      return { stringType, value: "" };
    case TypedStringType.String8:
    case TypedStringType.ReducedUnicode:
      return { stringType, value: readString8(reader) };
    case TypedStringType.Unicode:
      return { stringType, value: readUnicodeString(reader) };
    default:
      throw new ParseError(`Unknown TypedString type 0x${stringType.toString(16)}`, { offset });
  }
}

function writeTypedString(writer: ByteWriter, s: TypedString): void {
  writer.u8(s.stringType);
  if (s.stringType === TypedStringType.String8 || s.stringType === TypedStringType.ReducedUnicode) {
    writeString8(writer, s.value);
  } else if (s.stringType === TypedStringType.Unicode) {
    writeUnicodeString(writer, s.value);
  } else if (s.stringType > TypedStringType.Unicode) {
    throw new InvalidArgumentError(`Unknown TypedString type ${s.stringType}`);
  }
}

function writeSizedRecipientRow(
  writer: ByteWriter,
  columns: readonly PropertyTag[],
  row: RecipientRow,
): void {
  const inner = new ByteWriter();
  writeRecipientRow(inner, columns, row);
  const bytes = inner.finish();
  if (bytes.length > 0xffff) throw new InvalidArgumentError("RecipientRow exceeds 65535 bytes");
  writer.u16(bytes.length).bytes(bytes);
}

/** OpenRecipientRow (MS-OXCROPS 2.2.6.1.2.1). */
export interface OpenRecipientRow {
  readonly recipientType: number;
  readonly codePageId: number;
  readonly reserved: number;
  readonly recipientRow: RecipientRow;
}

export type RopOpenMessageRequest = Request<
  "RopOpenMessage",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly outputHandleIndex: number;
    readonly codePageId: number;
    readonly folderId: bigint;
    readonly openModeFlags: number;
    readonly messageId: bigint;
  }
>;
export type RopOpenMessageResponse = Response<
  "RopOpenMessage",
  {
    readonly hasNamedProperties?: boolean;
    readonly subjectPrefix?: TypedString;
    readonly normalizedSubject?: TypedString;
    readonly recipientCount?: number;
    readonly recipientColumns?: readonly PropertyTag[];
    readonly recipientRows?: readonly OpenRecipientRow[];
  }
>;

const openMessageBase = schemaRop(
  "RopOpenMessage",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["outputHandleIndex", "u8"],
    ["codePageId", "u16"],
    ["folderId", "u64"],
    ["openModeFlags", "u8"],
    ["messageId", "u64"],
  ] as const,
  null,
);

/** Smallest OpenRecipientRow: its fixed 7 bytes plus a RecipientRow's flags, count and row flag. */
const MIN_OPEN_RECIPIENT_ROW = 7 + 5;

/** RopOpenMessage (MS-OXCROPS 2.2.6.1): subject parts and the first recipients ride along. */
export const ropOpenMessage: RopDefinition<RopOpenMessageRequest, RopOpenMessageResponse> = {
  ...openMessageBase,
  response: {
    read(reader, header) {
      if (header.returnValue !== RopReturnValue.Success) return { rop: "RopOpenMessage", ...header };
      const hasNamedProperties = reader.u8() !== 0;
      const subjectPrefix = readTypedString(reader);
      const normalizedSubject = readTypedString(reader);
      const recipientCount = reader.u16();
      const columnOffset = reader.offset;
      const columnCount = reader.u16();
      if (columnCount * 4 > reader.remaining)
        throw new ParseError("ColumnCount cannot fit", { offset: columnOffset });
      const recipientColumns: number[] = [];
      for (let i = 0; i < columnCount; i++) recipientColumns.push(reader.u32());
      const rowCount = reader.u8();
      if (rowCount * MIN_OPEN_RECIPIENT_ROW > reader.remaining) {
        throw new ParseError("RowCount cannot fit", { offset: reader.offset });
      }
      const recipientRows: OpenRecipientRow[] = [];
      for (let i = 0; i < rowCount; i++) {
        const recipientType = reader.u8();
        const codePageId = reader.u16();
        const reserved = reader.u16();
        const size = reader.u16();
        const recipientRow = readSizedRecipientRow(reader, size, recipientColumns);
        recipientRows.push({ recipientType, codePageId, reserved, recipientRow });
      }
      return {
        rop: "RopOpenMessage",
        ...header,
        hasNamedProperties,
        subjectPrefix,
        normalizedSubject,
        recipientCount,
        recipientColumns,
        recipientRows,
      };
    },
    write(writer, r) {
      if (r.returnValue !== RopReturnValue.Success) return;
      const columns = r.recipientColumns ?? [];
      const rows = r.recipientRows ?? [];
      if (rows.length > 0xff || columns.length > 0xffff)
        throw new InvalidArgumentError("Too many recipient rows or columns");
      writer.u8(r.hasNamedProperties ? 1 : 0);
      writeTypedString(writer, r.subjectPrefix ?? { stringType: 0, value: "" });
      writeTypedString(writer, r.normalizedSubject ?? { stringType: 0, value: "" });
      writer.u16(r.recipientCount ?? rows.length).u16(columns.length);
      for (const column of columns) writer.u32(column);
      writer.u8(rows.length);
      for (const row of rows) {
        writer.u8(row.recipientType).u16(row.codePageId).u16(row.reserved);
        writeSizedRecipientRow(writer, columns, row.recipientRow);
      }
    },
  },
};

export type RopCreateMessageRequest = Request<
  "RopCreateMessage",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly outputHandleIndex: number;
    readonly codePageId: number;
    readonly folderId: bigint;
    readonly associatedFlag: boolean;
  }
>;

const createMessageBase = schemaRop(
  "RopCreateMessage",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["outputHandleIndex", "u8"],
    ["codePageId", "u16"],
    ["folderId", "u64"],
    ["associatedFlag", "bool"],
  ] as const,
  null,
);

/** RopCreateMessage (MS-OXCROPS 2.2.6.2): the MID is known only once saved, hence optional. */
export const ropCreateMessage: RopDefinition<
  RopCreateMessageRequest,
  Response<"RopCreateMessage", { readonly messageId?: bigint | null }>
> = {
  ...createMessageBase,
  response: {
    read(reader, header) {
      if (header.returnValue !== RopReturnValue.Success) return { rop: "RopCreateMessage", ...header };
      const has = reader.u8() !== 0;
      return { rop: "RopCreateMessage", ...header, messageId: has ? reader.u64() : null };
    },
    write(writer, r) {
      if (r.returnValue !== RopReturnValue.Success) return;
      if (r.messageId === undefined || r.messageId === null) writer.u8(0);
      else writer.u8(1).u64(r.messageId);
    },
  },
};

/** RopSaveChangesMessage (MS-OXCROPS 2.2.6.3): answered on ResponseHandleIndex. */
export const ropSaveChangesMessage = schemaRop(
  "RopSaveChangesMessage",
  [
    ["logonId", "u8"],
    ["responseHandleIndex", "u8"],
    ["inputHandleIndex", "u8"],
    ["saveFlags", "u8"],
  ] as const,
  [
    ["inputHandleIndex", "u8"],
    ["messageId", "u64"],
  ] as const,
);

/** RopSubmitMessage (MS-OXCROPS 2.2.7.1). */
export const ropSubmitMessage = schemaRop(
  "RopSubmitMessage",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["submitFlags", "u8"],
  ] as const,
  [],
);

/** RopSetReadFlags (MS-OXCROPS 2.2.6.10). */
export const ropSetReadFlags = schemaRop(
  "RopSetReadFlags",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["wantAsynchronous", "bool"],
    ["readFlags", "u8"],
    ["messageIds", "ids16"],
  ] as const,
  [["partialCompletion", "bool"]] as const,
);

/** ClientData of RopSetMessageReadFlag is 24 bytes (MS-OXCROPS 2.2.6.11). */
export const READ_FLAG_CLIENT_DATA_LENGTH = 24;

export type RopSetMessageReadFlagRequest = Request<
  "RopSetMessageReadFlag",
  {
    readonly logonId: number;
    readonly responseHandleIndex: number;
    readonly inputHandleIndex: number;
    readonly readFlags: number;
    /** Sent only for a public-folder logon (the logon's Private flag clear). */
    readonly clientData?: Uint8Array;
  }
>;

/**
 * RopSetMessageReadFlag (MS-OXCROPS 2.2.6.11). Whether ClientData is on the wire depends on
 * the logon, not on the ROP; `decodeRopRequestBuffer` cannot know it, so this decoder reads
 * ClientData only when exactly 24 bytes of this ROP could remain — callers decoding public
 * logons should pass the request they sent.
 */
export const ropSetMessageReadFlag: RopDefinition<
  RopSetMessageReadFlagRequest,
  Response<
    "RopSetMessageReadFlag",
    { readonly readStatusChanged?: boolean; readonly logonId?: number; readonly clientData?: Uint8Array }
  >
> = {
  name: "RopSetMessageReadFlag",
  ropId: RopId.RopSetMessageReadFlag,
  writeRequest(writer, r) {
    writer.u8(r.logonId).u8(r.responseHandleIndex).u8(r.inputHandleIndex).u8(r.readFlags);
    if (r.clientData !== undefined) {
      if (r.clientData.length !== READ_FLAG_CLIENT_DATA_LENGTH)
        throw new InvalidArgumentError("ClientData is 24 bytes");
      writer.bytes(r.clientData);
    }
  },
  readRequest(reader) {
    return {
      rop: "RopSetMessageReadFlag",
      logonId: reader.u8(),
      responseHandleIndex: reader.u8(),
      inputHandleIndex: reader.u8(),
      readFlags: reader.u8(),
    };
  },
  response: {
    read(reader, header) {
      if (header.returnValue !== RopReturnValue.Success) return { rop: "RopSetMessageReadFlag", ...header };
      const readStatusChanged = reader.u8() !== 0;
      if (!readStatusChanged) return { rop: "RopSetMessageReadFlag", ...header, readStatusChanged };
      const logonId = reader.u8();
      const clientData = reader.bytesCopy(READ_FLAG_CLIENT_DATA_LENGTH);
      return { rop: "RopSetMessageReadFlag", ...header, readStatusChanged, logonId, clientData };
    },
    write(writer, r) {
      if (r.returnValue !== RopReturnValue.Success) return;
      writer.u8(r.readStatusChanged ? 1 : 0);
      if (r.readStatusChanged) {
        const data = r.clientData ?? new Uint8Array(READ_FLAG_CLIENT_DATA_LENGTH);
        if (data.length !== READ_FLAG_CLIENT_DATA_LENGTH)
          throw new InvalidArgumentError("ClientData is 24 bytes");
        writer.u8(r.logonId ?? 0).bytes(data);
      }
    },
  },
};

/** ModifyRecipientRow (MS-OXCROPS 2.2.6.5.1.1): a null `recipientRow` deletes row RowId. */
export interface ModifyRecipientRow {
  readonly rowId: number;
  readonly recipientType: number;
  readonly recipientRow: RecipientRow | null;
}

export type RopModifyRecipientsRequest = Request<
  "RopModifyRecipients",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly recipientColumns: readonly PropertyTag[];
    readonly recipientRows: readonly ModifyRecipientRow[];
  }
>;

/** RopModifyRecipients (MS-OXCROPS 2.2.6.5). */
export const ropModifyRecipients: RopDefinition<
  RopModifyRecipientsRequest,
  Response<"RopModifyRecipients", object>
> = {
  name: "RopModifyRecipients",
  ropId: RopId.RopModifyRecipients,
  writeRequest(writer, r) {
    if (r.recipientColumns.length > 0xffff || r.recipientRows.length > 0xffff) {
      throw new InvalidArgumentError("Too many recipient columns or rows");
    }
    writer.u8(r.logonId).u8(r.inputHandleIndex).u16(r.recipientColumns.length);
    for (const column of r.recipientColumns) writer.u32(column);
    writer.u16(r.recipientRows.length);
    for (const row of r.recipientRows) {
      writer.u32(row.rowId).u8(row.recipientType);
      if (row.recipientRow === null) writer.u16(0);
      else writeSizedRecipientRow(writer, r.recipientColumns, row.recipientRow);
    }
  },
  readRequest(reader) {
    const logonId = reader.u8();
    const inputHandleIndex = reader.u8();
    const columnCount = reader.u16();
    reader.need(columnCount * 4, "RecipientColumns");
    const recipientColumns: number[] = [];
    for (let i = 0; i < columnCount; i++) recipientColumns.push(reader.u32());
    const rowOffset = reader.offset;
    const rowCount = reader.u16();
    // Each row is at least RowId, RecipientType and RecipientRowSize.
    if (rowCount * 7 > reader.remaining) throw new ParseError("RowCount cannot fit", { offset: rowOffset });
    const recipientRows: ModifyRecipientRow[] = [];
    for (let i = 0; i < rowCount; i++) {
      const rowId = reader.u32();
      const recipientType = reader.u8();
      const size = reader.u16();
      const recipientRow = size === 0 ? null : readSizedRecipientRow(reader, size, recipientColumns);
      recipientRows.push({ rowId, recipientType, recipientRow });
    }
    return { rop: "RopModifyRecipients", logonId, inputHandleIndex, recipientColumns, recipientRows };
  },
  response: schemaRop("RopModifyRecipients", [], []).response as never,
};

/** ReadRecipientRow (MS-OXCROPS 2.2.6.6.2.1). `recipientRow` is raw bytes when the columns are unknown. */
export interface ReadRecipientRow {
  readonly rowId: number;
  readonly recipientType: number;
  readonly codePageId: number;
  readonly reserved: number;
  readonly recipientRow: RecipientRow | Uint8Array;
}

export type RopReadRecipientsRequest = Request<
  "RopReadRecipients",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly rowId: number;
    readonly reserved: number;
    /** Not sent: the message's recipient columns (from RopOpenMessage) to decode rows with. */
    readonly recipientColumns?: readonly PropertyTag[];
  }
>;

const readRecipientsBase = schemaRop(
  "RopReadRecipients",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["rowId", "u32"],
    ["reserved", "u16"],
  ] as const,
  null,
);

/** RopReadRecipients (MS-OXCROPS 2.2.6.6). */
export const ropReadRecipients: RopDefinition<
  RopReadRecipientsRequest,
  Response<"RopReadRecipients", { readonly recipientRows?: readonly ReadRecipientRow[] }>
> = {
  ...readRecipientsBase,
  response: {
    read(reader, header, request) {
      if (header.returnValue !== RopReturnValue.Success) return { rop: "RopReadRecipients", ...header };
      const count = reader.u8();
      if (count * 11 > reader.remaining)
        throw new ParseError("RowCount cannot fit", { offset: reader.offset });
      const recipientRows: ReadRecipientRow[] = [];
      for (let i = 0; i < count; i++) {
        const rowId = reader.u32();
        const recipientType = reader.u8();
        const codePageId = reader.u16();
        const reserved = reader.u16();
        const size = reader.u16();
        const recipientRow = request.recipientColumns
          ? readSizedRecipientRow(reader, size, request.recipientColumns)
          : reader.bytesCopy(size);
        recipientRows.push({ rowId, recipientType, codePageId, reserved, recipientRow });
      }
      return { rop: "RopReadRecipients", ...header, recipientRows };
    },
    write(writer, r, request) {
      if (r.returnValue !== RopReturnValue.Success) return;
      const rows = r.recipientRows ?? [];
      if (rows.length > 0xff) throw new InvalidArgumentError("At most 255 recipient rows");
      writer.u8(rows.length);
      for (const row of rows) {
        writer.u32(row.rowId).u8(row.recipientType).u16(row.codePageId).u16(row.reserved);
        if (row.recipientRow instanceof Uint8Array)
          writer.u16(row.recipientRow.length).bytes(row.recipientRow);
        else writeSizedRecipientRow(writer, request.recipientColumns ?? [], row.recipientRow);
      }
    },
  },
};
