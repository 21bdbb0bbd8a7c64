import type { PropertyTag, Restriction, SortOrder } from "../../src/index.js";

// The fake server's RopRestrict and RopSortTable: the restriction kinds MapiSession's search
// sends (MS-OXCDATA 2.12), evaluated over a row's property map, then a stable sort.

type Row = Map<PropertyTag, unknown>;

function order(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase().localeCompare(b.toLowerCase());
  const x = a as number | bigint;
  const y = b as number | bigint;
  return x < y ? -1 : x > y ? 1 : 0;
}

const RELATIONS: Record<number, (o: number) => boolean> = {
  0: (o) => o < 0,
  1: (o) => o <= 0,
  2: (o) => o > 0,
  3: (o) => o >= 0,
  4: (o) => o === 0,
  5: (o) => o !== 0,
};

export function fakeMatches(row: Row, r: Restriction): boolean {
  switch (r.kind) {
    case "and":
      return r.restrictions.every((sub) => fakeMatches(row, sub));
    case "or":
      return r.restrictions.some((sub) => fakeMatches(row, sub));
    case "not":
      return !fakeMatches(row, r.restriction);
    case "content": {
      const value = row.get(r.propertyTag);
      if (typeof value !== "string" || typeof r.value.value !== "string") return false;
      const ignoreCase = (r.fuzzyLevelHigh & 0x0001) !== 0;
      const hay = ignoreCase ? value.toLowerCase() : value;
      const needle = ignoreCase ? r.value.value.toLowerCase() : r.value.value;
      if (r.fuzzyLevelLow === 0x0001) return hay.includes(needle);
      if (r.fuzzyLevelLow === 0x0002) return hay.startsWith(needle);
      return hay === needle;
    }
    case "property": {
      const value = row.get(r.propertyTag);
      return value !== undefined && (RELATIONS[r.relOp]?.(order(value, r.value.value)) ?? false);
    }
    case "bitMask": {
      const value = row.get(r.propertyTag);
      if (typeof value !== "number") return false;
      return ((value & r.mask) !== 0) === (r.bitmapRelOp === 0x01);
    }
    case "exist":
      return row.get(r.propertyTag) !== undefined;
    default:
      throw new Error(`The fake server does not evaluate ${r.kind} restrictions`);
  }
}

export function fakeView(
  rows: Row[],
  restriction: Restriction | undefined,
  sortOrders: readonly SortOrder[],
): Row[] {
  const kept = restriction === undefined ? rows : rows.filter((row) => fakeMatches(row, restriction));
  return kept
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      for (const o of sortOrders) {
        const x = order(a.row.get(o.propertyTag), b.row.get(o.propertyTag));
        if (x !== 0) return o.order === 0x01 ? -x : x;
      }
      return a.index - b.index;
    })
    .map(({ row }) => row);
}
