import {
  BitmapRelOp,
  FuzzyLevelHigh,
  FuzzyLevelLow,
  type PropertyTag,
  RelOp,
  type Restriction,
  type SortOrder,
  SortOrderDirection,
} from "@mailwire/mapi";
import type { PropertySource } from "./mapi-properties.js";

// Server side of RopRestrict and RopSortTable on a table (MS-OXCTABL 3.2.5.2, 3.2.5.3): which
// rows a restriction (MS-OXCDATA 2.12) keeps and in what order a sort order set puts them.
// The simulator evaluates the restriction kinds a mail client's search uses; others are
// refused when the ROP arrives (ecTooComplex), as Exchange refuses what it cannot evaluate.

/** The restriction kinds `matches` evaluates. */
const SUPPORTED = new Set<Restriction["kind"]>([
  "and",
  "or",
  "not",
  "content",
  "property",
  "bitMask",
  "exist",
]);

/** True when every node of `restriction` is a kind the simulator evaluates. */
export function restrictionSupported(restriction: Restriction): boolean {
  if (!SUPPORTED.has(restriction.kind)) return false;
  if (restriction.kind === "and" || restriction.kind === "or") {
    return restriction.restrictions.every(restrictionSupported);
  }
  if (restriction.kind === "not") return restrictionSupported(restriction.restriction);
  return true;
}

/** True when every order is a plain ascending/descending column and nothing is categorized. */
export function sortSupported(sortOrders: readonly SortOrder[], categorizedCount: number): boolean {
  return (
    categorizedCount === 0 &&
    sortOrders.every(
      (o) => o.order === SortOrderDirection.Ascending || o.order === SortOrderDirection.Descending,
    )
  );
}

/** Orders two property values of one type; undefined when they cannot be compared. */
function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === "boolean") a = a ? 1 : 0;
  if (typeof b === "boolean") b = b ? 1 : 0;
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) {
      if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
    }
    return a.length - b.length;
  }
  return undefined;
}

function relation(relOp: number, order: number): boolean {
  switch (relOp) {
    case RelOp.RELOP_LT:
      return order < 0;
    case RelOp.RELOP_LE:
      return order <= 0;
    case RelOp.RELOP_GT:
      return order > 0;
    case RelOp.RELOP_GE:
      return order >= 0;
    case RelOp.RELOP_EQ:
      return order === 0;
    case RelOp.RELOP_NE:
      return order !== 0;
    default:
      return false;
  }
}

/** RES_CONTENT (MS-OXCDATA 2.12.4) on strings: full string, substring or prefix, optionally case-blind. */
function contentMatches(value: unknown, wanted: unknown, low: number, high: number): boolean {
  if (Array.isArray(value)) return value.some((v) => contentMatches(v, wanted, low, high));
  if (typeof value !== "string" || typeof wanted !== "string") return false;
  const ignoreCase = (high & FuzzyLevelHigh.FL_IGNORECASE) !== 0;
  const haystack = ignoreCase ? value.toLowerCase() : value;
  const needle = ignoreCase ? wanted.toLowerCase() : wanted;
  switch (low) {
    case FuzzyLevelLow.FL_SUBSTRING:
      return haystack.includes(needle);
    case FuzzyLevelLow.FL_PREFIX:
      return haystack.startsWith(needle);
    default:
      return haystack === needle;
  }
}

/** Whether `row` satisfies `restriction`; a missing property never matches (MS-OXCDATA 2.12). */
export function matches(row: PropertySource, restriction: Restriction): boolean {
  switch (restriction.kind) {
    case "and":
      return restriction.restrictions.every((r) => matches(row, r));
    case "or":
      return restriction.restrictions.some((r) => matches(row, r));
    case "not":
      return !matches(row, restriction.restriction);
    case "content":
      return contentMatches(
        row.get(restriction.propertyTag),
        restriction.value.value,
        restriction.fuzzyLevelLow,
        restriction.fuzzyLevelHigh,
      );
    case "property": {
      const value = row.get(restriction.propertyTag);
      if (value === undefined) return false;
      const order = compare(value, restriction.value.value);
      return order !== undefined && relation(restriction.relOp, order);
    }
    case "bitMask": {
      const value = row.get(restriction.propertyTag);
      if (typeof value !== "number") return false;
      const set = (value & restriction.mask) !== 0;
      return restriction.bitmapRelOp === BitmapRelOp.BMR_NEZ ? set : !set;
    }
    case "exist":
      return row.get(restriction.propertyTag) !== undefined;
    default:
      return false;
  }
}

/** A stable sort by each order in turn; rows without the column come after those with it. */
export function sortRows(rows: PropertySource[], sortOrders: readonly SortOrder[]): PropertySource[] {
  if (sortOrders.length === 0) return rows;
  const byOrder = (a: PropertySource, b: PropertySource, tag: PropertyTag, descending: boolean) => {
    const x = a.get(tag);
    const y = b.get(tag);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    const order = compare(x, y) ?? 0;
    return descending ? -order : order;
  };
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      for (const o of sortOrders) {
        const order = byOrder(a.row, b.row, o.propertyTag, o.order === SortOrderDirection.Descending);
        if (order !== 0) return order;
      }
      return a.index - b.index;
    })
    .map(({ row }) => row);
}

/** The rows a table shows: restricted, then sorted. */
export function tableView(
  rows: PropertySource[],
  view: {
    readonly restriction?: Restriction | undefined;
    readonly sortOrders?: readonly SortOrder[] | undefined;
  },
): PropertySource[] {
  const kept =
    view.restriction === undefined
      ? rows
      : rows.filter((row) => matches(row, view.restriction as Restriction));
  return sortRows(kept, view.sortOrders ?? []);
}
