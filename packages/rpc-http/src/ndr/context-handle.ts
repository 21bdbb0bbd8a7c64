/**
 * An RPC context handle on the wire (C706 appendix N, ndr_context_handle; MS-RPCE 2.2.4.2):
 * 4 bytes of attributes and a 16-byte UUID. All zeros is the null handle.
 */
export interface ContextHandle {
  readonly attributes: number;
  /** The 16 UUID bytes as sent; opaque to the client. */
  readonly uuid: Uint8Array;
}

export const NULL_CONTEXT_HANDLE: ContextHandle = { attributes: 0, uuid: new Uint8Array(16) };

export function isNullContextHandle(handle: ContextHandle): boolean {
  return handle.attributes === 0 && handle.uuid.every((byte) => byte === 0);
}
