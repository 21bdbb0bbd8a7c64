import { InvalidArgumentError, ParseError } from "@mailwire/core";
import type { ContextHandle } from "../ndr/context-handle.js";
import { NdrReader } from "../ndr/ndr-reader.js";
import { NdrWriter } from "../ndr/ndr-writer.js";
import {
  type NspiRow,
  readPropertyRow,
  readPropertyRowSet,
  readPropertyTagArray,
  writePropertyTagArray,
} from "./property-rows.js";
import { type NspiFilter, writeRestriction } from "./restriction.js";
import { type NspiStat, readStat, writeStat } from "./stat.js";

// Request encoders and response decoders of the NSPI methods the client calls (MS-OXNSPI
// 3.1.4.1, IDL in appendix A), parameters in IDL order.

export function encodeNspiBindRequest(stat: NspiStat, flags = 0): Uint8Array {
  const writer = new NdrWriter(64);
  writer.u32(flags);
  writeStat(writer, stat);
  // [in, out, unique] FlatUID_r* pServerGuid: sent so the server fills it in.
  writer.pointer(true);
  writer.bytes(new Uint8Array(16));
  return writer.finish();
}

export function decodeNspiBindResponse(stub: Uint8Array): {
  serverGuid: Uint8Array | undefined;
  handle: ContextHandle;
  returnValue: number;
} {
  const reader = new NdrReader(stub);
  const serverGuid = reader.pointer() === 0 ? undefined : reader.bytes(16);
  const handle = reader.contextHandle();
  return { serverGuid, handle, returnValue: reader.u32() };
}

export function encodeNspiUnbindRequest(handle: ContextHandle): Uint8Array {
  return new NdrWriter(24).contextHandle(handle).u32(0).finish();
}

export function decodeNspiUnbindResponse(stub: Uint8Array): number {
  const reader = new NdrReader(stub);
  reader.contextHandle();
  return reader.u32();
}

function handleAndStat(handle: ContextHandle, flags: number, stat: NspiStat): NdrWriter {
  const writer = new NdrWriter(128);
  writer.contextHandle(handle).u32(flags);
  writeStat(writer, stat);
  return writer;
}

function optionalTags(writer: NdrWriter, tags: readonly number[] | undefined): void {
  if (writer.pointer(tags !== undefined)) writePropertyTagArray(writer, tags as readonly number[]);
}

/** [out] PropertyRowSet_r**: a unique pointer, then the row set. */
function readRowSetPointer(reader: NdrReader): NspiRow[] {
  return reader.pointer() === 0 ? [] : readPropertyRowSet(reader);
}

/** [out] PropertyTagArray_r**: a unique pointer, then the array. */
function readTagArrayPointer(reader: NdrReader): number[] {
  return reader.pointer() === 0 ? [] : readPropertyTagArray(reader);
}

export function encodeNspiGetSpecialTableRequest(
  handle: ContextHandle,
  stat: NspiStat,
  flags: number,
  version = 0,
): Uint8Array {
  return handleAndStat(handle, flags, stat).u32(version).finish();
}

export function decodeNspiGetSpecialTableResponse(stub: Uint8Array): {
  version: number;
  rows: NspiRow[];
  returnValue: number;
} {
  const reader = new NdrReader(stub);
  const version = reader.u32();
  const rows = readRowSetPointer(reader);
  return { version, rows, returnValue: reader.u32() };
}

export interface NspiQueryRowsOptions {
  readonly flags?: number;
  /** lpETable: Minimal Entry IDs to read instead of the table at STAT's position. */
  readonly explicitTable?: readonly number[];
  readonly count: number;
  readonly columns?: readonly number[];
}

export function encodeNspiQueryRowsRequest(
  handle: ContextHandle,
  stat: NspiStat,
  options: NspiQueryRowsOptions,
): Uint8Array {
  const writer = handleAndStat(handle, options.flags ?? 0, stat);
  const table = options.explicitTable ?? [];
  writer.u32(table.length);
  if (writer.pointer(table.length > 0)) {
    writer.u32(table.length);
    for (const mid of table) writer.u32(mid);
  }
  writer.u32(options.count);
  optionalTags(writer, options.columns);
  return writer.finish();
}

export function decodeNspiQueryRowsResponse(stub: Uint8Array): {
  stat: NspiStat;
  rows: NspiRow[];
  returnValue: number;
} {
  const reader = new NdrReader(stub);
  const stat = readStat(reader);
  const rows = readRowSetPointer(reader);
  return { stat, rows, returnValue: reader.u32() };
}

