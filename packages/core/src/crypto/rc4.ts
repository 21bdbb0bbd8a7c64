import { InvalidArgumentError } from "../errors/error-classes.js";

/**
 * RC4 written here rather than taken from node:crypto, for two reasons:
 * - Node's OpenSSL 3 builds ship RC4 only in the "legacy" provider, which is not loaded
 *   by default and cannot be relied on across platforms.
 * - NTLM session security needs a *stateful* keystream (MS-NLMP 3.1.5.1: "RC4 then
 *   continues to generate key stream in order over all messages of the session, without
 *   rekeying"): one handle per direction encrypts every sealed message and every signature
 *   checksum in turn. So this is a small class whose `update` continues where it left off.
 *
 * RC4 is broken as a cipher; it is here only because MS-NLMP mandates it.
 */
export class Rc4 {
  private readonly state = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    if (key.length === 0 || key.length > 256) {
      throw new InvalidArgumentError(`RC4 key must be 1..256 bytes, got ${key.length}`);
    }
    const s = this.state;
    for (let n = 0; n < 256; n++) s[n] = n;
    let j = 0;
    for (let n = 0; n < 256; n++) {
      const sn = s[n] as number;
      j = (j + sn + (key[n % key.length] as number)) & 0xff;
      s[n] = s[j] as number;
      s[j] = sn;
    }
  }

  /** XORs `bytes` with the next `bytes.length` keystream bytes; returns a new array. */
  update(bytes: Uint8Array): Uint8Array {
    const s = this.state;
    const out = new Uint8Array(bytes.length);
    let i = this.i;
    let j = this.j;
    for (let n = 0; n < bytes.length; n++) {
      i = (i + 1) & 0xff;
      const si = s[i] as number;
      j = (j + si) & 0xff;
      const sj = s[j] as number;
      s[i] = sj;
      s[j] = si;
      out[n] = (bytes[n] as number) ^ (s[(si + sj) & 0xff] as number);
    }
    this.i = i;
    this.j = j;
    return out;
  }
}

/** One-shot RC4 with a fresh key state (MS-NLMP 3.1.5.1: RC4K). */
export function rc4(key: Uint8Array, bytes: Uint8Array): Uint8Array {
  return new Rc4(key).update(bytes);
}
