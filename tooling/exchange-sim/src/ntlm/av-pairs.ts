import { AvId } from "./constants.js";

// MS-NLMP 2.2.2.1 AV_PAIR lists: AvId (2), AvLen (2), Value; terminated by MsvAvEOL.

export interface AvPair {
  id: number;
  value: Uint8Array;
}

export function encodeAvPairs(pairs: readonly AvPair[]): Uint8Array {
  const length = pairs.reduce((sum, pair) => sum + 4 + pair.value.length, 4);
  const out = Buffer.alloc(length);
  let offset = 0;
  for (const pair of pairs) {
    out.writeUInt16LE(pair.id, offset);
    out.writeUInt16LE(pair.value.length, offset + 2);
    out.set(pair.value, offset + 4);
    offset += 4 + pair.value.length;
  }
  // The trailing four zero bytes are MsvAvEOL with AvLen 0.
  return new Uint8Array(out);
}

/** Decodes until MsvAvEOL; throws on a pair that runs past the end or a missing terminator. */
export function decodeAvPairs(bytes: Uint8Array): AvPair[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pairs: AvPair[] = [];
  let offset = 0;
  while (offset + 4 <= view.length) {
    const id = view.readUInt16LE(offset);
    const length = view.readUInt16LE(offset + 2);
    if (id === AvId.MsvAvEOL) return pairs;
    if (offset + 4 + length > view.length) throw new RangeError("AV_PAIR runs past the end of the list");
    pairs.push({ id, value: bytes.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + length;
  }
  throw new RangeError("AV_PAIR list has no MsvAvEOL");
}

export function findAvPair(pairs: readonly AvPair[], id: number): Uint8Array | undefined {
  return pairs.find((pair) => pair.id === id)?.value;
}
