import { ByteReader, ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import {
  type PropertyRow,
  readPropertyRow,
  readPropertyRows,
  writePropertyRow,
} from "../data/property-row.js";
import type { PropertyTag } from "../data/property-tag.js";
import { type Restriction, readRestriction, writeRestriction } from "../data/restriction.js";
import { readSortOrderSet, type SortOrderSet, writeSortOrderSet } from "../data/sort-order.js";
import {
  type Request,
  type Response,
  type RopDefinition,
  type RopResponseContext,
  schemaRop,
} from "./rop-definition.js";
import { RopId, RopReturnValue } from "./rop-id.js";

/** TableStatus (MS-OXCTABL 2.2.2.1.3). */
export const TableStatus = {
  TBLSTAT_COMPLETE: 0x00,
  TBLSTAT_SORTING: 0x09,
  TBLSTAT_SORT_ERROR: 0x0a,
  TBLSTAT_SETTING_COLS: 0x0b,
  TBLSTAT_SETCOL_ERROR: 0x0d,
  TBLSTAT_RESTRICTING: 0x0e,
  TBLSTAT_RESTRICT_ERROR: 0x0f,
} as const;

/** RopQueryRows QueryRowsFlags (MS-OXCTABL 2.2.2.5.1). */
export const QueryRowsFlags = {
  Advance: 0x00,
  NoAdvance: 0x01,
  EnablePackedBuffers: 0x02,
} as const;

/** Bookmarks for Origin fields (MS-OXCTABL 2.2.2.5.2, 2.2.2.8.1). */
export const BookmarkOrigin = {
  BOOKMARK_BEGINNING: 0x00,
  BOOKMARK_CURRENT: 0x01,
  BOOKMARK_END: 0x02,
} as const;

/** TableFlags of RopGetHierarchyTable/RopGetContentsTable (MS-OXCFOLD 2.2.1.13.1, 2.2.1.14.1). */
export const TableFlags = {
  Associated: 0x02,
  Depth: 0x04,
  DeferredErrors: 0x08,
  NoNotifications: 0x10,
  SoftDeletes: 0x20,
  UseUnicode: 0x40,
  SuppressesReceipts: 0x80,
} as const;

/** RopSetColumns (MS-OXCROPS 2.2.5.1). */
export const ropSetColumns = schemaRop(
  "RopSetColumns",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["setColumnsFlags", "u8"],
    ["propertyTags", "tags16"],
  ] as const,
  [["tableStatus", "u8"]] as const,
);

export type RopSortTableRequest = Request<
  "RopSortTable",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly sortTableFlags: number;
  } & SortOrderSet
>;

/** RopSortTable (MS-OXCROPS 2.2.5.2): the request embeds a SortOrderSet. */
export const ropSortTable: RopDefinition<
  RopSortTableRequest,
  Response<"RopSortTable", { tableStatus?: number }>
> = {
  name: "RopSortTable",
  ropId: RopId.RopSortTable,
  writeRequest(writer, r) {
    writer.u8(r.logonId).u8(r.inputHandleIndex).u8(r.sortTableFlags);
    writeSortOrderSet(writer, r);
  },
  readRequest(reader) {
    const head = { logonId: reader.u8(), inputHandleIndex: reader.u8(), sortTableFlags: reader.u8() };
    return { rop: "RopSortTable", ...head, ...readSortOrderSet(reader) };
  },
  response: schemaRop("RopSortTable", [], [["tableStatus", "u8"]] as const).response as never,
};

/** A restriction preceded by its 16-bit byte size; size 0 means "no restriction". */
function writeSizedRestriction(writer: ByteWriter, restriction: Restriction | null): void {
  if (restriction === null) {
    writer.u16(0);
    return;
  }
  const inner = new ByteWriter();
  writeRestriction(inner, restriction);
  const bytes = inner.finish();
  if (bytes.length > 0xffff) throw new InvalidArgumentError("Restriction data exceeds 65535 bytes");
  writer.u16(bytes.length).bytes(bytes);
}

function readSizedRestriction(reader: ByteReader): Restriction | null {
  const sizeOffset = reader.offset;
  const size = reader.u16();
  if (size === 0) return null;
  reader.need(size, "RestrictionData");
  const inner = new ByteReader(reader.bytes, reader.offset, reader.offset + size);
  const restriction = readRestriction(inner);
  if (inner.remaining !== 0) {
    throw new ParseError(`RestrictionDataSize ${size} does not match the restriction`, {
      offset: sizeOffset,
    });
  }
  reader.skip(size);
  return restriction;
}

export type RopRestrictRequest = Request<
  "RopRestrict",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly restrictFlags: number;
    /** null removes the table's restriction. */
    readonly restriction: Restriction | null;
  }
>;

/** RopRestrict (MS-OXCROPS 2.2.5.3). */
export const ropRestrict: RopDefinition<
  RopRestrictRequest,
  Response<"RopRestrict", { tableStatus?: number }>
> = {
  name: "RopRestrict",
  ropId: RopId.RopRestrict,
  writeRequest(writer, r) {
    writer.u8(r.logonId).u8(r.inputHandleIndex).u8(r.restrictFlags);
    writeSizedRestriction(writer, r.restriction);
  },
  readRequest(reader) {
    const head = { logonId: reader.u8(), inputHandleIndex: reader.u8(), restrictFlags: reader.u8() };
    return { rop: "RopRestrict", ...head, restriction: readSizedRestriction(reader) };
  },
  response: schemaRop("RopRestrict", [], [["tableStatus", "u8"]] as const).response as never,
};

