import { InvalidArgumentError } from "../../errors/error-classes.js";

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const LF_DOT = Buffer.from([LF, DOT]);
const { indexOf: bufferIndexOf } = Buffer.prototype;

/** Position of the next LF followed by ".", or -1: a native substring search over any Uint8Array. */
function indexOfLfDot(chunk: Uint8Array, from: number): number {
  return bufferIndexOf.call(chunk, LF_DOT, from);
}

/** Where the decoder is relative to line structure; carried across chunks. */
const State = {
  /** At the first byte of a line. */
  lineStart: 0,
  /** Read `.` at line start; it is dropped either way. */
  dot: 1,
  /** Read `.` CR at line start; an LF now ends the body. */
  dotCr: 2,
  /** Inside a line. */
  inLine: 3,
  /** The terminating line has been read. */
  done: 4,
} as const;
type State = (typeof State)[keyof typeof State];

export interface DotDecoderOptions {
  /**
   * Treat a bare LF as a line break when looking for line starts and the terminator. Off by
   * default: a body that the server stored with bare LFs may contain `\n.\r\n`, which the
   * server did not dot-stuff because to it that is not a line start. Ending the body there
   * would hand the rest of the message to the caller as protocol replies (the smuggling
   * flaw SMTP servers had in 2023).
   */
  allowBareLf?: boolean | undefined;
}

export interface DotDecodeResult {
  /** Body bytes decoded from this chunk, in order; views of the chunk (never copies) except a released CR. */
  readonly body: readonly Uint8Array[];
  /** True once the terminating `.` line has been read. */
  readonly done: boolean;
  /** Bytes of the chunk after the terminating line; they belong to whatever follows. */
  readonly rest: Uint8Array | undefined;
}

/**
 * Decodes a dot-terminated multi-line body (POP3 RFC 1939 §3, SMTP-style): a line that
 * begins with `.` has that dot removed ("dot-stuffing" undone), and the line `.` alone ends
 * the body. A streaming state machine: it holds no bytes between chunks (at most one CR is
 * pending), so it has no line length limit and memory does not depend on the body size.
 * The body keeps its CRLF line endings. Pure: no I/O.
 */
export class DotTerminatedDecoder {
  readonly allowBareLf: boolean;
  #state: State = State.lineStart;
  /** The last byte of the previous chunk was a CR inside a line. */
  #lastWasCr = false;

  constructor(options: DotDecoderOptions = {}) {
    this.allowBareLf = options.allowBareLf ?? false;
  }

  get done(): boolean {
    return this.#state === State.done;
  }

  /** Back to the start of a new body, so one decoder serves every body of a connection. */
  reset(): void {
    this.#state = State.lineStart;
    this.#lastWasCr = false;
  }

  decode(chunk: Uint8Array): DotDecodeResult {
    if (this.#state === State.done)
      throw new InvalidArgumentError("The dot-terminated body has already ended");
    const body: Uint8Array[] = [];
    const length = chunk.length;
    let segmentStart = 0;
    let index = 0;
    while (index < length) {
      const byte = chunk[index] as number;
      switch (this.#state) {
        case State.lineStart:
          if (byte === DOT) {
            if (index > segmentStart) body.push(chunk.subarray(segmentStart, index));
            index++;
            segmentStart = index;
            this.#state = State.dot;
          } else {
            this.#state = State.inLine;
          }
          break;
        case State.dot:
          if (byte === CR) {
            // Hold the CR back: if an LF follows, `.` CRLF is the terminator, not content.
            index++;
            segmentStart = index;
            this.#state = State.dotCr;
          } else if (byte === LF && this.allowBareLf) {
            return this.#finish(body, chunk, index + 1);
          } else {
            this.#state = State.inLine;
          }
          break;
        case State.dotCr:
          if (byte === LF) return this.#finish(body, chunk, index + 1);
          // The CR held back after `.` was content after all (a fresh array: callers own what we return).
          body.push(Uint8Array.of(CR));
          this.#lastWasCr = true;
          this.#state = State.inLine;
          break;
        default: {
          // inLine: only a line that starts with "." needs the state machine, so jump straight to
          // the next LF "." pair (one memmem-style search per chunk instead of one scan per line).
          let hit = indexOfLfDot(chunk, index);
          while (hit !== -1 && !this.#endsLine(chunk, hit)) hit = indexOfLfDot(chunk, hit + 1);
          if (hit !== -1) {
            this.#lastWasCr = false;
            index = hit + 1;
            this.#state = State.lineStart;
            break;
          }
          // No dot line ahead in this chunk: only its last bytes matter for the next one.
          const last = chunk[length - 1];
          if (last === LF && length - 1 >= index && this.#endsLine(chunk, length - 1)) {
            this.#state = State.lineStart;
          }
          // Remember a trailing CR: an LF opening the next chunk completes its CRLF.
          this.#lastWasCr = last === CR;
          index = length;
        }
      }
    }
    if (length > segmentStart) body.push(segmentStart === 0 ? chunk : chunk.subarray(segmentStart, length));
    return { body, done: false, rest: undefined };
  }

  /** The LF at `lf` ends a line: it follows a CR (in this chunk or the last) or bare LFs count. */
  #endsLine(chunk: Uint8Array, lf: number): boolean {
    return (lf > 0 ? chunk[lf - 1] === CR : this.#lastWasCr) || this.allowBareLf;
  }

  #finish(body: Uint8Array[], chunk: Uint8Array, end: number): DotDecodeResult {
    this.#state = State.done;
    return { body, done: true, rest: end < chunk.length ? chunk.subarray(end) : undefined };
  }
}
