import type { PropertyRow } from "../data/property-row.js";
import type { PropertyTag } from "../data/property-tag.js";
import type { Restriction } from "../data/restriction.js";
import type { SortOrder } from "../data/sort-order.js";
import { BookmarkOrigin, QueryRowsFlags, TableFlags } from "../rops/table.js";
import type { TransportCallOptions } from "./emsmdb-transport.js";
import type { ServerObject } from "./mapi-session.js";
import { RopBatch, type RopBatchResult } from "./rop-batch.js";
import { RowView } from "./row-values.js";

/** What the session lends a table reader so it can run its batches. */
export interface TableHost {
  generation(): number;
  send(batch: RopBatch, options: TransportCallOptions): Promise<RopBatchResult>;
  release(...objects: ServerObject[]): void;
  checkGeneration(object: ServerObject): void;
}

export interface FolderTableRequest {
  /** The logon's handle, the input of RopOpenFolder. */
  readonly logonHandle: number;
  readonly folderId: bigint;
  /** Hierarchy table (MS-OXCFOLD 2.2.1.13) or contents table (2.2.1.14). */
  readonly table: "hierarchy" | "contents";
  readonly tableFlags: number;
  readonly columns: readonly PropertyTag[];
  readonly pageSize: number;
  /** RopSortTable before the first page (MS-OXCTABL 2.2.2.13); none or empty keeps the server's order. */
  readonly sortOrders?: readonly SortOrder[] | undefined;
  /** RopRestrict before the first page (MS-OXCTABL 2.2.2.14): only matching rows are returned. */
  readonly restriction?: Restriction | undefined;
  /**
   * ROPs that ride at the head of the first batch (on the logon's slot) and read their
   * answers from its result, e.g. the special-folder entry ids with the hierarchy table.
   */
  readonly prelude?: ((batch: RopBatch, logonSlot: number) => (result: RopBatchResult) => void) | undefined;
}

/** RopQueryRows forward from the cursor, advancing it (MS-OXCTABL 2.2.2.5). */
export function queryRowsRequest(tableSlot: number, rowCount: number, columns: readonly PropertyTag[]) {
  return {
    rop: "RopQueryRows",
    logonId: 0,
    inputHandleIndex: tableSlot,
    queryRowsFlags: QueryRowsFlags.Advance,
    forwardRead: true,
    rowCount,
    columns,
  } as const;
}

/**
 * The rows of a folder's hierarchy or contents table, page by page: RopOpenFolder, the
 * table, RopSetColumns, RopRestrict and RopSortTable (when asked for) and the first
 * RopQueryRows go in one Execute, each later page is one RopQueryRows. Sorting and
 * restricting are synchronous (no TBL_ASYNC), so the first QueryRows already reads the sorted,
 * restricted view (MS-OXCTABL 3.2.5.2, 3.2.5.3). Ending early (or failing) releases the table
 * and the folder with the next batch.
 */
export async function* folderTableRows(
  host: TableHost,
  request: FolderTableRequest,
  options: TransportCallOptions,
): AsyncGenerator<RowView> {
  const { columns, pageSize } = request;
  const batch = new RopBatch();
  const logonSlot = batch.input(request.logonHandle);
  const readPrelude = request.prelude?.(batch, logonSlot);
  const folderSlot = batch.output();
  const tableSlot = batch.output();
  const open = batch.add({
    rop: "RopOpenFolder",
    logonId: 0,
    inputHandleIndex: logonSlot,
    outputHandleIndex: folderSlot,
    folderId: request.folderId,
    openModeFlags: 0,
  });
  const tableRop = request.table === "hierarchy" ? "RopGetHierarchyTable" : "RopGetContentsTable";
  const table = batch.add({
    rop: tableRop,
    logonId: 0,
    inputHandleIndex: folderSlot,
    outputHandleIndex: tableSlot,
    tableFlags: request.tableFlags | TableFlags.UseUnicode,
  });
  const setColumns = batch.add({
    rop: "RopSetColumns",
    logonId: 0,
    inputHandleIndex: tableSlot,
    setColumnsFlags: 0,
    propertyTags: columns,
  });
  const restrict =
    request.restriction === undefined
      ? undefined
      : batch.add({
          rop: "RopRestrict",
          logonId: 0,
          inputHandleIndex: tableSlot,
          restrictFlags: 0,
          restriction: request.restriction,
        });
  const sortOrders = request.sortOrders ?? [];
  const sort =
    sortOrders.length === 0
      ? undefined
      : batch.add({
          rop: "RopSortTable",
          logonId: 0,
          inputHandleIndex: tableSlot,
          sortTableFlags: 0,
          sortOrders,
          categorizedCount: 0,
          expandedCount: 0,
        });
  const query = batch.add(queryRowsRequest(tableSlot, pageSize, columns));
  const result = await host.send(batch, options);
  readPrelude?.(result);
  result.response(open, "RopOpenFolder");
  const generation = host.generation();
  const held: ServerObject[] = [{ handle: result.handle(folderSlot), generation }];
  try {
    result.response(table, tableRop);
    const tableObject = { handle: result.handle(tableSlot), generation };
    held.unshift(tableObject);
    result.response(setColumns, "RopSetColumns");
    if (restrict !== undefined) result.response(restrict, "RopRestrict");
    if (sort !== undefined) result.response(sort, "RopSortTable");
    let page = result.response(query, "RopQueryRows");
    for (;;) {
      const rows: readonly PropertyRow[] = page.rows ?? [];
      for (const row of rows) yield new RowView(columns, row);
      if (rows.length === 0 || page.origin === BookmarkOrigin.BOOKMARK_END) return;
      host.checkGeneration(tableObject);
      const next = new RopBatch();
      const at = next.add(queryRowsRequest(next.input(tableObject.handle), pageSize, columns));
      page = (await host.send(next, options)).response(at, "RopQueryRows");
    }
  } finally {
    host.release(...held);
  }
}
