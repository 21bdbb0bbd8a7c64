import { InvalidArgumentError, LimitExceededError, ParseError } from "@mailwire/core";
import { Pop3Limits } from "./limits.js";
import { type Pop3StatusLine, parseStatusLine } from "./status-line.js";

/** One decoded reply to RETR (or TOP): the unstuffed body after +OK, or the -ERR status. */
export type Pop3DecodedReply =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly status: Pop3StatusLine };

export interface RetrReplyDecoderOptions {
  /** Longest status line, CRLF included. Default Pop3Limits.maxLineLength. */
  maxLineLength?: number | undefined;
  /** Longest unstuffed body; a longer one throws LimitExceededError. Default Pop3Limits.maxBufferedMessageBytes. */
  maxBodyBytes?: number | undefined;
  /** Called with each status line (CRLF removed), for the protocol log. */
  onStatusLine?: ((line: Uint8Array) => void) | undefined;
}

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const SPACE = 0x20;
const LF_DOT = Buffer.from([LF, DOT]);
/** The CR of ".\r" when it turns out to be content and arrived at the end of the previous chunk. */
const HELD_CR = Buffer.from([CR]);
/** Capacity of a body whose size the status line does not give. */
const DEFAULT_BODY_CAPACITY = 16 * 1024;
const { indexOf: bufferIndexOf } = Buffer.prototype;
/** The typed-array builtin: cheaper than Buffer#indexOf for the short scan to a status line's LF. */
const { indexOf: byteIndexOf } = Uint8Array.prototype;

/** Where the decoder stands at a chunk boundary. */
const State = {
  /** Reading a status line. */
  status: 0,
  /** In a body, at the first byte of a line. */
  lineStart: 1,
  /** In a body, after "." at line start (the dot is dropped either way). */
  dot: 2,
  /** In a body, after "." CR at line start: an LF now ends the body. */
  dotCr: 3,
  /** In a body, inside a line. */
  inLine: 4,
} as const;
type State = (typeof State)[keyof typeof State];

/**
 * Decodes a stream of replies to pipelined RETR (or TOP) commands, many per chunk, in one
 * synchronous pass (RFC 1939 §3, §5; RFC 2449 §6.6): each reply is a status line, then after
 * `+OK` a dot-terminated body whose dot-stuffing is undone and whose CRLF line ends are kept;
 * `-ERR` has no body. Chunks may split the stream anywhere, the terminator included.
 *
 * Pure (bytes in, values out). Keeps no reference to a chunk after decode() returns (a chunk
 * may live in a reused read buffer): body bytes are unstuffed straight into the body's own
 * Buffer, sized from the octet count of `+OK n octets` when the server sends one (RFC 1939
 * §5 RETR) but never more than maxBodyBytes or Pop3Limits.maxBodyPreallocation ahead of the
 * bytes actually received; it grows by doubling past that. Memory is bounded by
 * maxLineLength for a status line and maxBodyBytes for a body.
 * Only CRLF ends a line: a bare LF neither ends a status line (ParseError) nor starts a
 * body line (so `\n.\r\n` inside a body is content, not a terminator).
 */
export class RetrReplyDecoder {
  readonly maxLineLength: number;
  readonly maxBodyBytes: number;
  readonly #onStatusLine: ((line: Uint8Array) => void) | undefined;
  #state: State = State.status;
  /** The byte before the current chunk was a CR (a CRLF may straddle chunks). */
  #lastWasCr = false;
  /** A status line split across chunks: copies of its pieces so far. */
  readonly #lineParts: Uint8Array[] = [];
  #lineLength = 0;
  /** The current body, unstuffed, and how much of it is filled. */
  #bodyBuffer: Buffer | undefined;
  #bodyLength = 0;
  /** The body's expected size from `+OK n octets`, or 0. */
  #sizeHint = 0;

  constructor(options: RetrReplyDecoderOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? Pop3Limits.maxLineLength;
    this.maxBodyBytes = options.maxBodyBytes ?? Pop3Limits.maxBufferedMessageBytes;
    this.#onStatusLine = options.onStatusLine;
    if (!Number.isSafeInteger(this.maxLineLength) || this.maxLineLength < 3)
      throw new InvalidArgumentError(`maxLineLength must be an integer >= 3, got ${this.maxLineLength}`);
    if (!(this.maxBodyBytes >= 0))
      throw new InvalidArgumentError(`maxBodyBytes must be >= 0, got ${this.maxBodyBytes}`);
  }

