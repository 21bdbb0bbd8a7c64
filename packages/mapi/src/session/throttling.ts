import { ProtocolError, ServerBusyError } from "@mailwire/core";
import type { RopBackoffResponse } from "../rops/errors.js";
import {
  decodeRopResponseBuffer,
  encodeRopRequestBuffer,
  type RopRequest,
  type RopResponseBuffer,
} from "../rops/rop-buffer.js";
import { RopId } from "../rops/rop-id.js";

/** Responses that answer no request of their own (MS-OXCROPS 2.2.14, 2.2.15). */
const UNSOLICITED = new Set(["RopNotify", "RopPending", "RopBackoff", "RopBufferTooSmall"]);

/**
 * What RopBackoff asked for (MS-OXCROPS 2.2.15.2): no ROP of the logon before `until`, no ROP
 * of a listed id before its own time. Later batches that would break it fail at once with
 * ServerBusyError instead of reaching the server.
 */
export class BackoffState {
  #until = 0;
  readonly #perRop = new Map<number, number>();

  record(backoff: RopBackoffResponse, now: number): void {
    this.#until = Math.max(this.#until, now + backoff.duration);
    for (const rop of backoff.backoffRops) {
      this.#perRop.set(
        rop.ropIdBackoff,
        Math.max(this.#perRop.get(rop.ropIdBackoff) ?? 0, now + rop.duration),
      );
    }
  }

  /** Milliseconds the server asked us to hold these ROPs back; 0 when they may go now. */
  waitFor(rops: readonly RopRequest[], now: number): number {
    let until = this.#until;
    for (const rop of rops) until = Math.max(until, this.#perRop.get(RopId[rop.rop]) ?? 0);
    return Math.max(0, until - now);
  }

  check(rops: readonly RopRequest[], now: number): void {
    const wait = this.waitFor(rops, now);
    if (wait > 0) {
      throw new ServerBusyError(`The server asked for a pause (RopBackoff): retry in ${wait} ms`, {
        retryAfterMs: wait,
      });
    }
  }
}

/**
 * After a RopBackoff: when the server left ROPs of the batch unanswered, the batch did not
 * complete and the caller gets ServerBusyError with the longest wait that applies to them.
 */
export function checkBackoff(
  rops: readonly RopRequest[],
  buffer: RopResponseBuffer,
  state: BackoffState,
  now: number,
): void {
  const backoffs = buffer.responses.filter((r): r is RopBackoffResponse => r.rop === "RopBackoff");
  if (backoffs.length === 0) return;
  for (const backoff of backoffs) state.record(backoff, now);
  const answered = buffer.responses.filter((r) => !UNSOLICITED.has(r.rop)).length;
  const expected = rops.filter((r) => r.rop !== "RopRelease");
  if (answered >= expected.length) return;
  const wait = Math.max(1, state.waitFor(expected.slice(answered), now));
  throw new ServerBusyError(
    `The server is throttling this session (RopBackoff): ${expected.length - answered} ROPs were not run, retry in ${wait} ms`,
    { retryAfterMs: wait },
  );
}

/** The ROP section (after RopSize, before the handle table) an encoding of `rops` would have. */
function ropSection(rops: readonly RopRequest[], handles: readonly number[]): Uint8Array {
  const full = encodeRopRequestBuffer({ rops, handles });
  const ropSize = (full[0] as number) | ((full[1] as number) << 8);
  return full.subarray(2, ropSize);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Where the unprocessed ROPs RopBufferTooSmall returned start among `rops`. */
function remainderStart(
  rops: readonly RopRequest[],
  handles: readonly number[],
  remainder: Uint8Array,
): number {
  for (let start = rops.length - 1; start >= 0; start--) {
    const section = ropSection(rops.slice(start), handles);
    if (section.length > remainder.length) break;
    if (sameBytes(section, remainder)) return start;
  }
  throw new ProtocolError("RopBufferTooSmall returned ROPs that are not the end of the request");
}

/**
 * RopBufferTooSmall (MS-OXCROPS 2.2.15.1, MS-OXCRPC 3.1.4.2.1.1.1): the server ran out of
 * output space and returned the ROPs it did not process. They never ran, so they are sent
 * again — only they, with the handle table as the server left it — until every ROP has an
 * answer. A round in which the server processes nothing fails instead of looping.
 */
export async function completeAfterBufferTooSmall(
  rops: readonly RopRequest[],
  buffer: RopResponseBuffer,
  execute: (request: Uint8Array) => Promise<Uint8Array>,
): Promise<RopResponseBuffer> {
  let current = buffer;
  let offset = 0;
  for (;;) {
    const last = current.responses.at(-1);
    if (last?.rop !== "RopBufferTooSmall") return current;
    const pending = rops.slice(offset);
    const start = remainderStart(pending, current.handles, last.requestBuffers);
    if (start === 0) {
      throw new ProtocolError(
        `The server's ROP output buffer is too small for ${pending[0]?.rop ?? "the batch"} (needs ${last.sizeNeeded} bytes)`,
      );
    }
    offset += start;
    const rest = rops.slice(offset);
    const next = decodeRopResponseBuffer(
      await execute(encodeRopRequestBuffer({ rops: rest, handles: current.handles })),
      rest,
    );
    current = { responses: [...current.responses.slice(0, -1), ...next.responses], handles: next.handles };
  }
}
