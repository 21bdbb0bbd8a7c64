import type { PropertyRow } from "../data/property-row.js";
import type { PropertyTag } from "../data/property-tag.js";
import type { MapiValue } from "../data/property-value.js";

/** FILETIME (100 ns ticks since 1601) of the Unix epoch. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;

export function fileTimeToDate(value: MapiValue | undefined): Date | undefined {
  if (typeof value !== "bigint") return undefined;
  return new Date(Number((value - FILETIME_UNIX_EPOCH) / 10000n));
}

export function dateToFileTime(date: Date): bigint {
  return BigInt(date.getTime()) * 10000n + FILETIME_UNIX_EPOCH;
}

/** Looks cells up by tag; a missing or error cell reads as undefined. */
export class RowView {
  readonly #index = new Map<PropertyTag, number>();
  readonly #row: PropertyRow;

  constructor(columns: readonly PropertyTag[], row: PropertyRow) {
    columns.forEach((tag, i) => {
      this.#index.set(tag, i);
    });
    this.#row = row;
  }

  cell(tag: PropertyTag) {
    const i = this.#index.get(tag);
    return i === undefined ? undefined : this.#row.cells[i];
  }

  value(tag: PropertyTag): MapiValue | undefined {
    const cell = this.cell(tag);
    return cell?.kind === "value" ? cell.value : undefined;
  }

  string(tag: PropertyTag): string | undefined {
    const v = this.value(tag);
    return typeof v === "string" ? v : undefined;
  }

  number(tag: PropertyTag): number | undefined {
    const v = this.value(tag);
    return typeof v === "number" ? v : undefined;
  }

  bigint(tag: PropertyTag): bigint | undefined {
    const v = this.value(tag);
    return typeof v === "bigint" ? v : undefined;
  }

  boolean(tag: PropertyTag): boolean | undefined {
    const v = this.value(tag);
    return typeof v === "boolean" ? v : undefined;
  }

  /** The error code of an error cell, if the cell is one. */
  errorCode(tag: PropertyTag): number | undefined {
    const cell = this.cell(tag);
    return cell?.kind === "error" ? cell.errorCode : undefined;
  }

  toMap(): Map<PropertyTag, MapiValue> {
    const map = new Map<PropertyTag, MapiValue>();
    for (const [tag, i] of this.#index) {
      const cell = this.#row.cells[i];
      if (cell?.kind === "value") map.set(tag, cell.value);
    }
    return map;
  }
}