  /** True between replies: no status line or body has been started. */
  get atReplyBoundary(): boolean {
    return this.#state === State.status && this.#lineLength === 0;
  }

  /**
   * Decodes `chunk` from `start`, appending each complete reply to `out`, and stops after
   * `wanted` replies. Returns the offset after the last byte it used: chunk.length unless the
   * wanted replies ended earlier (the rest belongs to whatever follows). Throws ParseError for
   * a status line that is not +OK/-ERR or ends with a bare LF, LimitExceededError for an
   * over-long line or body; the decoder must not be used after a throw.
   */
  decode(chunk: Uint8Array, start: number, out: Pop3DecodedReply[], wanted: number): number {
    const length = chunk.length;
    let index = start;
    let done = 0;
    while (index < length && done < wanted) {
      if (this.#state === State.status) {
        const end = this.#statusLine(chunk, index, out);
        if (end < 0) return length;
        index = end;
        if (this.#state === State.status) done++; // -ERR: complete without a body
      } else {
        const end = this.#body(chunk, index, out);
        if (end < 0) return length;
        index = end;
        done++;
      }
    }
    return index;
  }

  /** Reads a status line from `index`; returns the offset after it, or -1 when it continues in the next chunk. */
  #statusLine(chunk: Uint8Array, index: number, out: Pop3DecodedReply[]): number {
    const lf = byteIndexOf.call(chunk, LF, index);
    const partial = this.#lineLength;
    if (lf === -1) {
      // A partial line this long cannot end within the bound (it still needs its LF).
      if (partial + chunk.length - index >= this.maxLineLength) throw this.#lineTooLong();
      // A copy: the chunk may not outlive this call.
      this.#lineParts.push(Buffer.from(chunk.subarray(index)));
      this.#lineLength += chunk.length - index;
      this.#lastWasCr = chunk[chunk.length - 1] === CR;
      return -1;
    }
    if (partial + lf + 1 - index > this.maxLineLength) throw this.#lineTooLong();
    // RFC 1939 §3: lines end with CRLF; a bare LF means we have lost the framing.
    if (!(lf > index ? chunk[lf - 1] === CR : partial > 0 && this.#lastWasCr))
      throw new ParseError("POP3 status line ended with a bare LF instead of CRLF");
    let line: Uint8Array;
    if (partial === 0) line = chunk.subarray(index, lf - 1);
    else {
      this.#lineParts.push(chunk.subarray(index, lf + 1));
      line = Buffer.concat(this.#lineParts, partial + lf + 1 - index).subarray(0, partial + lf - index - 1);
      this.#lineParts.length = 0;
      this.#lineLength = 0;
    }
    // The byte before what follows is this line's LF.
    this.#lastWasCr = false;
    this.#onStatusLine?.(line);
    if (isPositive(line)) {
      this.#state = State.lineStart;
      this.#bodyBuffer = undefined;
      this.#bodyLength = 0;
      this.#sizeHint = octetCount(line);
    } else {
      // -ERR (kept, with its text, for the typed error), or not a status line at all (throws).
      const status = parseStatusLine(line);
      if (status.ok) throw new ParseError("Unexpected +OK form"); // unreachable: isPositive takes every +OK
      out.push({ ok: false, status });
    }
    return lf + 1;
  }

  /**
   * Reads body bytes from `index`; returns the offset after the terminating "." CRLF (the
   * reply is then in `out`), or -1 when the body continues in the next chunk.
   */
  #body(chunk: Uint8Array, index: number, out: Pop3DecodedReply[]): number {
    const length = chunk.length;
    const entry = index;
    let segmentStart = index;
    while (index < length) {
      switch (this.#state) {
        case State.lineStart:
          if (chunk[index] === DOT) {
            // A line that starts with "." has that dot removed (RFC 1939 §3).
            this.#add(chunk, segmentStart, index);
            index++;
            segmentStart = index;
            this.#state = State.dot;
          } else this.#state = State.inLine;
          break;
        case State.dot:
          if (chunk[index] === CR) {
            // Held back: "." CRLF is the terminator, not content.
            index++;
            segmentStart = index;
            this.#state = State.dotCr;
          } else this.#state = State.inLine;
          break;
        case State.dotCr:
          if (chunk[index] === LF) return this.#finish(out, index + 1);
          // The held-back CR was content after all: it sits right before `index`, or ended the last chunk.
          if (index > entry) segmentStart = index - 1;
          else this.#add(HELD_CR, 0, 1);
          this.#state = State.inLine;
          break;
        default: {
          // Inside a line, only LF "." can start anything: jump from one to the next with a
          // native search instead of looking at every byte.
          let hit = bufferIndexOf.call(chunk, LF_DOT, index) as number;
          while (hit !== -1 && !(hit > 0 ? chunk[hit - 1] === CR : this.#lastWasCr))
            hit = bufferIndexOf.call(chunk, LF_DOT, hit + 1) as number;
          if (hit === -1) {
            const last = chunk[length - 1];
            // A CRLF at the very end of the chunk: the next chunk starts a line.
            if (last === LF && (length - 1 > 0 ? chunk[length - 2] === CR : this.#lastWasCr))
              this.#state = State.lineStart;
            index = length;
            break;
          }
          const dot = hit + 1;
          if (dot + 2 < length) {
            // The common cases, decided without leaving the fast path.
            this.#add(chunk, segmentStart, dot);
            if (chunk[dot + 1] === CR && chunk[dot + 2] === LF) return this.#finish(out, dot + 3);
            index = dot + 1;
            segmentStart = index;
          } else {
            // Too close to the chunk's end to decide: let the line-start states carry it over.
            index = dot;
            this.#state = State.lineStart;
          }
        }
      }
    }
    if (length > segmentStart) this.#add(chunk, segmentStart, length);
    this.#lastWasCr = chunk[length - 1] === CR;
    return -1;
  }

  #add(chunk: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    const length = this.#bodyLength;
    const needed = length + to - from;
    if (needed > this.maxBodyBytes) {
      throw new LimitExceededError(`A message body longer than ${this.maxBodyBytes} bytes`, {
        limit: "maxBodyBytes",
        max: this.maxBodyBytes,
      });
    }
    let body = this.#bodyBuffer;
    if (body === undefined || needed > body.length) {
      // The first bytes: as much as the status line announced, within bounds; later, double.
      const wanted =
        body === undefined
          ? Math.max(
              needed,
              Math.min(this.#sizeHint || DEFAULT_BODY_CAPACITY, Pop3Limits.maxBodyPreallocation),
            )
          : Math.max(needed, body.length * 2);
      const grown = Buffer.allocUnsafe(Math.min(wanted, Math.max(needed, this.maxBodyBytes)));
      if (body !== undefined && length > 0) grown.set(body.subarray(0, length));
      body = grown;
      this.#bodyBuffer = body;
    }
    body.set(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to), length);
    this.#bodyLength = needed;
  }

  /** The terminator ended at `end`: hands out the body and returns to reading status lines. */
  #finish(out: Pop3DecodedReply[], end: number): number {
    out.push({ ok: true, body: this.#collect() });
    this.#bodyBuffer = undefined;
    this.#bodyLength = 0;
    this.#state = State.status;
    this.#lastWasCr = false;
    return end;
  }

  #collect(): Buffer {
    const body = this.#bodyBuffer;
    const length = this.#bodyLength;
    if (body === undefined) return Buffer.alloc(0);
    if (length === body.length) return body;
    // The announced size was wrong, or there was none: hand out exactly the body, not the slack.
    return Buffer.from(body.subarray(0, length));
  }

  #lineTooLong(): LimitExceededError {
    return new LimitExceededError(`POP3 status line longer than ${this.maxLineLength} bytes`, {
      limit: "maxLineLength",
      max: this.maxLineLength,
    });
  }
}

/**
 * The octet count of `+OK n octets` (RFC 1939 §5 RETR; TOP has none), or 0. Only a hint for
 * the first allocation: the body ends at its terminator whatever the count says.
 */
function octetCount(line: Uint8Array): number {
  let count = 0;
  let index = 4;
  for (; index < line.length && index < 20; index++) {
    const digit = (line[index] as number) - 0x30;
    if (digit < 0 || digit > 9) break;
    count = count * 10 + digit;
  }
  return index > 4 && (index === line.length || line[index] === SPACE) ? count : 0;
}

/** `+OK` alone or followed by a space, any case (as parseStatusLine accepts it). */
function isPositive(line: Uint8Array): boolean {
  return (
    line.length >= 3 &&
    line[0] === 0x2b &&
    ((line[1] as number) | 0x20) === 0x6f &&
    ((line[2] as number) | 0x20) === 0x6b &&
    (line.length === 3 || line[3] === SPACE)
  );
}
