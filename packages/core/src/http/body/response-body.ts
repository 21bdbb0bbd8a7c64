import { Readable } from "node:stream";

/** Bytes read by dump() before it gives up on reusing the connection and closes the stream. */
const DUMP_LIMIT_BYTES = 1024 * 1024;

/**
 * The response body: a Readable fed from undici's body stream. It exists so that every
 * error a reader sees is a MailwireError (undici's own errors never escape), and so the
 * transport learns when the body is finished with.
 */
export class ResponseBody extends Readable {
  readonly #source: Readable;
  readonly #mapError: (error: unknown) => Error;

  constructor(source: Readable, mapError: (error: unknown) => Error) {
    super();
    this.#source = source;
    this.#mapError = mapError;
    source.on("data", (chunk: Buffer) => {
      if (!this.push(chunk)) source.pause();
    });
    source.once("end", () => this.push(null));
    source.once("error", (error) => this.destroy(this.#mapError(error)));
    source.pause();
  }

  override _read(): void {
    this.#source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Destroying undici's body before its end closes the socket, which is the only safe
    // thing to do with a half-read response.
    if (!this.#source.destroyed) this.#source.destroy();
    callback(error);
  }

  async bytes(): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    for await (const chunk of this) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }

  async text(): Promise<string> {
    return Buffer.from(await this.bytes()).toString("utf8");
  }

  async json<T = unknown>(): Promise<T> {
    return JSON.parse(await this.text()) as T;
  }

  /** Reads and discards the rest so the connection can carry the next request. */
  async dump(): Promise<void> {
    if (this.destroyed || this.readableEnded) return;
    let seen = 0;
    try {
      for await (const chunk of this) {
        seen += (chunk as Buffer).length;
        if (seen > DUMP_LIMIT_BYTES) {
          this.destroy();
          return;
        }
      }
    } catch {
      // A broken body is as good as a dumped one here; the connection is closed either way.
    }
  }
}
