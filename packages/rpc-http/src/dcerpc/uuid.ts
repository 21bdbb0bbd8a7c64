import { InvalidArgumentError, ParseError } from "@mailwire/core";

// A UUID on the wire (C706 appendix A, NDR little-endian): time_low (u32), time_mid (u16) and
// time_hi_and_version (u16) in the data representation's byte order, then 8 bytes as they are.

const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/** 16 wire bytes (little-endian first three fields) of a canonical UUID string. */
export function uuidToBytes(uuid: string): Uint8Array {
  const text = uuid.toLowerCase();
  if (!pattern.test(text)) throw new InvalidArgumentError(`Not a UUID: ${uuid}`);
  const hex = text.replaceAll("-", "");
  const big = Uint8Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  const out = big.slice();
  out.set([big[3], big[2], big[1], big[0], big[5], big[4], big[7], big[6]] as number[], 0);
  return out;
}

/** The canonical lower-case string of 16 wire bytes at `offset`. */
export function uuidFromBytes(bytes: Uint8Array, offset = 0): string {
  if (offset < 0 || offset + 16 > bytes.length) throw new ParseError("Truncated UUID", { offset });
  const b = bytes.subarray(offset, offset + 16);
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  const hex = order.map((i) => (b[i] as number).toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
