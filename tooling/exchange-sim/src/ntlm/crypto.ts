import { createHash, createHmac } from "node:crypto";
import md4 from "js-md4";

// The primitives MS-NLMP 6 ("Appendix A: Cryptographic Operations Reference") names. MD4 comes
// from js-md4 because OpenSSL 3 only offers it through the legacy provider; RC4 is written
// out here for the same reason (RC4K in MS-NLMP 6).

export function hmacMd5(key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const hmac = createHmac("md5", key);
  for (const chunk of data) hmac.update(chunk);
  return new Uint8Array(hmac.digest());
}

export function md5(...data: Uint8Array[]): Uint8Array {
  const hash = createHash("md5");
  for (const chunk of data) hash.update(chunk);
  return new Uint8Array(hash.digest());
}

export function md4Digest(data: Uint8Array): Uint8Array {
  return new Uint8Array(md4.arrayBuffer(data));
}

export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = Uint8Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = new Uint8Array(data.length);
  let i = 0;
  j = 0;
  for (let n = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

export const utf16le = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "utf16le"));

/** MS-NLMP 3.3.2: NTOWFv2(Passwd, User, UserDom) = HMAC_MD5(MD4(UNICODE(Passwd)), UNICODE(ConcatenationOf(Uppercase(User), UserDom))). */
export function ntowfV2(password: string, user: string, userDomain: string): Uint8Array {
  return hmacMd5(md4Digest(utf16le(password)), utf16le(user.toUpperCase() + userDomain));
}
