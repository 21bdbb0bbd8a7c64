import { Duplex } from "node:stream";
import { TlsError } from "../errors/error-classes.js";
import { ErrorCode } from "../errors/error-codes.js";

/** TLS record content types a server may legitimately open with (RFC 8446 §5.1). */
const HANDSHAKE = 0x16;
const ALERT = 0x15;

/**
 * `stage` says where the bytes were caught: "buffered" (already received when the upgrade
 * began) or "handshake" (arrived in place of the server's first TLS record).
 */
export function starttlsInjectionError(bytes: number, stage: "buffered" | "handshake"): TlsError {
  const when =
    stage === "buffered"
      ? "after the STARTTLS reply, before the handshake"
      : "of plaintext in place of the server's first TLS record";
  return new TlsError(
    `The server sent ${bytes} byte(s) ${when}; a STARTTLS reply must be the last plaintext ` +
      '(possible response injection, "NO STARTTLS", USENIX Security 2021). Connection dropped.',
    { code: ErrorCode.STARTTLS_INJECTION, details: { bytes, stage } },
  );
}

/**
 * Sits between the plaintext socket and the TLS layer during STARTTLS and checks the first
 * byte the server sends after the upgrade. TLS servers only speak after our ClientHello and
 * only in TLS records, so a first byte that is not a handshake or alert record header is
 * plaintext that was queued behind the STARTTLS reply - an injected response (RFC 3207 §4.2,
 * RFC 2595 §3.1 require discarding such data; we refuse the connection instead). Without this,
 * those bytes would reach OpenSSL and surface as a vague "wrong version number".
 *
 * After the first byte it passes data through untouched, with backpressure both ways.
 */
export class TlsRecordGuard extends Duplex {
  /** Set when plaintext was seen; the handshake error is then reported as MW_STARTTLS_INJECTION. */
  injection: TlsError | undefined;
  readonly #raw: Duplex;
  #checked = false;

  constructor(raw: Duplex) {
    super({ allowHalfOpen: false });
    this.#raw = raw;
    raw.on("data", this.#onData);
    raw.on("end", this.#onEnd);
    raw.on("error", this.#onError);
    raw.on("close", this.#onClose);
  }

  override _read(): void {
    this.#raw.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#raw.write(chunk)) callback();
    else this.#raw.once("drain", () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#raw.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.#raw.off("data", this.#onData);
    this.#raw.off("end", this.#onEnd);
    this.#raw.off("error", this.#onError);
    this.#raw.off("close", this.#onClose);
    this.#raw.destroy();
    callback(error);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (chunk.length === 0) return;
    if (!this.#checked) {
      const first = chunk[0];
      if (first !== HANDSHAKE && first !== ALERT) {
        this.injection = starttlsInjectionError(chunk.length, "handshake");
        this.destroy(this.injection);
        return;
      }
      this.#checked = true;
    }
    if (!this.push(chunk)) this.#raw.pause();
  };

  readonly #onEnd = (): void => {
    this.push(null);
  };

  readonly #onError = (error: Error): void => {
    this.destroy(error);
  };

  readonly #onClose = (): void => {
    if (!this.destroyed) this.destroy();
  };
}
