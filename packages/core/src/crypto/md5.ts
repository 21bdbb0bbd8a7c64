import { createHash, createHmac } from "node:crypto";

/** MD5 over the concatenation of `parts` (MS-NLMP 6: MD5, ConcatenationOf). */
export function md5(...parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash("md5");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** HMAC-MD5 (RFC 2104) of the concatenation of `parts` under `key` (MS-NLMP 6: HMAC_MD5). */
export function hmacMd5(key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  const mac = createHmac("md5", key);
  for (const part of parts) mac.update(part);
  return new Uint8Array(mac.digest());
}
