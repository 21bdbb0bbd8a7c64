import { concatBytes, LimitExceededError, ProtocolError } from "@mailwire/core";
import { PfcFlag } from "./constants.js";
import { DceRpcLimits } from "./limits.js";

/**
 * Reassembles the stub of one fragmented request or response (C706 12.6.3.1, PFC_FIRST_FRAG
 * through PFC_LAST_FRAG). alloc_hint is only a hint from the peer, so nothing is allocated
 * from it; the total is bounded by `maxStubLength`.
 */
export class StubAssembler {
  readonly #maxStubLength: number;
  #parts: Uint8Array[] = [];
  #length = 0;
  #started = false;

  constructor(options: { maxStubLength?: number } = {}) {
    this.#maxStubLength = options.maxStubLength ?? DceRpcLimits.maxStubLength;
  }

  get started(): boolean {
    return this.#started;
  }

  /** Adds one fragment's (unsealed, unpadded) stub; returns the whole stub after the last fragment. */
  add(flags: number, stub: Uint8Array): Uint8Array | undefined {
    const first = (flags & PfcFlag.FIRST_FRAG) !== 0;
    if (first && this.#started) throw new ProtocolError("A new first fragment arrived before the last one");
    if (!first && !this.#started) throw new ProtocolError("A fragment arrived without a first fragment");
    this.#started = true;
    if (this.#length + stub.length > this.#maxStubLength) {
      throw new LimitExceededError(`Reassembled stub exceeds ${this.#maxStubLength} bytes`, {
        limit: "maxStubLength",
        max: this.#maxStubLength,
      });
    }
    this.#parts.push(stub);
    this.#length += stub.length;
    if ((flags & PfcFlag.LAST_FRAG) === 0) return undefined;
    const whole = this.#parts.length === 1 ? (this.#parts[0] as Uint8Array) : concatBytes(...this.#parts);
    this.#parts = [];
    this.#length = 0;
    this.#started = false;
    return whole;
  }
}

/**
 * How many stub bytes fit in one request/response fragment of `maxFrag` bytes: the 24-byte
 * header, and with an auth verifier its sec_trailer and `authLength` bytes. With auth the
 * chunk is a multiple of 16 so that only the last fragment needs auth padding (the
 * sec_trailer is 16-byte aligned to the PDU body, MS-RPCE 2.2.2.11).
 */
export function fragmentStubSize(maxFrag: number, authLength: number | undefined, headerLength = 24): number {
  const room = maxFrag - headerLength - (authLength === undefined ? 0 : 8 + authLength);
  const size = authLength === undefined ? room : room - (room % 16);
  if (size < 16) throw new ProtocolError(`max_xmit_frag ${maxFrag} leaves no room for stub data`);
  return size;
}
