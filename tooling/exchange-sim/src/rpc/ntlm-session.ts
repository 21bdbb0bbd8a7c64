import { hmacMd5, md5 } from "../ntlm/crypto.js";

// The server side of NTLM session security with extended session security (MS-NLMP 3.4):
// per-direction signing and sealing keys (3.4.5.2, 3.4.5.3), RC4 handles kept across
// messages, sequence numbers from 0, checksums RC4-encrypted when KEY_EXCH was negotiated.

const NEGOTIATE_KEY_EXCH = 0x4000_0000;
const NEGOTIATE_128 = 0x2000_0000;
const NEGOTIATE_56 = 0x8000_0000;

const magic = (text: string) => Buffer.from(`session key to ${text} key magic constant\0`, "latin1");

/** RC4 whose state carries over between calls (the sealing "handle" of MS-NLMP 3.4.3). */
class Rc4Stream {
  readonly #s = new Uint8Array(256);
  #i = 0;
  #j = 0;
  constructor(key: Uint8Array) {
    for (let i = 0; i < 256; i++) this.#s[i] = i;
    let j = 0;
    for (let i = 0; i < 256; i++) {
      j = (j + (this.#s[i] as number) + (key[i % key.length] as number)) & 0xff;
      [this.#s[i], this.#s[j]] = [this.#s[j] as number, this.#s[i] as number];
    }
  }
  apply(data: Uint8Array): Buffer {
    const out = Buffer.alloc(data.length);
    const s = this.#s;
    for (let n = 0; n < data.length; n++) {
      this.#i = (this.#i + 1) & 0xff;
      this.#j = (this.#j + (s[this.#i] as number)) & 0xff;
      [s[this.#i], s[this.#j]] = [s[this.#j] as number, s[this.#i] as number];
      out[n] = (data[n] as number) ^ (s[((s[this.#i] as number) + (s[this.#j] as number)) & 0xff] as number);
    }
    return out;
  }
}

interface Direction {
  signKey: Uint8Array;
  seal: Rc4Stream;
  sequence: number;
}

function sealKey(sessionKey: Uint8Array, flags: number, text: string): Uint8Array {
  // 3.4.5.3: with extended session security the key is cut to 7 or 5 bytes for 56/40-bit.
  const base =
    flags & NEGOTIATE_128
      ? sessionKey
      : flags & NEGOTIATE_56
        ? sessionKey.subarray(0, 7)
        : sessionKey.subarray(0, 5);
  return md5(base, magic(text));
}

export class ServerNtlmSession {
  readonly #keyExchange: boolean;
  readonly #in: Direction;
  readonly #out: Direction;

  constructor(exportedSessionKey: Uint8Array, flags: number) {
    this.#keyExchange = (flags & NEGOTIATE_KEY_EXCH) !== 0;
    this.#in = {
      signKey: md5(exportedSessionKey, magic("client-to-server signing")),
      seal: new Rc4Stream(sealKey(exportedSessionKey, flags, "client-to-server sealing")),
      sequence: 0,
    };
    this.#out = {
      signKey: md5(exportedSessionKey, magic("server-to-client signing")),
      seal: new Rc4Stream(sealKey(exportedSessionKey, flags, "server-to-client sealing")),
      sequence: 0,
    };
  }

  #signature(direction: Direction, message: Uint8Array): Buffer {
    const sequence = Buffer.alloc(4);
    sequence.writeUInt32LE(direction.sequence++);
    let checksum: Uint8Array = hmacMd5(direction.signKey, sequence, message).subarray(0, 8);
    if (this.#keyExchange) checksum = direction.seal.apply(checksum);
    return Buffer.concat([Buffer.from([1, 0, 0, 0]), checksum, sequence]);
  }

  /** Client → server: decrypts `sealed` (when privacy), then checks the signature over `signed(plain)`. */
  open(
    sealed: Buffer,
    privacy: boolean,
    signed: (plain: Buffer) => Buffer,
    signature: Buffer,
  ): Buffer | undefined {
    const plain = privacy ? this.#in.seal.apply(sealed) : sealed;
    const expected = this.#signature(this.#in, signed(plain));
    return expected.equals(signature) ? plain : undefined;
  }

  /** Server → client: encrypts `plain` (when privacy) and signs `signed`. */
  protect(plain: Buffer, privacy: boolean, signed: Buffer): { data: Buffer; signature: Buffer } {
    const data = privacy ? this.#out.seal.apply(plain) : plain;
    return { data, signature: this.#signature(this.#out, signed) };
  }
}
