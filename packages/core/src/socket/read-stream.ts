import { Readable } from "node:stream";
import { SocketLimits } from "./limits.js";

/** Where a ReadStream's read() and destroy() go: the connection that feeds it. */
export interface ReadStreamSource {
  /** The consumer wants more bytes (the stream's buffer is below its high-water mark). */
  read(stream: ReadStream): void;
  /** The stream was destroyed, by its consumer or by the connection. */
  destroy(stream: ReadStream, error: Error | null): void;
}

/**
 * The Readable of one body or literal. A subclass with _read/_destroy on its prototype rather
 * than a Readable built with per-body `read`/`destroy` closures: one is made per message, so
 * its construction is on the hot path of a bulk download, and every stream of a connection
 * shares the same source object.
 */
export class ReadStream extends Readable {
  readonly #source: ReadStreamSource;

  constructor(source: ReadStreamSource) {
    super({ highWaterMark: SocketLimits.streamHighWaterMark });
    this.#source = source;
  }

  override _read(): void {
    this.#source.read(this);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#source.destroy(this, error);
    callback(error);
  }
}
