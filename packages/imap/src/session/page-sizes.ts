/**
 * Page sizes for `session.messages()`. Each page is one FETCH whose summaries are collected
 * before the first of them is yielded, so the connection is free again while the caller works
 * through the page (it may download or flag messages inside the loop). By default the pages
 * grow: a short first page so the newest messages arrive after one small FETCH, then doubling,
 * so a whole folder costs a few round trips rather than one per 200 messages, while the
 * memory held for one page stays bounded by the cap.
 */
export const FIRST_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 1600;

export interface PageSizeOptions {
  readonly pageSize?: number | undefined;
  readonly maxPageSize?: number | undefined;
}

/**
 * Returns the size of each next page: `pageSize` (default 200) first, doubling up to
 * `maxPageSize`. `maxPageSize` defaults to 1,600 when `pageSize` is not given and to `pageSize`
 * when it is, so a caller's explicit `pageSize` alone keeps every page that size.
 */
export function pageSizes(options: PageSizeOptions): () => number {
  const first = Math.max(1, Math.floor(orDefault(options.pageSize, FIRST_PAGE_SIZE)));
  const cap = options.maxPageSize ?? (options.pageSize === undefined ? MAX_PAGE_SIZE : first);
  const max = Math.max(first, Math.floor(orDefault(cap, first)));
  let next = first;
  return () => {
    const size = next;
    next = Math.min(max, next * 2);
    return size;
  };
}

function orDefault(value: number | undefined, fallback: number): number {
  return value === undefined || Number.isNaN(value) ? fallback : value;
}
