import { concatBytes } from "@mailwire/core";
import { COMMON_HEADER_LENGTH } from "./constants.js";
import { DceRpcLimits } from "./limits.js";
import { decodeCommonHeader } from "./pdu-decode.js";

/**
 * Splits a byte stream into whole PDUs by their frag_length (C706 12.6.3.1), keeping partial
 * input between pushes. A header with a bad version or a frag_length above `maxFragLength`
 * throws (ParseError / LimitExceededError) as soon as its 16 bytes are in, before the body
 * is buffered; after that the framer is unusable, as the stream has lost its framing.
 */
export class PduFramer {
  readonly #maxFragLength: number;
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  #failed: Error | undefined;

  constructor(options: { maxFragLength?: number } = {}) {
    this.#maxFragLength = options.maxFragLength ?? DceRpcLimits.maxFragLength;
  }

  /** Bytes held that do not yet make a whole PDU. */
  get buffered(): number {
    return this.#pendingLength;
  }

  /** Adds bytes; returns every PDU they complete (each a copy that owns its memory). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failed) throw this.#failed;
    if (chunk.length > 0) {
      this.#pending.push(chunk);
      this.#pendingLength += chunk.length;
    }
    const out: Uint8Array[] = [];
    while (this.#pendingLength >= COMMON_HEADER_LENGTH) {
      const head = this.#peek(COMMON_HEADER_LENGTH);
      let fragLength: number;
      try {
        fragLength = decodeCommonHeader(head, this.#maxFragLength).fragLength;
      } catch (error) {
        this.#failed = error as Error;
        this.#pending = [];
        this.#pendingLength = 0;
        throw error;
      }
      if (this.#pendingLength < fragLength) break;
      out.push(this.#take(fragLength));
    }
    return out;
  }

  #peek(count: number): Uint8Array {
    const first = this.#pending[0] as Uint8Array;
    if (first.length >= count) return first.subarray(0, count);
    this.#pending = [concatBytes(...this.#pending)];
    return (this.#pending[0] as Uint8Array).subarray(0, count);
  }

  #take(count: number): Uint8Array {
    const first = this.#pending[0] as Uint8Array;
    if (first.length < count) this.#pending = [concatBytes(...this.#pending)];
    const joined = this.#pending[0] as Uint8Array;
    const pdu = joined.slice(0, count);
    const rest = joined.subarray(count);
    this.#pending = rest.length > 0 ? [rest, ...this.#pending.slice(1)] : this.#pending.slice(1);
    this.#pendingLength -= count;
    return pdu;
  }
}
