import type { Logger } from "../diagnostics/logger.js";
import type { BorrowedReads } from "./borrowed-reads.js";
import type { SocketTimeouts } from "./limits.js";
import type { SocketTlsOptions } from "./tls-options.js";

export interface LineConnectionOptions {
  /** The peer, for diagnostics and as the name STARTTLS verifies the certificate against. */
  host?: string | undefined;
  port?: number | undefined;
  /** The socket is already TLS (implicit TLS); detected for a TLSSocket. */
  encrypted?: boolean | undefined;
  /** Defaults for upgradeToTls(); its own options override them one by one. */
  tls?: SocketTlsOptions | undefined;
  timeouts?: SocketTimeouts | undefined;
  /** Longest line accepted, CRLF included. Default SocketLimits.maxLineLength. */
  maxLineLength?: number | undefined;
  /** Accept bare LF line endings (lines and bodies). Default false; see LineReaderOptions. */
  allowBareLf?: boolean | undefined;
  /** Receives redacted wire traces at debug level. */
  logger?: Logger | undefined;
  /**
   * Set by connect() with `reuseReadBuffer`: the socket's bytes arrive here, in a reused
   * buffer, instead of as 'data' events.
   */
  borrowedReads?: BorrowedReads | undefined;
}

export interface ReadLineOptions {
  signal?: AbortSignal | undefined;
  /** Replaces the greeting/response timeout for this read. */
  timeoutMs?: number | undefined;
}

export interface StreamReadOptions {
  signal?: AbortSignal | undefined;
  /** Replaces the idle timeout (longest silence while waiting for bytes) for this stream. */
  idleTimeoutMs?: number | undefined;
}

export interface CollectReadOptions extends StreamReadOptions {
  /** Longest body accepted; a longer one fails with LimitExceededError. Default: no bound. */
  maxBytes?: number | undefined;
}

export interface RawReadOptions {
  signal?: AbortSignal | undefined;
  /**
   * Longest silence while the read is pending (the peer owes bytes); default the idle
   * timeout. Re-armed by every chunk, not per frame the consumer finds in it.
   */
  timeoutMs?: number | undefined;
  /** What is being read, for the timeout message: e.g. "pipelined RETR replies". */
  what?: string | undefined;
}

/**
 * Takes the bytes of a raw read as they arrive, synchronously. The chunk may live in a reused
 * read buffer (connect() with `reuseReadBuffer`): it is valid only during the call, so copy
 * whatever is kept. Returns -1 to take the whole
 * chunk and wait for more, or, once the read is complete, how many bytes of this chunk
 * belonged to it (0 to chunk.length): the rest goes back to the line buffer. Throwing fails
 * the connection (the reply stream is out of step) with the error thrown.
 */
export type RawBytesConsumer = (chunk: Uint8Array) => number;

export interface WriteOptions {
  signal?: AbortSignal | undefined;
  /** Longest wait for the socket to drain when the server is not reading. */
  timeoutMs?: number | undefined;
}

export interface WriteLineOptions extends WriteOptions {
  /**
   * The whole line is a secret (a SASL response, an AUTH continuation): traces show
   * [REDACTED] instead. Command lines with a known credential argument (PASS, LOGIN, APOP,
   * AUTH ... initial-response) are redacted without it.
   */
  sensitive?: boolean | undefined;
}

export interface StartTlsOptions extends SocketTlsOptions {
  signal?: AbortSignal | undefined;
  /** Handshake timeout; default timeouts.tlsMs. */
  timeoutMs?: number | undefined;
}
