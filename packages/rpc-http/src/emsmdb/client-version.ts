import { InvalidArgumentError } from "@mailwire/core";

/**
 * A version as EcDoConnectEx carries it in rgwClientVersion, rgwServerVersion and
 * rgwBestVersion (MS-OXCRPC 3.1.4.1): three 16-bit WORDs whose reading MS-OXCRPC 3.1.9
 * defines, and which 3.1.4.1.3 (version checking) and 3.2.4.1.3.2 (client versions) compare.
 *
 * - The high-order bit of WORD1 set: WORD0 carries major (high byte) and minor (low byte),
 *   WORD1's low 15 bits the build, WORD2 the minor build ("16.0.4266.1001" is
 *   0x1000 0x90AA 0x03E9).
 * - That bit clear (the older form): WORD0 is the major version, the minor version is 0,
 *   WORD1 the build and WORD2 the minor build ("12.0.6206.1000" is 0x000C 0x183E 0x03E8).
 *
 * Either way the build has 15 bits; a major or minor past a byte fits only the older form
 * and only with minor 0.
 */
export interface MapiVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  readonly minorBuild: number;
}

const isWord = (value: number, max: number) => Number.isInteger(value) && value >= 0 && value <= max;

/**
 * The three WORDs for `version`: the high-bit form when the major version fits a byte, else
 * the older form. InvalidArgumentError for a version neither form can carry, instead of
 * sending a truncated one.
 */
export function encodeMapiVersion(version: MapiVersion): [number, number, number] {
  const { major, minor, build, minorBuild } = version;
  if (
    !isWord(build, 0x7fff) ||
    !isWord(minorBuild, 0xffff) ||
    !isWord(major, 0xffff) ||
    !isWord(minor, 0xff)
  ) {
    throw new InvalidArgumentError(
      `MAPI version ${formatMapiVersion(version)} does not fit rgwClientVersion`,
    );
  }
  if (major <= 0xff) return [(major << 8) | minor, 0x8000 | build, minorBuild];
  if (minor !== 0) {
    throw new InvalidArgumentError(
      `MAPI version ${formatMapiVersion(version)} does not fit rgwClientVersion`,
    );
  }
  return [major, build, minorBuild];
}

export function decodeMapiVersion(words: readonly number[]): MapiVersion {
  const [w0 = 0, w1 = 0, w2 = 0] = words;
  if (w1 & 0x8000) return { major: w0 >> 8, minor: w0 & 0xff, build: w1 & 0x7fff, minorBuild: w2 };
  return { major: w0, minor: 0, build: w1, minorBuild: w2 };
}

export function formatMapiVersion(version: MapiVersion): string {
  return `${version.major}.${version.minor}.${version.build}.${version.minorBuild}`;
}

/**
 * What the client announces: Outlook 2016's 16.0.4266.1001, a version past every behavior
 * switch of MS-OXCRPC 3.2.4.1.3.2 (Unicode recipient rows, ecServerBusy back-off, ...), which
 * the ROP codec of @mailwire/mapi implements.
 */
export const DEFAULT_CLIENT_VERSION: MapiVersion = { major: 16, minor: 0, build: 4266, minorBuild: 1001 };
