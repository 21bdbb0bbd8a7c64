import { ErrorCode } from "@mailwire/core";
import { RpcHttpError } from "../rpc-http-error.js";
import { MAX_PDU_SIZE } from "./limits.js";
import { COMMON_HEADER_SIZE } from "./rts-constants.js";

/**
 * Cuts a byte stream (the OUT channel's response body, or the IN channel's request body on
 * the proxy side) into whole PDUs by the frag_length of each C706 common header (12.6.1).
 * Keeps partial input between chunks; never allocates more than one PDU's frag_length, and
 * frag_length is checked against `maxPduSize` before anything is buffered for it.
 */
export class PduFramer {
  readonly #maxPduSize: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  constructor(options: { maxPduSize?: number } = {}) {
    this.#maxPduSize = Math.min(options.maxPduSize ?? MAX_PDU_SIZE, MAX_PDU_SIZE);
  }

  /** Bytes held that do not yet form a whole PDU. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /** Adds a chunk; returns the PDUs it completed, in order (each its own copy). */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (chunk.length === 0) return out;
    let data: Uint8Array;
    if (this.#pendingBytes === 0) data = chunk;
    else {
      data = new Uint8Array(this.#pendingBytes + chunk.length);
      let at = 0;
      for (const piece of this.#pending) {
        data.set(piece, at);
        at += piece.length;
      }
      data.set(chunk, at);
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    let offset = 0;
    while (data.length - offset >= 10) {
      const fragLength = (data[offset + 8] ?? 0) | ((data[offset + 9] ?? 0) << 8);
      this.#check(data, offset, fragLength);
      if (data.length - offset < fragLength) break;
      out.push(copyOf(data.subarray(offset, offset + fragLength)));
      offset += fragLength;
    }
    if (offset < data.length) {
      const rest = data.subarray(offset);
      // Keep a copy only when the caller's chunk is what remains: it may reuse its buffer.
      const kept = rest.buffer === chunk.buffer ? copyOf(rest) : rest;
      this.#pending.push(kept);
      this.#pendingBytes = kept.length;
    }
    return out;
  }

  #check(data: Uint8Array, offset: number, fragLength: number): void {
    if (data[offset] !== 5) {
      throw new RpcHttpError("not a DCE/RPC PDU (rpc_vers is not 5)", {
        code: ErrorCode.PARSE,
        details: { rpcVersion: data[offset] },
      });
    }
    if (fragLength < COMMON_HEADER_SIZE) {
      throw new RpcHttpError("PDU frag_length shorter than the common header", {
        code: ErrorCode.PARSE,
        details: { fragLength },
      });
    }
    if (fragLength > this.#maxPduSize) {
      throw new RpcHttpError("PDU frag_length exceeds the limit", {
        code: ErrorCode.LIMIT_EXCEEDED,
        details: { fragLength, limit: this.#maxPduSize },
      });
    }
  }
}

/** A plain Uint8Array copy (Buffer's `slice` would return a view of the same memory). */
function copyOf(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}