/** StringsArray_r: a conformant structure of [string] char* (max_count, Count, referents, strings). */
export function encodeNspiDNToMIdRequest(handle: ContextHandle, names: readonly string[]): Uint8Array {
  const writer = new NdrWriter(128);
  writer.contextHandle(handle).u32(0);
  writer.u32(names.length).u32(names.length);
  for (const _ of names) writer.pointer(true);
  for (const name of names) writer.asciiString(name);
  return writer.finish();
}

export function decodeNspiDNToMIdResponse(stub: Uint8Array): { mids: number[]; returnValue: number } {
  const reader = new NdrReader(stub);
  const mids = readTagArrayPointer(reader);
  return { mids, returnValue: reader.u32() };
}

export function encodeNspiGetPropsRequest(
  handle: ContextHandle,
  stat: NspiStat,
  columns: readonly number[] | undefined,
  flags = 0,
): Uint8Array {
  const writer = handleAndStat(handle, flags, stat);
  optionalTags(writer, columns);
  return writer.finish();
}

export function decodeNspiGetPropsResponse(stub: Uint8Array): {
  row: NspiRow | undefined;
  returnValue: number;
} {
  const reader = new NdrReader(stub);
  const row = reader.pointer() === 0 ? undefined : readPropertyRow(reader);
  return { row, returnValue: reader.u32() };
}

/** WStringsArray_r: like StringsArray_r with [string] wchar_t* strings. */
export function encodeNspiResolveNamesWRequest(
  handle: ContextHandle,
  stat: NspiStat,
  names: readonly string[],
  columns: readonly number[] | undefined,
): Uint8Array {
  const writer = handleAndStat(handle, 0, stat);
  optionalTags(writer, columns);
  writer.u32(names.length).u32(names.length);
  for (const _ of names) writer.pointer(true);
  for (const name of names) writer.utf16String(name);
  return writer.finish();
}

export function decodeNspiResolveNamesWResponse(stub: Uint8Array): {
  mids: number[];
  rows: NspiRow[];
  returnValue: number;
} {
  const reader = new NdrReader(stub);
  const mids = readTagArrayPointer(reader);
  const rows = readRowSetPointer(reader);
  const returnValue = reader.u32();
  if (reader.remaining > 7)
    throw new ParseError(`${reader.remaining} bytes follow the NspiResolveNamesW response`);
  return { mids, rows, returnValue };
}

/**
 * NspiGetMatches (MS-OXNSPI 3.1.4.1.10): Reserved1, STAT, pReserved (null), Reserved2, Filter,
 * lpPropName (null), ulRequested, then pPropTags.
 */
export function encodeNspiGetMatchesRequest(
  handle: ContextHandle,
  stat: NspiStat,
  filter: NspiFilter,
  requested: number,
  columns: readonly number[] | undefined,
): Uint8Array {
  const writer = handleAndStat(handle, 0, stat);
  writer.pointer(false); // pReserved
  writer.u32(0); // Reserved2
  writer.pointer(true);
  writeRestriction(writer, filter);
  writer.pointer(false); // lpPropName
  writer.u32(requested);
  optionalTags(writer, columns);
  return writer.finish();
}

export function decodeNspiGetMatchesResponse(stub: Uint8Array): {
  stat: NspiStat;
  mids: number[];
  rows: NspiRow[];
  returnValue: number;
} {
  const reader = new NdrReader(stub);
  const stat = readStat(reader);
  const mids = readTagArrayPointer(reader);
  const rows = readRowSetPointer(reader);
  return { stat, mids, rows, returnValue: reader.u32() };
}

/**
 * NspiSeekEntries (MS-OXNSPI 3.1.4.1.9, opnum 4): Reserved, STAT, pTarget (a [ref]
 * PropertyValue_r: inline, its string right behind it), lpETable (null: the container at
 * STAT), pPropTags (null: position only, no rows back).
 */
export function encodeNspiSeekEntriesRequest(
  handle: ContextHandle,
  stat: NspiStat,
  target: { readonly tag: number; readonly value: string },
  columns: readonly number[] | undefined,
): Uint8Array {
  const writer = handleAndStat(handle, 0, stat);
  const type = target.tag & 0xffff;
  if (type !== 0x001f && type !== 0x001e)
    throw new InvalidArgumentError("NspiSeekEntries: the target must be a string property");
  writer.u32(target.tag).u32(0).u32(type); // ulPropTag, ulReserved, union switch
  writer.pointer(true); // lpszW / lpszA
  if (type === 0x001f) writer.utf16String(target.value);
  else writer.asciiString(target.value);
  writer.pointer(false); // lpETable
  optionalTags(writer, columns);
  return writer.finish();
}

/** NspiSeekEntries' out-parameters (STAT, ppRows, return value) are NspiQueryRows' own. */
export const decodeNspiSeekEntriesResponse = decodeNspiQueryRowsResponse;
