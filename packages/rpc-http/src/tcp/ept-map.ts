import { LimitExceededError, ParseError } from "@mailwire/core";
import type { SyntaxId } from "../dcerpc/constants.js";
import { NIL_UUID, uuidToBytes } from "../dcerpc/uuid.js";
import { type ContextHandle, NULL_CONTEXT_HANDLE } from "../ndr/context-handle.js";
import { NdrReader } from "../ndr/ndr-reader.js";
import { NdrWriter } from "../ndr/ndr-writer.js";

// The endpoint mapper's ept_map (C706 appendix O, opnum 3; MS-RPCE 2.2.1.2.x): ask for the
// towers registered for an interface, get back the ones the server has.

/** The endpoint mapper interface (C706 appendix O: e1af8308-..., version 3.0). */
export const EPMAPPER_INTERFACE: SyntaxId = {
  uuid: "e1af8308-5d1f-11c9-91a4-08002b14a0fa",
  major: 3,
  minor: 0,
};
export const EPT_MAP_OPNUM = 3;
/** The endpoint mapper's well-known port for ncacn_ip_tcp (C706 appendix H). */
export const EPMAPPER_PORT = 135;
/** ept_s_not_registered (C706 appendix E / MS-RPCE 2.2.1.2.5): no such interface is registered. */
export const EPT_S_NOT_REGISTERED = 0x16c9a0d6;
/** Towers asked for (and accepted back) in one ept_map. */
const MAX_TOWERS = 16;
const MAX_TOWER_LENGTH = 1024;

export interface EptMapRequest {
  readonly tower: Uint8Array;
  readonly entryHandle?: ContextHandle;
  readonly maxTowers?: number;
}

export interface EptMapResponse {
  readonly entryHandle: ContextHandle;
  readonly towers: readonly Uint8Array[];
  readonly status: number;
}

/** twr_t is a conformant structure: its max_count comes first, then tower_length and the octets. */
function writeTower(writer: NdrWriter, tower: Uint8Array): void {
  writer.u32(tower.length).u32(tower.length).bytes(tower);
}

function readTower(reader: NdrReader): Uint8Array {
  const maxCount = reader.u32();
  const length = reader.u32();
  if (length > MAX_TOWER_LENGTH || length > maxCount) {
    throw new LimitExceededError(`A tower of ${length} bytes`, {
      limit: "towerLength",
      max: MAX_TOWER_LENGTH,
    });
  }
  return reader.bytes(length);
}

export function encodeEptMapRequest(request: EptMapRequest): Uint8Array {
  const writer = new NdrWriter(128);
  // object: a full pointer to the nil UUID (any object), as Windows clients send.
  writer.pointer(true);
  writer.bytes(uuidToBytes(NIL_UUID));
  writer.pointer(true);
  writeTower(writer, request.tower);
  writer.align(4).contextHandle(request.entryHandle ?? NULL_CONTEXT_HANDLE);
  writer.u32(request.maxTowers ?? 4);
  return writer.finish();
}

export function decodeEptMapRequest(stub: Uint8Array): EptMapRequest {
  const reader = new NdrReader(stub);
  if (reader.pointer() !== 0) reader.bytes(16);
  if (reader.pointer() === 0) throw new ParseError("ept_map without a map_tower");
  const tower = readTower(reader);
  const entryHandle = reader.contextHandle();
  const maxTowers = reader.u32();
  return { tower, entryHandle, maxTowers };
}

export function encodeEptMapResponse(response: EptMapResponse, maxTowers: number): Uint8Array {
  const writer = new NdrWriter(128);
  writer.contextHandle(response.entryHandle).u32(response.towers.length);
  writer.u32(maxTowers).u32(0).u32(response.towers.length);
  for (const _ of response.towers) writer.pointer(true);
  for (const tower of response.towers) writeTower(writer, tower);
  writer.align(4).u32(response.status);
  return writer.finish();
}

export function decodeEptMapResponse(stub: Uint8Array): EptMapResponse {
  const reader = new NdrReader(stub);
  const entryHandle = reader.contextHandle();
  const numTowers = reader.u32();
  reader.u32(); // max_count of the towers array
  const offset = reader.u32();
  const actual = reader.u32();
  if (actual > MAX_TOWERS || numTowers > MAX_TOWERS) {
    throw new LimitExceededError(`ept_map returned ${actual} towers`, { limit: "towers", max: MAX_TOWERS });
  }
  if (offset !== 0 || actual !== numTowers) throw new ParseError("ept_map tower counts disagree");
  const referents: number[] = [];
  for (let i = 0; i < actual; i++) referents.push(reader.pointer());
  const towers: Uint8Array[] = [];
  for (const referent of referents) if (referent !== 0) towers.push(readTower(reader));
  const status = reader.u32();
  return { entryHandle, towers, status };
}
