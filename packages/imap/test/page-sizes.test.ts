import { describe, expect, it } from "vitest";
import { FIRST_PAGE_SIZE, MAX_PAGE_SIZE, pageSizes } from "../src/session/page-sizes.js";

function take(next: () => number, count: number): number[] {
  return Array.from({ length: count }, () => next());
}

describe("messages() page sizes", () => {
  it("by default start at 200 and double up to 1,600", () => {
    expect(take(pageSizes({}), 7)).toEqual([200, 400, 800, 1600, 1600, 1600, 1600]);
    expect([FIRST_PAGE_SIZE, MAX_PAGE_SIZE]).toEqual([200, 1600]);
  });

  it("a caller's pageSize alone keeps every page that size, as before", () => {
    expect(take(pageSizes({ pageSize: 97 }), 4)).toEqual([97, 97, 97, 97]);
  });

  it("grow from pageSize to maxPageSize when both are given", () => {
    expect(take(pageSizes({ pageSize: 3, maxPageSize: 20 }), 6)).toEqual([3, 6, 12, 20, 20, 20]);
    expect(take(pageSizes({ maxPageSize: 500 }), 4)).toEqual([200, 400, 500, 500]);
  });

  it("never yield a page smaller than one, a cap below the first page, or NaN", () => {
    expect(take(pageSizes({ pageSize: 0 }), 2)).toEqual([1, 1]);
    expect(take(pageSizes({ pageSize: -5, maxPageSize: 2 }), 3)).toEqual([1, 2, 2]);
    expect(take(pageSizes({ pageSize: 50, maxPageSize: 10 }), 2)).toEqual([50, 50]);
    expect(take(pageSizes({ pageSize: Number.NaN }), 2)).toEqual([200, 200]);
    expect(take(pageSizes({ pageSize: 2.7, maxPageSize: 9.9 }), 4)).toEqual([2, 4, 8, 9]);
  });
});
