import { InvalidArgumentError } from "../../errors/error-classes.js";

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

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
          // inLine: jump from LF to LF; everything up to the next line that starts with "." is
          // content. Lines that do not (nearly all of them) never go back through the switch.
          let lf = chunk.indexOf(LF, index);
          while (lf !== -1) {
            const lineEnds = (lf > 0 ? chunk[lf - 1] === CR : this.#lastWasCr) || this.allowBareLf;
            this.#lastWasCr = false;
            if (lineEnds && (lf + 1 === length || chunk[lf + 1] === DOT)) break;
            lf = chunk.indexOf(LF, lf + 1);
          }
          if (lf === -1) {
            // Remember a trailing CR: an LF opening the next chunk completes its CRLF.
            this.#lastWasCr = chunk[length - 1] === CR;
            index = length;
            break;
          }
          index = lf + 1;
          this.#state = State.lineStart;
        }
      }
    }
    if (length > segmentStart) body.push(segmentStart === 0 ? chunk : chunk.subarray(segmentStart, length));
    return { body, done: false, rest: undefined };
  }

  #finish(body: Uint8Array[], chunk: Uint8Array, end: number): DotDecodeResult {
    this.#state = State.done;
    return { body, done: true, rest: end < chunk.length ? chunk.subarray(end) : undefined };
  }
}
