import { md5 } from "../crypto/md5.js";
import { hasFlag, NegotiateFlag } from "./negotiate-flags.js";

/** Which side's key: "client" keys protect client-to-server traffic, "server" keys the reverse. */
export type NtlmKeyMode = "client" | "server";

// MS-NLMP 3.4.5.2 / 3.4.5.3: the constants are "null-terminated ASCII", and the NUL is hashed.
const magic = (text: string): Uint8Array => new TextEncoder().encode(`${text}\0`);
const CLIENT_SIGNING = magic("session key to client-to-server signing key magic constant");
const SERVER_SIGNING = magic("session key to server-to-client signing key magic constant");
const CLIENT_SEALING = magic("session key to client-to-server sealing key magic constant");
const SERVER_SEALING = magic("session key to server-to-client sealing key magic constant");

/**
 * SIGNKEY (MS-NLMP 3.4.5.2). Without extended session security there is no signing key
 * (undefined), and signing would use the NTLMv1 CRC32 scheme, which we do not implement.
 */
export function deriveSigningKey(
  flags: number,
  exportedSessionKey: Uint8Array,
  mode: NtlmKeyMode,
): Uint8Array | undefined {
  if (!hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) return undefined;
  return md5(exportedSessionKey, mode === "client" ? CLIENT_SIGNING : SERVER_SIGNING);
}

/**
 * SEALKEY (MS-NLMP 3.4.5.3), including the key-length rules: with extended session security
 * the key material is cut to 128, 56 or 40 bits (by NTLMSSP_NEGOTIATE_128 / _56) before
 * hashing with the direction's constant; without it, LM_KEY or DATAGRAM sessions use a
 * 64-bit key with 56 or 40 bits of entropy, and any other session seals with the exported key.
 */
export function deriveSealingKey(
  flags: number,
  exportedSessionKey: Uint8Array,
  mode: NtlmKeyMode,
): Uint8Array {
  if (hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
    let key = exportedSessionKey;
    if (!hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_128)) {
      key = exportedSessionKey.subarray(0, hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_56) ? 7 : 5);
    }
    return md5(key, mode === "client" ? CLIENT_SEALING : SERVER_SEALING);
  }
  // NTLMRevisionCurrent is NTLMSSP_REVISION_W2K3 for every implementation we talk to, so the
  // spec's "(DATAGRAM and revision >= W2K3)" reduces to DATAGRAM.
  if (
    hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_LM_KEY) ||
    hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_DATAGRAM)
  ) {
    const key = new Uint8Array(8);
    if (hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_56)) {
      key.set(exportedSessionKey.subarray(0, 7), 0);
      key[7] = 0xa0;
    } else {
      key.set(exportedSessionKey.subarray(0, 5), 0);
      key.set([0xe5, 0x38, 0xb0], 5);
    }
    return key;
  }
  return exportedSessionKey.slice();
}
