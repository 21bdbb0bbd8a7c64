/**
 * A FIFO of received chunks read from the front without concatenating them. Bytes are
 * copied only when a caller asks for a contiguous run that spans two chunks; everything
 * else is handed out as a subarray of the chunk it arrived in (chunks are never mutated).
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  /** Index in #chunks of the first chunk still holding unread bytes. */
  #head = 0;
  /** Read position inside #chunks[#head]. */
  #offset = 0;
  #length = 0;
  /**
   * How far the last indexOf() scan got, so that a line trickling in over many chunks is
   * scanned once in total rather than once per chunk (quadratic with a slow sender).
   * Reset by every read from the front.
   */
  #scanChunk = 0;
  #scanOffset = 0;
  #scanned = 0;

  /** Unread bytes. */
  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** Puts bytes back in front of everything buffered (a decoder read past its end). */
  unshift(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const head = this.#chunks[this.#head];
    if (head && this.#offset > 0) this.#chunks[this.#head] = head.subarray(this.#offset);
    this.#offset = 0;
    if (this.#head > 0) this.#chunks[--this.#head] = chunk;
    else this.#chunks.unshift(chunk);
    this.#length += chunk.length;
    this.#resetScan();
  }

  /**
   * Position (relative to the read position) of the first `byte`, or -1. Bytes already
   * scanned since the last read are not scanned again.
   */
  indexOf(byte: number): number {
    while (this.#scanChunk < this.#chunks.length) {
      const chunk = this.#chunks[this.#scanChunk] as Uint8Array;
      const found = chunk.indexOf(byte, this.#scanOffset);
      if (found !== -1) return this.#scanned + (found - this.#scanOffset);
      this.#scanned += chunk.length - this.#scanOffset;
      this.#scanChunk++;
      this.#scanOffset = 0;
    }
    return -1;
  }

  /** Exactly `count` bytes (count <= length) as one array: a view when they sit in one chunk, else a copy. */
  take(count: number): Uint8Array {
    const head = this.#chunks[this.#head];
    if (head && head.length - this.#offset >= count) {
      const view = head.subarray(this.#offset, this.#offset + count);
      this.#consume(count);
      return view;
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const piece = this.takeChunk(count - filled);
      out.set(piece, filled);
      filled += piece.length;
    }
    return out;
  }

  /** Up to `max` bytes from the front chunk, never copied; empty when the queue is empty. */
  takeChunk(max: number): Uint8Array {
    const head = this.#chunks[this.#head];
    if (!head || max <= 0) return new Uint8Array(0);
    const count = Math.min(max, head.length - this.#offset);
    const view = head.subarray(this.#offset, this.#offset + count);
    this.#consume(count);
    return view;
  }

  /** Drops everything buffered. */
  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#length = 0;
    this.#resetScan();
  }

  #consume(count: number): void {
    this.#length -= count;
    this.#offset += count;
    let head = this.#chunks[this.#head];
    while (head && this.#offset >= head.length) {
      this.#offset -= head.length;
      this.#chunks[this.#head] = EMPTY; // let the chunk be collected
      this.#head++;
      head = this.#chunks[this.#head];
    }
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head > 64 && this.#head * 2 > this.#chunks.length) {
      // Compact now and then so the array does not grow with every chunk ever received.
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
    this.#resetScan();
  }

  #resetScan(): void {
    this.#scanChunk = this.#head;
    this.#scanOffset = this.#offset;
    this.#scanned = 0;
  }
}

const EMPTY = new Uint8Array(0);
