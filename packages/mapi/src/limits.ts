/**
 * Every bound the MAPI codecs enforce on untrusted bytes, in one place. A decoder never
 * allocates by a length or count it read until that value has been checked against one of
 * these and against the bytes actually left in the input.
 */
export const MapiLimits = {
  /**
   * Largest uncompressed payload of one RPC_HEADER_EXT. SizeActual is a 16-bit field
   * (MS-OXCRPC 2.2.2.1), so no honest header can exceed 0xFFFF; the limit only states that
   * bound explicitly so the allocation is visibly capped.
   */
  maxRpcHeaderExtPayload: 0xffff,
  /**
   * Total decompressed bytes accepted from one chain of RPC_HEADER_EXT segments. EcDoRpcExt2
   * caps pcbOut at 0x40000 (MS-OXCRPC 3.1.4.2) and MAPI/HTTP Execute responses are of the
   * same order; 4 MiB leaves headroom for servers that chain more while still refusing a
   * chain crafted to expand without bound.
   */
  maxRpcHeaderExtChainTotal: 4 * 1024 * 1024,
  /** Segments in one chain: each carries at least an 8-byte header, 4096 covers any real buffer. */
  maxRpcHeaderExtSegments: 4096,
  /**
   * Default output ceiling for `decompressLz77` when the caller gives no expected size.
   * Plain LZ77 can expand a few bytes into gigabytes (MS-XCA 2.3 allows 32-bit match
   * lengths), so an explicit ceiling is mandatory; 16 MiB exceeds any MAPI buffer.
   */
  maxLz77Output: 16 * 1024 * 1024,
  /**
   * Nesting depth of restrictions (MS-OXCDATA 2.12): And/Or/Not/SubObject/Comment/Count
   * recurse. Real client filters nest a handful of levels; 64 is generous and keeps the
   * recursive decoder far from the JavaScript stack limit on hostile input.
   */
  maxRestrictionDepth: 64,
  /**
   * Server object handle table entries. ROPs address handles with a one-byte index
   * (MS-OXCROPS 2.2.1), so a table longer than 256 entries can never be addressed.
   */
  maxServerObjectHandles: 256,
  /**
   * Largest RAWSIZE `decompressRtf` accepts (MS-OXRTFCP 2.1.3.1.1: a 32-bit field, so a
   * 60-byte header could ask for 4 GiB). RTF bodies with embedded pictures reach a few MiB;
   * 32 MiB keeps them while refusing a header crafted to make us allocate gigabytes.
   */
  maxRtfRawSize: 32 * 1024 * 1024,
} as const;

export type MapiLimits = typeof MapiLimits;
