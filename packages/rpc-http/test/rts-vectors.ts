import { readFileSync } from "node:fs";

// /work/shared/vectors/rpch, reached from packages/rpc-http/test/ (→ packages → repo root → its parent).
const VECTORS = new URL("../../../../shared/vectors/rpch/", import.meta.url);

export interface RtsByteVector {
  name: string;
  source: string;
  hex: string;
}

export interface RtsStructureFacts {
  rts_header: { size_bytes: number; PTYPE: number };
  rts_flags: Record<string, string>;
  command_types: Record<string, number>;
  command_sizes_bytes: { stated_in_pdu_definitions: Record<string, number> };
  pdus: Record<string, { Flags: string; NumberOfCommands: number; commands: string[] }>;
}

export function rtsByteVectors(): RtsByteVector[] {
  const file = JSON.parse(readFileSync(new URL("third-party-rts-pdu-bytes.json", VECTORS), "utf8"));
  return file.vectors as RtsByteVector[];
}

export function rtsStructureFacts(): RtsStructureFacts {
  return JSON.parse(readFileSync(new URL("ms-rpch-rts-structure-facts.json", VECTORS), "utf8"));
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export function bytesOf(start: number, count = 16): Uint8Array {
  return Uint8Array.from({ length: count }, (_, index) => start + index);
}
