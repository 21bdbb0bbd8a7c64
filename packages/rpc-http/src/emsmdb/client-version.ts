/**
 * The three WORDs of rgwClientVersion/rgwServerVersion (MS-OXCRPC 3.1.4.1.3): with the high
 * bit of the second WORD set, WORD0 holds major (high byte) and minor (low byte), WORD1's
 * low 15 bits the build, WORD2 the minor build; without it, WORD0 is the major version, the
 * minor version is 0, WORD1 the build and WORD2 the minor build.
 */
export interface MapiVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  readonly minorBuild: number;
}

export function encodeMapiVersion(version: MapiVersion): [number, number, number] {
  return [
    ((version.major & 0xff) << 8) | (version.minor & 0xff),
    0x8000 | (version.build & 0x7fff),
    version.minorBuild & 0xffff,
  ];
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
