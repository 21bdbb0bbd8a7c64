import jsMd4 from "js-md4";

/**
 * MD4 of raw bytes. NTLM needs it only for the NT hash, MD4(UTF-16LE(password))
 * (MS-NLMP 3.3.1 NTOWFv1, reused by NTOWFv2 in 3.3.2). node:crypto cannot do it on
 * OpenSSL 3 without the legacy provider, so this uses js-md4's pure-JS path:
 * `arrayBuffer()` never calls into node:crypto, unlike js-md4's bare `md4()`.
 */
export function md4(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(jsMd4.arrayBuffer(bytes));
}
