// Reads the keyUsage extension (RFC 5280 4.2.1.3) from a certificate's DER; node:crypto exposes the
// extendedKeyUsage OIDs but not these bits. Enough DER for our own certificates, not a general parser.

const KEY_USAGE_OID = [0x06, 0x03, 0x55, 0x1d, 0x0f]; // OBJECT IDENTIFIER 2.5.29.15
const BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

function indexOf(haystack: Uint8Array, needle: readonly number[]): number {
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let offset = 0; offset < needle.length; offset++) {
      if (haystack[start + offset] !== needle[offset]) continue outer;
    }
    return start;
  }
  return -1;
}

export interface KeyUsage {
  readonly critical: boolean;
  readonly usages: readonly string[];
}

export function keyUsage(der: Uint8Array): KeyUsage | undefined {
  const at = indexOf(der, KEY_USAGE_OID);
  if (at === -1) return undefined;
  let position = at + KEY_USAGE_OID.length;
  // Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
  const critical = der[position] === 0x01 && der[position + 2] === 0xff;
  if (der[position] === 0x01) position += 3;
  if (der[position] !== 0x04) throw new Error("keyUsage: expected OCTET STRING");
  position += 2;
  if (der[position] !== 0x03) throw new Error("keyUsage: expected BIT STRING");
  const length = der[position + 1] ?? 0;
  const bytes = der.subarray(position + 3, position + 2 + length);
  const usages = BITS.filter((_, bit) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0);
  return { critical, usages };
}