export type RopQueryRowsRequest = Request<
  "RopQueryRows",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly queryRowsFlags: number;
    readonly forwardRead: boolean;
    readonly rowCount: number;
    /**
     * Not sent: the table's columns, needed to read the rows. When absent the decoder takes
     * them from a RopSetColumns on the same handle earlier in the batch, or from its options.
     */
    readonly columns?: readonly PropertyTag[];
  }
>;
export type RopQueryRowsResponse = Response<
  "RopQueryRows",
  { readonly origin?: number; readonly rows?: readonly PropertyRow[] }
>;

function requireColumns(context: RopResponseContext, rop: string): readonly PropertyTag[] {
  if (!context.tableColumns) {
    throw new InvalidArgumentError(
      `${rop}: the table's columns are unknown; pass them on the request or via options`,
    );
  }
  return context.tableColumns;
}

const queryRowsBase = schemaRop(
  "RopQueryRows",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["queryRowsFlags", "u8"],
    ["forwardRead", "bool"],
    ["rowCount", "u16"],
  ] as const,
  null,
);

/** RopQueryRows (MS-OXCROPS 2.2.5.4): Origin, RowCount, then RowCount PropertyRows. */
export const ropQueryRows: RopDefinition<RopQueryRowsRequest, RopQueryRowsResponse> = {
  ...queryRowsBase,
  response: {
    read(reader, header, _request, context) {
      if (header.returnValue !== RopReturnValue.Success) return { rop: "RopQueryRows", ...header };
      const origin = reader.u8();
      const count = reader.u16();
      const rows = readPropertyRows(reader, requireColumns(context, "RopQueryRows"), count);
      return { rop: "RopQueryRows", ...header, origin, rows };
    },
    write(writer, response, _request, context) {
      if (response.returnValue !== RopReturnValue.Success) return;
      const columns = requireColumns(context, "RopQueryRows");
      const rows = response.rows ?? [];
      writer.u8(response.origin ?? 0).u16(rows.length);
      for (const row of rows) writePropertyRow(writer, columns, row);
    },
  },
};

/** RopQueryPosition (MS-OXCROPS 2.2.5.7). */
export const ropQueryPosition = schemaRop(
  "RopQueryPosition",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
  ] as const,
  [
    ["numerator", "u32"],
    ["denominator", "u32"],
  ] as const,
);

/** RopSeekRow (MS-OXCROPS 2.2.5.8). */
export const ropSeekRow = schemaRop(
  "RopSeekRow",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["origin", "u8"],
    ["rowCount", "i32"],
    ["wantRowMovedCount", "bool"],
  ] as const,
  [
    ["hasSoughtLess", "bool"],
    ["rowsSought", "i32"],
  ] as const,
);

/** RopResetTable (MS-OXCROPS 2.2.5.15). */
export const ropResetTable = schemaRop(
  "RopResetTable",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
  ] as const,
  [],
);

export type RopFindRowRequest = Request<
  "RopFindRow",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly findRowFlags: number;
    readonly restriction: Restriction | null;
    readonly origin: number;
    readonly bookmark: Uint8Array;
    /** Not sent: the table's columns (see RopQueryRowsRequest.columns). */
    readonly columns?: readonly PropertyTag[];
  }
>;
export type RopFindRowResponse = Response<
  "RopFindRow",
  { readonly rowNoLongerVisible?: boolean; readonly row?: PropertyRow | null }
>;

/** RopFindRow (MS-OXCROPS 2.2.5.13). */
export const ropFindRow: RopDefinition<RopFindRowRequest, RopFindRowResponse> = {
  name: "RopFindRow",
  ropId: RopId.RopFindRow,
  writeRequest(writer, r) {
    writer.u8(r.logonId).u8(r.inputHandleIndex).u8(r.findRowFlags);
    writeSizedRestriction(writer, r.restriction);
    if (r.bookmark.length > 0xffff) throw new InvalidArgumentError("Bookmark too long");
    writer.u8(r.origin).u16(r.bookmark.length).bytes(r.bookmark);
  },
  readRequest(reader) {
    const head = { logonId: reader.u8(), inputHandleIndex: reader.u8(), findRowFlags: reader.u8() };
    const restriction = readSizedRestriction(reader);
    const origin = reader.u8();
    const bookmark = reader.bytesCopy(reader.u16());
    return { rop: "RopFindRow", ...head, restriction, origin, bookmark };
  },
  response: {
    read(reader, header, _request, context) {
      if (header.returnValue !== RopReturnValue.Success) return { rop: "RopFindRow", ...header };
      const rowNoLongerVisible = reader.u8() !== 0;
      const hasRow = reader.u8() !== 0;
      const row = hasRow ? readPropertyRow(reader, requireColumns(context, "RopFindRow")) : null;
      return { rop: "RopFindRow", ...header, rowNoLongerVisible, row };
    },
    write(writer, response, _request, context) {
      if (response.returnValue !== RopReturnValue.Success) return;
      writer.u8(response.rowNoLongerVisible ? 1 : 0).u8(response.row ? 1 : 0);
      if (response.row) writePropertyRow(writer, requireColumns(context, "RopFindRow"), response.row);
    },
  },
};
