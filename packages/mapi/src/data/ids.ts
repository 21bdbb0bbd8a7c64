import { type ByteReader, type ByteWriter, InvalidArgumentError } from "@mailwire/core";
import { type Guid, readGuid, writeGuid } from "./guid.js";

/**
 * Folder ID and Message ID (MS-OXCDATA 2.2.1.1, 2.2.1.2): 8 bytes, a 16-bit ReplicaId then
 * a 6-byte GlobalCounter. ROPs carry them as one little-endian u64, which is how we keep
 * them: an unsigned bigint, comparable and usable as a Map key.
 */
export type FolderId = bigint;
export type MessageId = bigint;

/**
 * The parts of a FID/MID. The GlobalCounter bytes are a GLOBCNT, ordered most significant
 * byte first (MS-OXCFXICS 2.2.2.5), so `globalCounter` reads them big-endian.
 */
export interface IdParts {
  readonly replicaId: number;
  readonly globalCounter: bigint;
}

const MAX_GLOBAL_COUNTER = (1n << 48n) - 1n;

export function splitId(id: bigint): IdParts {
  const value = BigInt.asUintN(64, id);
  const replicaId = Number(value & 0xffffn);
  let globalCounter = 0n;
  for (let i = 0n; i < 6n; i++) globalCounter = (globalCounter << 8n) | ((value >> (16n + 8n * i)) & 0xffn);
  return { replicaId, globalCounter };
}

export function makeId(parts: IdParts): bigint {
  if (!Number.isInteger(parts.replicaId) || parts.replicaId < 0 || parts.replicaId > 0xffff) {
    throw new InvalidArgumentError("ReplicaId must be a 16-bit unsigned integer");
  }
  if (parts.globalCounter < 0n || parts.globalCounter > MAX_GLOBAL_COUNTER) {
    throw new InvalidArgumentError("GlobalCounter must be a 48-bit unsigned integer");
  }
  let value = BigInt(parts.replicaId);
  for (let i = 0n; i < 6n; i++) value |= ((parts.globalCounter >> (8n * (5n - i))) & 0xffn) << (16n + 8n * i);
  return value;
}

/** The 6 GlobalCounter bytes in wire order. */
export function globalCounterBytes(globalCounter: bigint): Uint8Array {
  if (globalCounter < 0n || globalCounter > MAX_GLOBAL_COUNTER) {
    throw new InvalidArgumentError("GlobalCounter must be a 48-bit unsigned integer");
  }
  return Uint8Array.from({ length: 6 }, (_, i) => Number((globalCounter >> BigInt(8 * (5 - i))) & 0xffn));
}

export function globalCounterFromBytes(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** LongTermID (MS-OXCDATA 2.2.1.3.1): a Global Identifier plus 2 bytes of padding. */
export interface LongTermId {
  readonly databaseGuid: Guid;
  readonly globalCounter: bigint;
}

export const LONG_TERM_ID_LENGTH = 24;

export function readLongTermId(reader: ByteReader): LongTermId {
  const databaseGuid = readGuid(reader);
  const globalCounter = globalCounterFromBytes(reader.bytesView(6));
  reader.skip(2);
  return { databaseGuid, globalCounter };
}

export function writeLongTermId(writer: ByteWriter, id: LongTermId): void {
  writeGuid(writer, id.databaseGuid);
  writer.bytes(globalCounterBytes(id.globalCounter)).u16(0);
}
