import { InvalidArgumentError } from "@mailwire/core";
import { EwsLimits } from "../limits.js";
import { element } from "../xml/serialize-xml.js";
import type { XmlElement } from "../xml/xml-element.js";

// IndexedPageItemView / IndexedPageFolderView (MS-OXWSSRCH 2.2.4.x): offset paging from the start.

export interface Page<T> {
  items: T[];
  totalItemsInView: number;
  includesLastItemInRange: boolean;
  /** Offset of the next page, as the server reports it. */
  nextOffset: number;
}

export function checkPageSize(pageSize: number | undefined, fallback: number): number {
  const size = pageSize ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > EwsLimits.maxPageSize) {
    throw new InvalidArgumentError(`pageSize must be an integer from 1 to ${EwsLimits.maxPageSize}`);
  }
  return size;
}

export function indexedPageViewNode(
  name: "m:IndexedPageItemView" | "m:IndexedPageFolderView",
  pageSize: number,
  offset: number,
) {
  return element(name, { MaxEntriesReturned: pageSize, Offset: offset, BasePoint: "Beginning" });
}

/** Reads RootFolder's paging attributes (MS-OXWSSRCH 2.2.4.x FindItemParentType). */
export function readPaging(rootFolder: XmlElement | undefined, offset: number, count: number) {
  const total = Number(rootFolder?.attributes.TotalItemsInView ?? 0);
  const includesLast = rootFolder?.attributes.IncludesLastItemInRange === "true";
  const next = Number(rootFolder?.attributes.IndexedPagingOffset ?? offset + count);
  return {
    totalItemsInView: Number.isFinite(total) ? total : 0,
    includesLastItemInRange: includesLast,
    nextOffset: Number.isFinite(next) ? next : offset + count,
  };
}

/**
 * Lazily walks pages until the server says the last item is in range. A page that makes no
 * progress ends the walk instead of looping forever on a misbehaving server.
 */
export async function* walkPages<T>(
  fetchPage: (offset: number) => Promise<Page<T>>,
  maxItems = Infinity,
): AsyncGenerator<T> {
  let offset = 0;
  let yielded = 0;
  for (;;) {
    const page = await fetchPage(offset);
    for (const item of page.items) {
      if (yielded >= maxItems) return;
      yielded += 1;
      yield item;
    }
    if (page.includesLastItemInRange || page.items.length === 0 || page.nextOffset <= offset) return;
    offset = page.nextOffset;
  }
}
