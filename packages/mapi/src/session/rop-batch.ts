import { ProtocolError } from "@mailwire/core";
import type { RopNotifyResponse } from "../rops/notification.js";
import {
  encodeRopRequestBuffer,
  type RopAnswer,
  type RopRequest,
  type RopResponseBuffer,
} from "../rops/rop-buffer.js";
import { RopReturnValue } from "../rops/rop-id.js";
import { MapiRopError } from "./errors.js";

/** A handle-table slot no server object fills yet (MS-OXCROPS 2.2.1). */
export const NO_HANDLE = 0xffffffff;

/**
 * Collects the ROPs of one Execute and the server object handle table they index
 * (MS-OXCROPS 2.2.1): existing objects are placed once and shared by every ROP using them;
 * each ROP that creates an object gets a fresh slot, which the server fills in.
 */
export class RopBatch {
  readonly rops: RopRequest[] = [];
  readonly handles: number[] = [];
  readonly #slots = new Map<number, number>();

  /** The slot of an existing server object. */
  input(handle: number): number {
    const known = this.#slots.get(handle);
    if (known !== undefined) return known;
    const slot = this.handles.push(handle) - 1;
    this.#slots.set(handle, slot);
    return slot;
  }

  /** A new slot for an object a ROP of this batch creates. */
  output(): number {
    return this.handles.push(NO_HANDLE) - 1;
  }

  /** Adds a ROP; returns its position, to find its response with. */
  add(request: RopRequest): number {
    return this.rops.push(request) - 1;
  }

  get size(): number {
    return this.rops.length;
  }

  encode(): Uint8Array {
    return encodeRopRequestBuffer({ rops: this.rops, handles: this.handles });
  }
}

type AnswerOf<N extends RopAnswer["rop"]> = Extract<RopAnswer, { readonly rop: N }>;

/** The responses of one batch, matched to its ROPs by position. */
export class RopBatchResult {
  readonly #requests: readonly RopRequest[];
  readonly #answers: (RopAnswer | undefined)[] = [];
  readonly #handles: readonly number[];
  /** RopNotify responses the server put into this buffer (MS-OXCNOTIF 2.2.1.4.1). */
  readonly notifications: RopNotifyResponse[] = [];

  constructor(requests: readonly RopRequest[], buffer: RopResponseBuffer) {
    this.#requests = requests;
    this.#handles = buffer.handles;
    const answers: RopAnswer[] = [];
    for (const response of buffer.responses) {
      switch (response.rop) {
        case "RopNotify":
          this.notifications.push(response);
          break;
        case "RopPending":
        case "RopBackoff":
          break;
        case "RopBufferTooSmall":
          // The session never asks for chained buffers, and its batches are small; a server
          // that still runs out must not have the rest of the batch replayed behind our back.
          throw new ProtocolError(
            `The server's ROP output buffer was too small (needs ${response.sizeNeeded})`,
          );
        default:
          answers.push(response);
      }
    }
    let next = 0;
    for (const request of requests) {
      this.#answers.push(request.rop === "RopRelease" ? undefined : answers[next++]);
    }
  }

  /** The response to the ROP at `position`; throws MapiRopError when it failed. */
  response<N extends RopAnswer["rop"]>(position: number, rop: N): AnswerOf<N> {
    const answer = this.maybeFailed(position, rop);
    if (answer.returnValue !== RopReturnValue.Success) throw new MapiRopError(rop, answer.returnValue);
    return answer;
  }

  /** The response, whatever its ReturnValue. */
  maybeFailed<N extends RopAnswer["rop"]>(position: number, rop: N): AnswerOf<N> {
    const request = this.#requests[position];
    const answer = this.#answers[position];
    if (request?.rop !== rop) throw new ProtocolError(`No ${rop} at position ${position} of the batch`);
    if (answer === undefined || answer.rop !== rop) {
      throw new ProtocolError(`The server did not answer ${rop} (position ${position})`);
    }
    return answer as AnswerOf<N>;
  }

  /** The server handle the response handle table holds at `slot`. */
  handle(slot: number): number {
    const handle = this.#handles[slot];
    if (handle === undefined || handle === NO_HANDLE) {
      throw new ProtocolError(`The server returned no handle in slot ${slot}`);
    }
    return handle;
  }
}
