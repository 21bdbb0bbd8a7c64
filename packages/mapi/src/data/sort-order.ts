import { type ByteReader, type ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import type { PropertyTag } from "./property-tag.js";

/** SortOrder.Order (MS-OXCDATA 2.13.1). */
export const SortOrderDirection = {
  Ascending: 0x00,
  Descending: 0x01,
  /** Sort categories by the maximum value of this column within each category. */
  MaximumCategory: 0x04,
} as const;

/** SortOrder (MS-OXCDATA 2.13.1): PropertyType and PropertyId — a tag split in wire order — then Order. */
export interface SortOrder {
  readonly propertyTag: PropertyTag;
  readonly order: number;
}

/** SortOrderSet (MS-OXCDATA 2.13.2). The first `categorizedCount` orders are categories. */
export interface SortOrderSet {
  readonly sortOrders: readonly SortOrder[];
  readonly categorizedCount: number;
  readonly expandedCount: number;
}

const SORT_ORDER_SIZE = 5;

export function readSortOrder(reader: ByteReader): SortOrder {
  return { propertyTag: reader.u32(), order: reader.u8() };
}

export function writeSortOrder(writer: ByteWriter, sortOrder: SortOrder): void {
  writer.u32(sortOrder.propertyTag).u8(sortOrder.order);
}

export function readSortOrderSet(reader: ByteReader): SortOrderSet {
  const start = reader.offset;
  const count = reader.u16();
  const categorizedCount = reader.u16();
  const expandedCount = reader.u16();
  // MS-OXCDATA 2.13.2: categories are a prefix of the sort orders, expanded ones a prefix of those.
  if (categorizedCount > count || expandedCount > categorizedCount) {
    throw new ParseError("SortOrderSet: CategorizedCount/ExpandedCount exceed SortOrderCount", {
      offset: start,
    });
  }
  reader.need(count * SORT_ORDER_SIZE, "sort orders");
  const sortOrders: SortOrder[] = [];
  for (let i = 0; i < count; i++) sortOrders.push(readSortOrder(reader));
  return { sortOrders, categorizedCount, expandedCount };
}

export function writeSortOrderSet(writer: ByteWriter, set: SortOrderSet): void {
  const count = set.sortOrders.length;
  if (count > 0xffff || set.categorizedCount > count || set.expandedCount > set.categorizedCount) {
    throw new InvalidArgumentError("SortOrderSet counts are inconsistent");
  }
  writer.u16(count).u16(set.categorizedCount).u16(set.expandedCount);
  for (const order of set.sortOrders) writeSortOrder(writer, order);
}
