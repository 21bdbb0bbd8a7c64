import type { ByteReader } from "../bytes/byte-reader.js";
import type { ByteWriter } from "../bytes/byte-writer.js";

/** VERSION structure, MS-NLMP 2.2.2.10. Debugging information only; never used for decisions. */
export interface NtlmVersion {
  readonly productMajorVersion: number;
  readonly productMinorVersion: number;
  readonly productBuild: number;
  /** NTLMRevisionCurrent; 0x0F (NTLMSSP_REVISION_W2K3) is the only value in use. */
  readonly ntlmRevision: number;
}

export const NTLMSSP_REVISION_W2K3 = 0x0f;

/**
 * What we send when NTLMSSP_NEGOTIATE_VERSION is set. The spec says the field is for
 * debugging only, so we claim Windows 10.0 with build 0 rather than fingerprint the host.
 */
export const DEFAULT_NTLM_VERSION: NtlmVersion = Object.freeze({
  productMajorVersion: 10,
  productMinorVersion: 0,
  productBuild: 0,
  ntlmRevision: NTLMSSP_REVISION_W2K3,
});

export const VERSION_LENGTH = 8;

export function readVersion(reader: ByteReader): NtlmVersion {
  const productMajorVersion = reader.u8();
  const productMinorVersion = reader.u8();
  const productBuild = reader.u16();
  reader.skip(3);
  const ntlmRevision = reader.u8();
  return { productMajorVersion, productMinorVersion, productBuild, ntlmRevision };
}

/** Writes the 8-byte structure, or 8 zero bytes when `version` is undefined (flag not set). */
export function writeVersion(writer: ByteWriter, version: NtlmVersion | undefined): void {
  if (version === undefined) {
    writer.zeros(VERSION_LENGTH);
    return;
  }
  writer
    .u8(version.productMajorVersion)
    .u8(version.productMinorVersion)
    .u16(version.productBuild)
    .zeros(3)
    .u8(version.ntlmRevision);
}
