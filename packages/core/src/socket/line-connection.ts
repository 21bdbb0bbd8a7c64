import type { Duplex, Readable } from "node:stream";
import type { TLSSocket } from "node:tls";
import { throwIfAborted, toAbortError } from "../abort/abort.js";
import { ChannelName, publish } from "../diagnostics/channels.js";
import type { Logger } from "../diagnostics/logger.js";
import { REDACTED, redactCommandLine } from "../diagnostics/redact.js";
import {
  ClosedError,
  ConnectionError,
  InvalidArgumentError,
  LimitExceededError,
  TimeoutError,
} from "../errors/error-classes.js";
import { ErrorCode } from "../errors/error-codes.js";
import type { MailwireError } from "../errors/mailwire-error.js";
import { DotTerminatedDecoder } from "./codec/dot-decoder.js";
import { LineReader } from "./codec/line-reader.js";
import type {
  CollectReadOptions,
  LineConnectionOptions,
  RawBytesConsumer,
  RawReadOptions,
  ReadLineOptions,
  StartTlsOptions,
  StreamReadOptions,
  WriteLineOptions,
  WriteOptions,
} from "./connection-options.js";
import { type ResolvedSocketTimeouts, resolveTimeouts, SocketLimits } from "./limits.js";
import { ReadDeadline } from "./read-deadline.js";
import { ReadStream, type ReadStreamSource } from "./read-stream.js";
import { asMailwireError, connectionError } from "./socket-errors.js";
import { handshake, sessionInfo, type TlsSessionInfo } from "./tls-handshake.js";
import type { SocketTlsOptions } from "./tls-options.js";
import { starttlsInjectionError, TlsRecordGuard } from "./tls-record-guard.js";
import { waitFor } from "./wait-for.js";

interface LineRead {
  readonly kind: "line";
  readonly phase: "greeting" | "response";
  readonly timeoutMs: number;
  readonly resolve: (line: Uint8Array) => void;
  readonly reject: (error: MailwireError) => void;
  /** Only when the caller passed a signal. */
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

interface StreamRead {
  readonly kind: "stream";
  /** How the body ends: a dot line (RFC 1939 §3) or a byte count (an IMAP literal). */
  readonly framing: "dot" | "counted";
  /** What is being read, for messages. */
  readonly what: string;
  readonly stream: ReadStream;
  readonly idleMs: number;
  /** The consumer wants more: the stream's buffer is below its highWaterMark. */
  wantMore: boolean;
  /** Only when the caller passed a signal. */
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

/** A dot-terminated body collected into memory (readDotTerminatedBytes): no stream in between. */
interface CollectRead {
  readonly kind: "collect";
  readonly idleMs: number;
  readonly maxBytes: number;
  readonly pieces: Uint8Array[];
  length: number;
  readonly resolve: (body: Uint8Array) => void;
  readonly reject: (error: MailwireError) => void;
  /** Only when the caller passed a signal. */
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

/** Every byte handed to a consumer that frames the replies itself (readRaw). */
interface RawRead {
  readonly kind: "raw";
  readonly consume: RawBytesConsumer;
  readonly what: string;
  readonly idleMs: number;
  readonly resolve: () => void;
  readonly reject: (error: MailwireError) => void;
  /** Only when the caller passed a signal. */
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

type PendingRead = LineRead | StreamRead | CollectRead | RawRead;

const textDecoder = new TextDecoder("utf-8");
const noop = () => {};

/**
 * One connection of a line protocol (POP3, IMAP, SMTP-style): framed reads, writes with
 * backpressure, bodies and literals as streams, and STARTTLS. Owns the socket; any Duplex
 * can be injected (the test seam), `connect()` makes one from a host and port.
 *
 * One read at a time (replies arrive in order); writes may overlap reads (pipelining).
 * A read that times out or is aborted destroys the connection: a late reply would otherwise
 * be taken as the answer to the next command.
 *
 * (This file is past 500 lines on purpose: the read state, the socket flow control and the
 * TLS swap share every field, and split apart they would need to expose that state.)
 */
export class LineConnection implements AsyncDisposable {
  readonly host: string | undefined;
  readonly port: number | undefined;
  #socket: Duplex;
  #reader: LineReader;
  readonly #readerOptions: { maxLineLength: number | undefined; allowBareLf: boolean };
  readonly #timeouts: ResolvedSocketTimeouts;
  readonly #tlsDefaults: SocketTlsOptions;
  readonly #logger: Logger | undefined;
  #encrypted: boolean;
  #op: PendingRead | undefined;
  #linesRead = 0;
  #writesPending = 0;
  /** The one timer of every read: the line timeout or the body idle timeout, whichever read is pending. */
  readonly #deadline = new ReadDeadline(() => this.#onReadTimeout());
  /** One dot decoder for every body of this connection (one read at a time), reset per body. */
  #dotDecoder: DotTerminatedDecoder | undefined;
  /** Receives read() and destroy() of every body stream. */
  readonly #streamSource: ReadStreamSource = {
    read: (stream) => this.#onStreamRead(stream),
    destroy: (stream, error) => this.#onStreamDestroy(stream, error),
  };
  /** No more bytes will arrive: the peer sent FIN or the socket closed. */
  #ended = false;
  /** The socket has been destroyed (by us or by the peer). */
  #destroyed = false;
  #closedByUs = false;
  #upgrading = false;
  /** The first fatal error; every later call reports it. */
  #failure: MailwireError | undefined;
  #closing: Promise<void> | undefined;

