/** One ROP the server asks the client to hold back, and for how long (MS-OXCROPS 2.2.15.2.1.1). */
export interface BackoffRop {
  readonly ropIdBackoff: number;
  readonly duration: number;
}

/**
 * RopBackoff (MS-OXCROPS 2.2.15.2): throttling. Duration is in milliseconds, for the whole
 * logon and per ROP.
 */
export interface RopBackoffResponse {
  readonly rop: "RopBackoff";
  readonly logonId: number;
  readonly duration: number;
  readonly backoffRops: readonly BackoffRop[];
  readonly additionalData: Uint8Array;
}

/**
 * RopBufferTooSmall (MS-OXCROPS 2.2.15.1): the response buffer ran out; the ROPs not executed
 * follow verbatim, to be resent with a buffer of at least SizeNeeded bytes.
 */
export interface RopBufferTooSmallResponse {
  readonly rop: "RopBufferTooSmall";
  readonly sizeNeeded: number;
  readonly requestBuffers: Uint8Array;
}
