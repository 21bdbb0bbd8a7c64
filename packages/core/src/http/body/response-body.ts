import { Readable } from "node:stream";
import { LimitExceededError } from "../../errors/error-classes.js";
import type { WireBody } from "../connection/slot-connection.js";

/** Bounds for reading a whole body into memory. */
export interface BodyReadOptions {
  /**
   * Refuse bodies larger than this many bytes with LimitExceededError (MW_LIMIT_EXCEEDED),
   * counted as they arrive, so a hostile server cannot make us buffer without bound.
   */
  maxBytes?: number | undefined;
}

/** Bytes read by dump() before it gives up on reusing the connection and closes the stream. */
const DUMP_LIMIT_BYTES = 1024 * 1024;

const noop = () => {};

/** Reads a whole source stream: for engines whose body has no reader of its own (node:http). */
function readAll(source: Readable): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
    };
    const onEnd = () => {
      cleanup();
      const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
      resolve(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      // Closed before its end without an error of its own: the body was cut short.
      reject(Object.assign(new Error("the response body ended early"), { code: "ECONNRESET" }));
    };
    const cleanup = () => {
      source.off("data", onData);
      source.off("end", onEnd);
      source.off("error", onError);
      source.off("close", onClose);
    };
    source.on("data", onData);
    source.on("end", onEnd);
    source.on("error", onError);
    source.on("close", onClose);
  });
}

/** Reads and drops up to `limit` bytes, then destroys the source; never rejects. */
function drain(source: Readable, limit: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) source.destroy();
    };
    const done = () => {
      source.off("data", onData);
      source.off("end", done);
      source.off("close", done);
      resolve();
    };
    source.on("data", onData);
    source.on("end", done);
    source.on("close", done);
  });
}

/**
 * How the body is being consumed. "idle": nobody has read yet. "stream": someone reads
 * through the Readable interface, so chunks are forwarded from the source. "whole":
 * dump()/bytes()/text()/json() handed the source to a whole-body reader; no chunk
 * passes through this stream.
 */
type Mode = "idle" | "stream" | "whole";

/**
 * The response body: a Readable over the engine's body stream. It exists so that every
 * error a reader sees is a MailwireError (undici's or node's own errors never escape), and so the
 * transport learns when the body is finished with.
 *
 * Nothing is forwarded until someone reads: dump(), bytes(), text() and json() on an
 * untouched body go straight to a whole-body reader (undici's own where the engine is
 * undici), so the common "read it all" case
 * pays for one stream, not two.
 */
export class ResponseBody extends Readable {
  readonly #source: WireBody;
  readonly #mapError: (error: unknown) => Error;
  readonly #onDone: () => void;
  #mode: Mode = "idle";
  #done = false;

  /**
   * @param onDone called once, as soon as the source is finished with: its last byte
   * read, or it failed or was destroyed. The transport frees the connection there.
   */
  constructor(source: Readable, mapError: (error: unknown) => Error, onDone: () => void = noop) {
    super();
    this.#source = source as WireBody;
    this.#mapError = mapError;
    this.#onDone = onDone;
    // Always listening, so an error on a body nobody reads never goes unhandled on the engine's
    // stream; it surfaces here, mapped, as it did before the source was read lazily.
    source.on("error", (error) => {
      this.#finish();
      if (this.#mode !== "whole") this.destroy(this.#mapError(error));
    });
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#onDone();
  }

  override _read(): void {
    if (this.#mode === "idle") {
      this.#mode = "stream";
      const source = this.#source;
      source.on("data", (chunk: Buffer) => {
        if (!this.push(chunk)) source.pause();
      });
      source.once("end", () => {
        this.#finish();
        this.push(null);
      });
    }
    this.#source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Destroying the engine's body before its end closes the socket, which is the only safe
    // thing to do with a half-read response.
    if (!this.#source.destroyed) this.#source.destroy();
    this.#finish();
    callback(error);
  }

  /** Hands the whole source to `consume` (the engine's reader, or ours), then closes this stream. */
  async #whole<T>(consume: (source: WireBody) => Promise<T>): Promise<T> {
    this.#mode = "whole";
    try {
      const result = await consume(this.#source);
      this.#finish();
      return result;
    } catch (error) {
      throw this.#mapError(error);
    } finally {
      // No error here: the caller gets it from the promise; an 'error' event nobody listens
      // for would crash the process. 'close' still tells listeners the body is finished.
      this.destroy();
    }
  }

  #untouched(): boolean {
    return this.#mode === "idle" && !this.destroyed;
  }

  async bytes(options: BodyReadOptions = {}): Promise<Uint8Array> {
    const { maxBytes } = options;
    if (maxBytes === undefined && this.#untouched())
      return this.#whole((source) => (source.bytes ? source.bytes() : readAll(source)));
    const chunks: Buffer[] = [];
    let total = 0;
    // Leaving the loop by throwing destroys the stream, which closes the half-read connection.
    for await (const chunk of this) {
      total += (chunk as Buffer).length;
      if (maxBytes !== undefined && total > maxBytes) {
        throw new LimitExceededError(`The response body is larger than ${maxBytes} bytes`, {
          limit: "maxBytes",
          max: maxBytes,
        });
      }
      chunks.push(chunk as Buffer);
    }
    return new Uint8Array(Buffer.concat(chunks, total));
  }

  /** UTF-8, with a byte order mark kept as U+FEFF (undici's text() would drop it). */
  async text(options: BodyReadOptions = {}): Promise<string> {
    const bytes = await this.bytes(options);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  }

  async json<T = unknown>(options: BodyReadOptions = {}): Promise<T> {
    return JSON.parse(await this.text(options)) as T;
  }

  /** Reads and discards the rest so the connection can carry the next request. */
  async dump(): Promise<void> {
    if (this.destroyed || this.readableEnded) return;
    if (this.#mode === "idle") {
      // undici's dump (and drain()) destroys the body (closing the socket) past the limit, swallows body
      // errors and resolves once the body is closed: what we want here.
      await this.#whole((source) =>
        source.dump ? source.dump({ limit: DUMP_LIMIT_BYTES }) : drain(source, DUMP_LIMIT_BYTES),
      ).catch(() => {});
      return;
    }
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