  constructor(socket: Duplex, options: LineConnectionOptions = {}) {
    this.host = options.host;
    this.port = options.port;
    this.#socket = socket;
    this.#readerOptions = { maxLineLength: options.maxLineLength, allowBareLf: options.allowBareLf ?? false };
    this.#reader = new LineReader(this.#readerOptions);
    this.#timeouts = resolveTimeouts(options.timeouts);
    this.#tlsDefaults = options.tls ?? {};
    this.#logger = options.logger;
    this.#encrypted = options.encrypted ?? (socket as Partial<TLSSocket>).encrypted === true;
    this.#attach(socket);
    options.borrowedReads?.attach(this.#onBorrowed);
  }

  /** True after implicit TLS or a successful upgradeToTls(). */
  get encrypted(): boolean {
    return this.#encrypted;
  }

  /** The negotiated TLS parameters, when encrypted. */
  get tlsInfo(): TlsSessionInfo | undefined {
    return this.#encrypted && "getCipher" in this.#socket
      ? sessionInfo(this.#socket as TLSSocket)
      : undefined;
  }

  /** True once close() or destroy() was called or the connection failed. */
  get closed(): boolean {
    return this.#closedByUs || this.#failure !== undefined;
  }

  /** The next line as text (UTF-8, lenient), without CRLF. */
  async readLine(options: ReadLineOptions = {}): Promise<string> {
    return textDecoder.decode(await this.readLineBytes(options));
  }

  /**
   * The next line as bytes, without CRLF. Waits up to the greeting timeout for the first
   * line of the connection and the response timeout for later ones.
   */
  readLineBytes(options: ReadLineOptions = {}): Promise<Uint8Array> {
    try {
      this.#checkReadable();
      throwIfAborted(options.signal);
      const line = this.#reader.readLine();
      if (line) {
        this.#updateFlow();
        return Promise.resolve(this.#lineReceived(line));
      }
    } catch (error) {
      return Promise.reject(this.#failOnCodecError(error));
    }
    const phase = this.#linesRead === 0 ? "greeting" : "response";
    const timeoutMs =
      options.timeoutMs ?? (phase === "greeting" ? this.#timeouts.greetingMs : this.#timeouts.responseMs);
    const signal = options.signal;
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = signal ? () => this.#fail(toAbortError(signal)) : undefined;
      this.#op = { kind: "line", phase, timeoutMs, resolve, reject, signal, onAbort };
      if (signal && onAbort) signal.addEventListener("abort", onAbort, { once: true });
      this.#deadline.start(timeoutMs);
      this.#pump();
    });
  }

  /**
   * The next `count` bytes (an IMAP literal, RFC 9051 §4.3) as a stream; line reading
   * resumes after them. Ending the stream early destroys the connection.
   */
  readBytes(count: number, options: StreamReadOptions = {}): Readable {
    this.#checkReadable();
    throwIfAborted(options.signal);
    this.#reader.beginCounted(count);
    return this.#startStream("counted", `a ${count}-byte literal`, options);
  }

  /**
   * A dot-terminated multi-line body (POP3 RETR/TOP/LIST/UIDL/CAPA, RFC 1939 §3) as a
   * stream of its bytes with dot-stuffing undone and CRLFs kept. Call it after reading the
   * positive status line. Reads from the socket only as fast as the stream is consumed.
   * Ending the stream early destroys the connection (the rest of the body is on the wire).
   */
  readDotTerminated(options: StreamReadOptions = {}): Readable {
    this.#checkReadable();
    throwIfAborted(options.signal);
    if (this.#dotDecoder) this.#dotDecoder.reset();
    else this.#dotDecoder = new DotTerminatedDecoder({ allowBareLf: this.#readerOptions.allowBareLf });
    return this.#startStream("dot", "a dot-terminated body", options);
  }

  /**
   * readDotTerminated() collected into one array: for bodies known to be small (a pipelined
   * bulk download), where a stream per body is pure overhead. Resolves with the unstuffed
   * bytes (a copy that owns its memory); a body past `maxBytes` fails with LimitExceededError
   * and destroys the connection (the rest of it is still on the wire).
   */
  readDotTerminatedBytes(options: CollectReadOptions = {}): Promise<Uint8Array> {
    try {
      this.#checkReadable();
      throwIfAborted(options.signal);
      const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
      if (!(maxBytes >= 0)) throw new InvalidArgumentError(`maxBytes must be >= 0, got ${maxBytes}`);
      if (this.#dotDecoder) this.#dotDecoder.reset();
      else this.#dotDecoder = new DotTerminatedDecoder({ allowBareLf: this.#readerOptions.allowBareLf });
      const signal = options.signal;
      return new Promise<Uint8Array>((resolve, reject) => {
        const onAbort = signal ? () => this.#fail(toAbortError(signal)) : undefined;
        this.#op = {
          kind: "collect",
          idleMs: options.idleTimeoutMs ?? this.#timeouts.idleMs,
          maxBytes,
          pieces: [],
          length: 0,
          resolve,
          reject,
          signal,
          onAbort,
        };
        if (signal && onAbort) signal.addEventListener("abort", onAbort, { once: true });
        this.#pump();
      });
    } catch (error) {
      return Promise.reject(this.#failOnCodecError(error));
    }
  }

  /**
   * Hands every received byte to `consume`, synchronously and unframed, until it reports the
   * end of what it wanted (see RawBytesConsumer); bytes already buffered come first. For a
   * protocol layer that frames many replies per socket chunk itself (a pipelined POP3
   * download): the timer, abort listener and flow control are set up once for the whole read
   * rather than once per reply. The socket flows while the read is pending, so the consumer
   * bounds what it keeps; the idle timeout runs throughout, re-armed by every chunk. A throw
   * from `consume` fails the connection and rejects the read with that error.
   */
  readRaw(consume: RawBytesConsumer, options: RawReadOptions = {}): Promise<void> {
    try {
      this.#checkReadable();
      throwIfAborted(options.signal);
    } catch (error) {
      return Promise.reject(this.#failOnCodecError(error));
    }
    const signal = options.signal;
    return new Promise<void>((resolve, reject) => {
      const onAbort = signal ? () => this.#fail(toAbortError(signal)) : undefined;
      this.#op = {
        kind: "raw",
        consume,
        what: options.what ?? "a raw read",
        idleMs: options.timeoutMs ?? this.#timeouts.idleMs,
        resolve,
        reject,
        signal,
        onAbort,
      };
      if (signal && onAbort) signal.addEventListener("abort", onAbort, { once: true });
      this.#pump();
    });
  }

  /**
   * Reports a line that a raw read's consumer framed itself (a status line) to the logger and
   * the `mailwire:socket:line` channel, as readLine() does for the lines it reads. Costs a
   * check when nobody listens.
   */
  traceLine(line: Uint8Array): void {
    this.#lineReceived(line);
  }

  /**
   * Sends `text` followed by CRLF. Refuses text containing CR or LF: it would smuggle a
   * second command (a mailbox name or user input carrying CRLF is the classic injection).
   */
  async writeLine(text: string, options: WriteLineOptions = {}): Promise<void> {
    if (/[\r\n]/.test(text)) {
      throw new InvalidArgumentError("A command line must not contain CR or LF");
    }
    this.#checkWritable();
    this.#traceOut(text, options.sensitive ?? false);
    await this.#send(Buffer.from(`${text}\r\n`, "utf8"), options);
  }

  /** Publishes and logs one outgoing line, redacted; built only when someone listens. */
  #traceOut(text: string, sensitive: boolean): void {
    const traced = () => (sensitive ? REDACTED : redactCommandLine(text));
    publish(ChannelName.socketLine, () => ({
      host: this.host,
      port: this.port,
      direction: "out",
      line: traced(),
    }));
    this.#logger?.debug(`C: ${traced()}`, { host: this.host, port: this.port });
  }

  /**
   * Sends several command lines in one write (pipelined commands, RFC 2449 §6.6): one socket
   * write, one TLS record and one syscall for the lot instead of one per line. Each line is
   * checked and traced exactly as writeLine() does it; a line with CR or LF rejects the whole
   * batch before anything is sent.
   */
  async writeLines(lines: readonly string[], options: WriteLineOptions = {}): Promise<void> {
    for (const text of lines) {
      if (/[\r\n]/.test(text)) throw new InvalidArgumentError("A command line must not contain CR or LF");
    }
    this.#checkWritable();
    if (lines.length === 0) return;
    for (const text of lines) this.#traceOut(text, options.sensitive ?? false);
    await this.#send(Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8"), options);
  }

  /** Sends raw bytes (an IMAP literal's content), waiting for the socket to drain when needed. */
  async write(bytes: Uint8Array, options: WriteOptions = {}): Promise<void> {
    this.#checkWritable();
    publish(ChannelName.socketLine, () => ({
      host: this.host,
      port: this.port,
      direction: "out",
      bytes: bytes.length,
    }));
    await this.#send(bytes, options);
  }

  /**
   * Upgrades to TLS after the server's positive reply to STARTTLS/STLS has been read
   * (RFC 2595 §4, RFC 3501 §6.2.1). Any byte received after that reply - already buffered,
   * or arriving before the server's first TLS record - is an injected response: the
   * connection is destroyed and TlsError MW_STARTTLS_INJECTION thrown. Otherwise every
   * pre-TLS buffer is dropped and the handshake runs on the same socket with the same
   * verification rules as implicit TLS.
   */
  async upgradeToTls(options: StartTlsOptions = {}): Promise<TlsSessionInfo> {
    this.#checkReadable();
    if (this.#encrypted) throw new InvalidArgumentError("The connection is already encrypted");
    if (this.#writesPending > 0) throw new InvalidArgumentError("A write is still waiting to drain");
    const { signal, timeoutMs, ...overrides } = options;
    throwIfAborted(signal);
    const tls = mergeDefined(this.#tlsDefaults, overrides);
    const verifyAs = tls.servername ?? this.host;
    if (verifyAs === undefined && tls.rejectUnauthorized !== false) {
      // Node would otherwise check the certificate against "localhost".
      throw new InvalidArgumentError("STARTTLS needs the server name to verify: pass host or tls.servername");
    }
    const raw = this.#socket;
    this.#upgrading = true;
    raw.pause();
    this.#detach(raw);
    const early = this.#reader.bufferedLength + raw.readableLength;
    if (early > 0) {
      const error = starttlsInjectionError(early, "buffered");
      this.#fail(error);
      throw error;
    }
    if (this.#ended) {
      const error = this.#peerClosed("before the TLS handshake");
      this.#fail(error);
      throw error;
    }
    // Nothing read before the handshake may influence anything after it (RFC 2595 §3.1).
    this.#reader = new LineReader(this.#readerOptions);
    const guard = new TlsRecordGuard(raw);
    let tlsSocket: TLSSocket;
    try {
      tlsSocket = await handshake(guard, {
        host: verifyAs,
        port: this.port,
        tls,
        mode: "starttls",
        signal,
        timeoutMs: timeoutMs ?? this.#timeouts.tlsMs,
        logger: this.#logger ?? quiet,
        guard,
      });
    } catch (error) {
      const failure = asMailwireError(error, this);
      this.#fail(failure);
      throw failure;
    } finally {
      this.#upgrading = false;
    }
    this.#socket = tlsSocket;
    this.#encrypted = true;
    if (this.#closedByUs) {
      tlsSocket.destroy();
      throw new ClosedError("The connection was closed during the TLS upgrade");
    }
    this.#attach(tlsSocket);
    this.#updateFlow();
    return sessionInfo(tlsSocket);
  }

  /**
   * Orderly close: fails a pending read with ClosedError, sends FIN (TLS close_notify
   * first), waits up to timeouts.closeMs for the peer to close, then destroys.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closedByUs = true;
    this.#settleOp(new ClosedError("The connection was closed while a read was pending"));
    const socket = this.#socket;
    if (this.#destroyed || socket.destroyed) {
      this.#teardown();
      this.#closing = Promise.resolve();
      return this.#closing;
    }
    // Keep reading (and discarding) so that the peer's FIN is seen.
    socket.off("data", this.#onData);
    socket.resume();
    socket.end();
    this.#closing = waitFor(socket, "close", { timeoutMs: this.#timeouts.closeMs, phase: "close" }, noop)
      .catch(noop)
      .finally(() => this.#teardown());
    return this.#closing;
  }

  /** Immediate close: no FIN handshake, a pending read fails with ClosedError. */
  destroy(): void {
    this.#closedByUs = true;
    this.#settleOp(new ClosedError("The connection was destroyed while a read was pending"));
    this.#teardown();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- reading -------------------------------------------------------------------------

  #startStream(framing: StreamRead["framing"], what: string, options: StreamReadOptions): Readable {
    const signal = options.signal;
    const stream = new ReadStream(this.#streamSource);
    const op: StreamRead = {
      kind: "stream",
      framing,
      what,
      stream,
      idleMs: options.idleTimeoutMs ?? this.#timeouts.idleMs,
      wantMore: false,
      signal,
      onAbort: signal ? () => this.#fail(toAbortError(signal)) : undefined,
    };
    this.#op = op;
    if (signal && op.onAbort) signal.addEventListener("abort", op.onAbort, { once: true });
    // The socket keeps flowing until the unread bytes reach the high-water mark (#updateFlow):
    // pausing here for every body until its consumer reads would cost a readStop/readStart on
    // the socket per message.
    this.#updateFlow();
    return stream;
  }

  #onStreamRead(stream: ReadStream): void {
    const op = this.#op;
    if (op?.kind !== "stream" || op.stream !== stream) return;
    op.wantMore = true;
    this.#pump();
  }

  #onStreamDestroy(stream: ReadStream, error: Error | null): void {
    const op = this.#op;
    if (op?.kind !== "stream" || op.stream !== stream) return;
    // The consumer gave up mid-stream; the rest of the reply is still coming.
    this.#op = undefined;
    this.#endRead(op);
    this.#fail(
      new ClosedError(`The stream of ${op.what} was ended before its end; the connection cannot be reused`, {
        cause: error ?? undefined,
      }),
    );
  }

  /** Serves the pending read from the line buffer, then sets the socket's flow to match. */
  #pump(): void {
    const op = this.#op;
    try {
      if (op?.kind === "line") {
        const line = this.#reader.readLine();
        if (line) {
          this.#op = undefined;
          this.#endRead(op);
          op.resolve(this.#lineReceived(line));
        } else if (this.#ended) {
          this.#fail(this.#peerClosed("while a line was expected"));
        }
      } else if (op?.kind === "collect") {
        while (this.#op === op && this.#collectBody(op));
        if (this.#op === op && this.#ended)
          this.#fail(this.#peerClosed("in the middle of a dot-terminated body"));
      } else if (op?.kind === "raw") {
        for (
          let raw = this.#reader.takeRaw();
          raw;
          raw = this.#op === op ? this.#reader.takeRaw() : undefined
        )
          this.#feedRaw(op, raw);
        if (this.#op === op && this.#ended) this.#fail(this.#peerClosed(`in the middle of ${op.what}`));
      } else if (op) {
        while (op.wantMore && this.#op === op) {
          if (!this.#pushBody(op)) {
            if (this.#ended) this.#fail(this.#peerClosed(`in the middle of ${op.what}`));
            break;
          }
        }
      }
    } catch (error) {
      this.#failOnCodecError(error);
      return;
    }
    this.#updateFlow();
  }

  /**
   * Moves the next buffered bytes of the body into its stream (decoded) and ends the stream at
   * the body's end. False when nothing is buffered: more bytes are needed.
   */
  #pushBody(op: StreamRead): boolean {
    const stream = op.stream;
    let done: boolean;
    if (op.framing === "counted") {
      if (this.#reader.countedRemaining > 0) {
        const piece = this.#reader.takeCounted();
        if (!piece) return false;
        if (!stream.push(piece)) op.wantMore = false;
      }
      done = this.#reader.countedRemaining === 0;
    } else {
      const raw = this.#reader.takeRaw();
      if (!raw) return false;
      const result = (this.#dotDecoder as DotTerminatedDecoder).decode(raw);
      if (result.rest) this.#reader.unshift(result.rest);
      for (const piece of result.body) if (!stream.push(piece)) op.wantMore = false;
      done = result.done;
    }
    if (done) {
      this.#op = undefined;
      this.#endRead(op);
      stream.push(null);
    }
    return true;
  }

  /** Like #pushBody for a collected body. False when more bytes are needed. */
  #collectBody(op: CollectRead): boolean {
    const raw = this.#reader.takeRaw();
    if (!raw) return false;
    const result = (this.#dotDecoder as DotTerminatedDecoder).decode(raw);
    if (result.rest) this.#reader.unshift(result.rest);
    for (const piece of result.body) {
      op.pieces.push(piece);
      op.length += piece.length;
    }
    if (op.length > op.maxBytes) {
      this.#fail(
        new LimitExceededError(`A dot-terminated body longer than ${op.maxBytes} bytes`, {
          limit: "maxBytes",
          max: op.maxBytes,
        }),
      );
      return false;
    }
    if (result.done) {
      this.#op = undefined;
      this.#endRead(op);
      // One copy into memory of its own: the pieces are views of socket chunks.
      op.resolve(Buffer.concat(op.pieces, op.length));
    }
    return true;
  }

  /**
   * Gives one chunk to a raw read's consumer; settles the read when the consumer is done.
   * `borrowed`: the chunk lives in a reused read buffer, so what goes back is copied.
   */
  #feedRaw(op: RawRead, chunk: Uint8Array, borrowed = false): void {
    let taken: number;
    try {
      taken = op.consume(chunk);
    } catch (error) {
      // Whatever the consumer threw, it took bytes it could not frame: the stream is out of step.
      this.#fail(asMailwireError(error, this));
      return;
    }
    if (taken < 0) return;
    if (taken < chunk.length) {
      const rest = chunk.subarray(taken);
      this.#reader.unshift(borrowed ? Buffer.from(rest) : rest);
    }
    this.#op = undefined;
    this.#endRead(op);
    op.resolve();
  }

  /** Reads from the socket only when someone will take the bytes: TCP flow control does the rest. */
  #updateFlow(): void {
    if (this.#destroyed || this.#upgrading || this.#closedByUs) return;
    const op = this.#op;
    let flow: boolean;
    if (op === undefined) flow = this.#reader.bufferedLength < SocketLimits.unsolicitedBufferBytes;
    else if (op.kind !== "stream" || op.wantMore) flow = true;
    else {
      // A body its consumer has not asked for yet: read ahead up to the high-water mark.
      flow = this.#reader.bufferedLength + op.stream.readableLength < SocketLimits.streamHighWaterMark;
    }
    const socket = this.#socket;
    // Only on a change: resume() and pause() are not free, and this runs for every chunk.
    if (flow) {
      if (socket.readableFlowing !== true) socket.resume();
    } else if (socket.readableFlowing !== false) socket.pause();
    // The idle clock runs only while we wait on the server, never while the consumer is slow.
    if (op?.kind === "collect" || op?.kind === "raw") {
      if (!this.#deadline.running && !this.#ended && Number.isFinite(op.idleMs))
        this.#deadline.start(op.idleMs);
    } else if (op?.kind === "stream") {
      if (op.wantMore && !this.#ended) {
        if (!this.#deadline.running && Number.isFinite(op.idleMs)) this.#deadline.start(op.idleMs);
      } else {
        this.#deadline.stop();
      }
    }
  }

  /** The read is settled: its timer and abort listener go. */
  #endRead(op: PendingRead): void {
    this.#deadline.stop();
    if (op.signal && op.onAbort) op.signal.removeEventListener("abort", op.onAbort);
  }

  #onReadTimeout(): void {
    const op = this.#op;
    if (!op) return;
    if (op.kind === "line") {
      this.#fail(
        new TimeoutError(`${op.phase} timed out after ${op.timeoutMs} ms`, {
          phase: op.phase,
          timeoutMs: op.timeoutMs,
        }),
      );
    } else {
      const what = op.kind === "collect" ? "a dot-terminated body" : op.what;
      this.#fail(
        new TimeoutError(`No data for ${op.idleMs} ms in the middle of ${what}`, {
          phase: "idle",
          timeoutMs: op.idleMs,
        }),
      );
    }
  }

  #lineReceived(line: Uint8Array): Uint8Array {
    this.#linesRead++;
    publish(ChannelName.socketLine, () => ({
      host: this.host,
      port: this.port,
      direction: "in",
      line: textDecoder.decode(line),
    }));
    this.#logger?.debug(`S: ${textDecoder.decode(line)}`, { host: this.host, port: this.port });
    return line;
  }

  // --- writing -------------------------------------------------------------------------

  async #send(bytes: Uint8Array, options: WriteOptions): Promise<void> {
    throwIfAborted(options.signal);
    const socket = this.#socket;
    if (socket.write(bytes)) return;
    this.#writesPending++;
    try {
      await waitFor(
        socket,
        "drain",
        { signal: options.signal, timeoutMs: options.timeoutMs ?? this.#timeouts.writeMs, phase: "write" },
        (error) => this.#failure ?? connectionError(error, this),
      );
    } catch (error) {
      // Part of the command may be on the wire: the protocol state is unknown from here on.
      const failure = asMailwireError(error, this);
      this.#fail(failure);
      throw failure;
    } finally {
      this.#writesPending--;
    }
  }

  // --- state ---------------------------------------------------------------------------

  #checkReadable(): void {
    if (this.#failure) throw this.#failure;
    if (this.#closedByUs) throw new ClosedError();
    if (this.#upgrading) throw new InvalidArgumentError("The TLS upgrade is still in progress");
    if (this.#op) throw new InvalidArgumentError("Another read is in progress on this connection");
  }

  #checkWritable(): void {
    if (this.#failure) throw this.#failure;
    if (this.#closedByUs || this.#destroyed) throw new ClosedError();
    if (this.#upgrading) throw new InvalidArgumentError("The TLS upgrade is still in progress");
  }

  #attach(socket: Duplex): void {
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
  }

  #detach(socket: Duplex): void {
    socket.off("data", this.#onData);
    socket.off("end", this.#onEnd);
    socket.off("error", this.#onError);
    socket.off("close", this.#onClose);
    // A late error on a socket we no longer watch must not crash the process.
    socket.on("error", noop);
  }

  readonly #onData = (chunk: Buffer | string): void => {
    const op = this.#op;
    // Bytes arrived: a body's idle wait starts over (a line's timeout is for the whole line).
    if (op !== undefined && op.kind !== "line") this.#deadline.touch();
    if (op?.kind === "raw" && this.#reader.bufferedLength === 0 && typeof chunk !== "string") {
      // The common case of a raw read: straight to the consumer, no line buffer in between,
      // and the flow stays as it is (a raw read always flows) unless the read just ended.
      this.#feedRaw(op, chunk);
      if (this.#op !== op) this.#updateFlow();
      return;
    }
    try {
      this.#reader.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
    } catch (error) {
      this.#failOnCodecError(error);
      return;
    }
    this.#pump();
  };

  /**
   * A chunk in the reused read buffer (connect() with `reuseReadBuffer`), valid only now: a
   * raw read's consumer copies what it keeps; every other path keeps views, so gets a copy.
   */
  readonly #onBorrowed = (chunk: Buffer): void => {
    if (this.#destroyed || this.#closedByUs || this.#upgrading) return;
    const op = this.#op;
    if (op?.kind === "raw" && this.#reader.bufferedLength === 0) {
      this.#deadline.touch();
      this.#feedRaw(op, chunk, true);
      if (this.#op !== op) this.#updateFlow();
      return;
    }
    this.#onData(Buffer.from(chunk));
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#pump();
  };

  readonly #onError = (error: Error): void => {
    this.#fail(connectionError(error, this));
  };

  readonly #onClose = (): void => {
    this.#ended = true;
    this.#pump();
    this.#teardown();
  };

  #peerClosed(when: string): ConnectionError {
    return new ConnectionError(`The server closed the connection ${when}`, {
      code: ErrorCode.CONNECTION_CLOSED,
      details: { host: this.host, port: this.port, bufferedBytes: this.#reader.bufferedLength },
    });
  }

  #failOnCodecError(error: unknown): MailwireError {
    const failure = asMailwireError(error, this);
    // Misuse (InvalidArgument) leaves the connection usable; a framing error does not.
    if (failure.code !== ErrorCode.INVALID_ARGUMENT) this.#fail(failure);
    return failure;
  }

  /** Fails the pending read and destroys the socket; the first failure is kept for later calls. */
  #fail(error: MailwireError): void {
    this.#failure ??= error;
    this.#settleOp(error);
    this.#teardown();
  }

  #settleOp(error: MailwireError): void {
    const op = this.#op;
    if (!op) return;
    this.#op = undefined;
    this.#endRead(op);
    if (op.kind === "stream") op.stream.destroy(error);
    else op.reject(error);
  }

  #teardown(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#deadline.dispose();
    this.#detach(this.#socket);
    this.#socket.destroy();
    // After an orderly peer close, complete lines already received stay readable ("-ERR bye").
    if (this.#failure || this.#closedByUs) this.#reader.clear();
    const failure = this.#failure;
    publish(ChannelName.socketClose, () => ({
      host: this.host,
      port: this.port,
      hadError: failure !== undefined,
      code: failure?.code,
    }));
    if (failure)
      this.#logger?.debug("connection failed", { host: this.host, port: this.port, code: failure.code });
  }
}

const quiet: Logger = { debug: noop, warn: noop };

function mergeDefined(defaults: SocketTlsOptions, overrides: SocketTlsOptions): SocketTlsOptions {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) out[key] = value;
  return out as SocketTlsOptions;
}
