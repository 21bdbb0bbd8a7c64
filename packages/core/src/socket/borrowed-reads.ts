/**
 * Chunks that live in a reused read buffer (TLS `onread`): each is valid only during the
 * call that delivers it. Until a connection attaches, chunks are copied and kept (the
 * greeting can arrive in the same read as the end of the handshake), then handed over in
 * order.
 */
export class BorrowedReads {
  #pending: Buffer[] | undefined = [];
  #sink: ((chunk: Buffer) => void) | undefined;

  deliver(chunk: Buffer): void {
    if (this.#sink) this.#sink(chunk);
    else this.#pending?.push(Buffer.from(chunk));
  }

  /** From now on every chunk goes to `sink`, the ones kept so far first. */
  attach(sink: (chunk: Buffer) => void): void {
    const pending = this.#pending ?? [];
    this.#pending = undefined;
    this.#sink = sink;
    for (const chunk of pending) sink(chunk);
  }
}
