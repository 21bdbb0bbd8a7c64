import { type ByteReader, type ByteWriter, InvalidArgumentError } from "@mailwire/core";

/**
 * STAT (MS-OXNSPI 2.2.8): the client's position in one address book container. Every NSPI
 * call that walks a table takes one and most hand an updated one back, so the client keeps
 * it between calls. The same 36 bytes travel over MAPI/HTTP and (as NDR) over RPC.
 */
export interface Stat {
  /** How the table is sorted (`SortType`). */
  readonly sortType: number;
  /** The container's Minimal Entry ID; 0 is the Global Address List. */
  readonly containerId: number;
  /** The Minimal Entry ID of the current row, or a `MidPosition` (beginning, current, end). */
  readonly currentRec: number;
  /** Rows to move from CurrentRec before reading (signed). */
  readonly delta: number;
  /** Approximate position of the current row, counted from 0. */
  readonly numPos: number;
  /** Rows in the table (the server's estimate). */
  readonly totalRecs: number;
  /**
   * Code page of 8-bit strings. NspiBind refuses CP_WINUNICODE here (MS-OXNSPI 3.1.4.1.1);
   * ask for PtypString columns instead to get UTF-16.
   */
  readonly codePage: number;
  readonly templateLocale: number;
  readonly sortLocale: number;
}

/** The encoded size of a STAT. */
export const STAT_LENGTH = 36;

/** SortType values (MS-OXNSPI 2.2.10). */
export const SortType = {
  SortTypeDisplayName: 0x00000000,
  SortTypePhoneticDisplayName: 0x00000003,
  SortTypeDisplayName_RO: 0x000003e8,
  SortTypeDisplayName_W: 0x000003e9,
} as const;

/** Positioning Minimal Entry IDs for STAT.CurrentRec (MS-OXNSPI 2.2.1.8). */
export const MidPosition = {
  MID_BEGINNING_OF_TABLE: 0x00000000,
  MID_CURRENT: 0x00000001,
  MID_END_OF_TABLE: 0x00000002,
} as const;

/** The Unicode code page (MS-OXNSPI 2.2.1.3 CP_WINUNICODE); not valid in a Bind STAT. */
export const CP_WINUNICODE = 1200;

/** A STAT at the start of the GAL, sorted by display name, code page 1252, en-US. */
export function createStat(fields: Partial<Stat> = {}): Stat {
  return {
    sortType: SortType.SortTypeDisplayName,
    containerId: 0,
    currentRec: MidPosition.MID_BEGINNING_OF_TABLE,
    delta: 0,
    numPos: 0,
    totalRecs: 0,
    codePage: 1252,
    templateLocale: 1033,
    sortLocale: 1033,
    ...fields,
  };
}

export function readStat(reader: ByteReader): Stat {
  reader.need(STAT_LENGTH, "STAT");
  return {
    sortType: reader.u32(),
    containerId: reader.u32(),
    currentRec: reader.u32(),
    delta: reader.i32(),
    numPos: reader.u32(),
    totalRecs: reader.u32(),
    codePage: reader.u32(),
    templateLocale: reader.u32(),
    sortLocale: reader.u32(),
  };
}

function u32(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidArgumentError(`STAT.${name} must be a 32-bit unsigned integer`);
  }
  return value;
}

export function writeStat(writer: ByteWriter, stat: Stat): void {
  if (!Number.isInteger(stat.delta) || stat.delta < -0x80000000 || stat.delta > 0x7fffffff) {
    throw new InvalidArgumentError("STAT.delta must be a 32-bit signed integer");
  }
  writer
    .u32(u32(stat.sortType, "sortType"))
    .u32(u32(stat.containerId, "containerId"))
    .u32(u32(stat.currentRec, "currentRec"))
    .i32(stat.delta)
    .u32(u32(stat.numPos, "numPos"))
    .u32(u32(stat.totalRecs, "totalRecs"))
    .u32(u32(stat.codePage, "codePage"))
    .u32(u32(stat.templateLocale, "templateLocale"))
    .u32(u32(stat.sortLocale, "sortLocale"));
}
