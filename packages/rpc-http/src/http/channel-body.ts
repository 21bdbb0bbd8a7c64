import { ConnectionError } from "@mailwire/core";

/**
 * The streamed body of an IN channel request ([MS-RPCH] 2.1.2.1.1): PDUs are appended as the
 * client sends them and the HTTP client pulls them as it writes the socket. `write` settles
 * once the HTTP client has taken the bytes, which is the backpressure the sender waits on.
 */
export class ChannelBody implements AsyncIterable<Uint8Array> {
  #queue: { bytes: Uint8Array; taken: () => void; failed: (error: Error) => void }[] = [];
  #pull: (() => void) | undefined;
  #ended = false;
  #failure: Error | undefined;

  /** Appends bytes; resolves when the HTTP client has taken them. */
  write(bytes: Uint8Array): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.reject(new ConnectionError("the IN channel is closed"));
    return new Promise<void>((taken, failed) => {
      this.#queue.push({ bytes, taken, failed });
      this.#wake();
    });
  }

  /** No more bytes: the iterator finishes after the queued ones. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /** Fails every queued and later write (the channel is gone). */
  fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#ended = true;
    for (const entry of this.#queue.splice(0)) entry.failed(error);
    this.#wake();
  }

  #wake(): void {
    const pull = this.#pull;
    this.#pull = undefined;
    pull?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const entry = this.#queue.shift();
      if (entry) {
        yield entry.bytes;
        // Resumed: the consumer wrote the chunk and asked for the next one.
        entry.taken();
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#pull = resolve;
      });
    }
  }
}
