import type { NdrReader } from "../ndr/ndr-reader.js";
import type { NdrWriter } from "../ndr/ndr-writer.js";

/** STAT (MS-OXNSPI 2.2.8): the table position every NSPI call carries. */
export interface NspiStat {
  sortType: number;
  containerId: number;
  currentRec: number;
  delta: number;
  numPos: number;
  totalRecs: number;
  codePage: number;
  templateLocale: number;
  sortLocale: number;
}

/** A STAT at the start of the Global Address List (container 0), sorted by display name. */
export function initialStat(init: Partial<NspiStat> = {}): NspiStat {
  return {
    sortType: 0, // SortTypeDisplayName
    containerId: 0,
    currentRec: 0, // MID_BEGINNING_OF_TABLE
    delta: 0,
    numPos: 0,
    totalRecs: 0,
    codePage: 1252,
    templateLocale: 1033,
    sortLocale: 1033,
    ...init,
  };
}

export function writeStat(writer: NdrWriter, stat: NspiStat): void {
  writer
    .u32(stat.sortType)
    .u32(stat.containerId)
    .u32(stat.currentRec)
    .i32(stat.delta)
    .u32(stat.numPos)
    .u32(stat.totalRecs)
    .u32(stat.codePage)
    .u32(stat.templateLocale)
    .u32(stat.sortLocale);
}

export function readStat(reader: NdrReader): NspiStat {
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
