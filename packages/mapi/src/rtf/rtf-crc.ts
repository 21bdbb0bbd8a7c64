/**
 * The CRC of a compressed RTF stream (MS-OXRTFCP 2.1.3.2): the CRC-32 table of polynomial
 * 0xEDB88320, but started at 0 and not inverted at the end, over the CONTENTS field.
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function compressedRtfCrc(bytes: Uint8Array, initial = 0): number {
  let crc = initial >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    crc = (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return crc >>> 0;
}
