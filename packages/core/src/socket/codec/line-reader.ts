import { InvalidArgumentError, LimitExceededError, ParseError } from "../../errors/error-classes.js";
import type { MailwireError } from "../../errors/mailwire-error.js";
import { SocketLimits } from "../limits.js";
import { ByteQueue } from "./byte-queue.js";

const CR = 0x0d;
const LF = 0x0a;

export interface LineReaderOptions {
  /** Longest line accepted, line ending included. Default SocketLimits.maxLineLength. */
  maxLineLength?: number | undefined;
  /**
   * Accept a bare LF as a line ending. Off by default: POP3 (RFC 1939 §3) and IMAP
   * (RFC 9051 §2.2) end lines with CRLF, and reading framing more loosely than the server
   * writes it is how response smuggling starts.
   */
  allowBareLf?: boolean | undefined;
}

/**
 * Incremental framing for line protocols: push() received chunks in any sizes, then pull
 * complete lines with readLine(), or switch to a byte count for an IMAP literal (`{n}`,
 * RFC 9051 §4.3) and pull the counted bytes with takeCounted(). Pure: no I/O, no timers.
 *
 * Returned arrays are views of the pushed chunks whenever possible (a copy is made only
 * for a line split across chunks) and stay valid: the reader never writes into them.
 *
 * The line length bound is enforced while buffering: once readLine() has reported that
 * it needs more input, a push() that would grow the incomplete line to the bound throws
 * instead of buffering. A reader that has thrown stays failed.
 */
export class LineReader {
  readonly maxLineLength: number;
  readonly allowBareLf: boolean;
  readonly #queue = new ByteQueue();
  /** readLine() found no line ending in the buffer, so everything buffered is one partial line. */
  #awaitingLine = false;
  /** Bytes still owed to a byte-counted read; 0 in line mode. */
  #counted = 0;
  #failure: MailwireError | undefined;

  constructor(options: LineReaderOptions = {}) {
    const max = options.maxLineLength ?? SocketLimits.maxLineLength;
    if (!Number.isSafeInteger(max) || max < 3) {
      throw new InvalidArgumentError(`maxLineLength must be an integer >= 3, got ${max}`);
    }
    this.maxLineLength = max;
    this.allowBareLf = options.allowBareLf ?? false;
  }

  /** Bytes held: partial line, unread lines, counted or raw bytes not yet taken. */
  get bufferedLength(): number {
    return this.#queue.length;
  }

  /** Bytes still owed to the current byte-counted read; 0 in line mode. */
  get countedRemaining(): number {
    return this.#counted;
  }

  push(chunk: Uint8Array): void {
    if (this.#failure) throw this.#failure;
    if (chunk.length === 0) return;
    if (this.#awaitingLine && this.#counted === 0) {
      // Everything buffered is the start of one line; check before growing the buffer.
      const lf = chunk.indexOf(LF);
      const lineSoFar = this.#queue.length + (lf === -1 ? chunk.length : lf + 1);
      if (lf === -1 ? lineSoFar >= this.maxLineLength : lineSoFar > this.maxLineLength) {
        this.#fail(this.#tooLong());
      }
      // Once a line ending is buffered, the buffer holds more than one partial line.
      if (lf !== -1) this.#awaitingLine = false;
    }
    this.#queue.push(chunk);
  }

  /**
   * The next complete line without its line ending, or undefined until more input arrives.
   * Throws LimitExceededError for an over-long line, ParseError for a bare LF when not allowed.
   */
  readLine(): Uint8Array | undefined {
    if (this.#failure) throw this.#failure;
    if (this.#counted > 0) {
      throw new InvalidArgumentError(`readLine() called with ${this.#counted} counted bytes still unread`);
    }
    const lf = this.#queue.indexOf(LF);
    if (lf === -1) {
      // A partial line this long can never end within the bound (it still needs its LF).
      if (this.#queue.length >= this.maxLineLength) this.#fail(this.#tooLong());
      this.#awaitingLine = true;
      return undefined;
    }
    if (lf + 1 > this.maxLineLength) this.#fail(this.#tooLong());
    this.#awaitingLine = false;
    const raw = this.#queue.take(lf + 1);
    if (lf > 0 && raw[lf - 1] === CR) return raw.subarray(0, lf - 1);
    if (!this.allowBareLf) {
      this.#fail(new ParseError("Line ended with a bare LF instead of CRLF", { offset: lf }));
    }
    return raw.subarray(0, lf);
  }

  /**
   * Exactly `count` bytes as one contiguous array (a small literal), or undefined until they
   * are all buffered. For large byte counts use beginCounted() and stream the pieces.
   */
  readBytes(count: number): Uint8Array | undefined {
    if (this.#failure) throw this.#failure;
    checkCount(count);
    if (this.#counted > 0) throw new InvalidArgumentError("readBytes() called during a counted read");
    if (this.#queue.length < count) return undefined;
    this.#awaitingLine = false;
    return this.#queue.take(count);
  }

  /** Switches to byte-counted mode: the next `count` bytes belong to a literal, not to lines. */
  beginCounted(count: number): void {
    if (this.#failure) throw this.#failure;
    checkCount(count);
    if (this.#counted > 0) throw new InvalidArgumentError("A counted read is already in progress");
    this.#awaitingLine = false;
    this.#counted = count;
  }

  /**
   * The next buffered piece of the counted bytes (never copied), or undefined when none is
   * buffered. Returns to line mode by itself once the count is reached.
   */
  takeCounted(): Uint8Array | undefined {
    if (this.#failure) throw this.#failure;
    if (this.#counted === 0 || this.#queue.length === 0) return undefined;
    const piece = this.#queue.takeChunk(this.#counted);
    this.#counted -= piece.length;
    return piece;
  }

  /**
   * The next buffered chunk as received, bypassing line framing (a body decoder takes over
   * the stream), or undefined when nothing is buffered.
   */
  takeRaw(): Uint8Array | undefined {
    if (this.#failure) throw this.#failure;
    if (this.#counted > 0) throw new InvalidArgumentError("takeRaw() called during a counted read");
    if (this.#queue.length === 0) return undefined;
    this.#awaitingLine = false;
    return this.#queue.takeChunk(this.#queue.length);
  }

  /** Returns bytes a body decoder read past its end, so that line reading resumes with them. */
  unshift(bytes: Uint8Array): void {
    if (this.#failure) throw this.#failure;
    this.#awaitingLine = false;
    this.#queue.unshift(bytes);
  }

  /** Discards everything buffered and leaves counted mode (the STARTTLS reset). */
  clear(): void {
    this.#queue.clear();
    this.#awaitingLine = false;
    this.#counted = 0;
  }

  #tooLong(): LimitExceededError {
    return new LimitExceededError(`Line longer than ${this.maxLineLength} bytes`, {
      limit: "maxLineLength",
      max: this.maxLineLength,
    });
  }

  #fail(error: MailwireError): never {
    this.#failure = error;
    this.#queue.clear();
    throw error;
  }
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new InvalidArgumentError(`A byte count must be a non-negative integer, got ${count}`);
  }
}
