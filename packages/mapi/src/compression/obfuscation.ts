/** The byte every payload byte is XORed with when RPC_HEADER_EXT.Flags has XorMagic (MS-OXCRPC 3.1.4.1.1.3). */
export const XOR_MAGIC = 0xa5;

/**
 * MS-OXCRPC 3.1.4.1.1.3 obfuscation: every byte XOR 0xA5. It hides nothing from anyone who
 * looks (the spec says so); it exists so that casual inspection of the wire shows no text.
 * The operation is its own inverse. Returns a new array; the input is left untouched.
 */
export function xorMagic(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i] as number) ^ XOR_MAGIC;
  return out;
}
