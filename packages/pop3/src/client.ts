import type { Readable } from "node:stream";
import {
  ClosedError,
  InvalidArgumentError,
  LimitExceededError,
  type LineConnection,
  type TlsSessionInfo,
} from "@mailwire/core";
import type { Pop3AuthMethod } from "./auth/pop3-auth.js";
import { retrieveBuffers } from "./bulk-retrieve.js";
import type { Pop3Capabilities } from "./codec/capabilities.js";
import { checkMessageNumber, encodeCommandLine } from "./codec/command.js";
import { Pop3Limits } from "./codec/limits.js";
import {
  type Pop3DropListing,
  type Pop3ScanListing,
  type Pop3UniqueIdListing,
  parseDropListing,
  parseScanListing,
  parseUniqueIdListing,
} from "./codec/listing.js";
import { CommandChannel, drain, type Pop3CallOptions, type Pop3StreamOptions } from "./command-channel.js";
import { pipeline } from "./pipeline.js";

/** A message body from a pipelined download. */
export interface Pop3RetrievedMessage {
  readonly messageNumber: number;
  /** The message octets, dot-unstuffed, CRLF line ends. Read it before asking for the next one. */
  readonly body: Readable;
}

/** A message body from a pipelined download, collected into memory. */
export interface Pop3RetrievedBuffer {
  readonly messageNumber: number;
  /** The message octets, dot-unstuffed, CRLF line ends. */
  readonly body: Buffer;
}

/** Options of the pipelined bulk calls. */
export interface Pop3BulkOptions extends Pop3StreamOptions {
  /** Commands in flight; default the client's pipelineWindow. Ignored (1) without PIPELINING. */
  window?: number | undefined;
}

/** Options of retrieveBuffer and topBuffer. */
export interface Pop3BufferOptions extends Pop3StreamOptions {
  /**
   * Longest message body collected; a longer one fails with LimitExceededError (and the
   * connection, since the rest of it is still on the wire). Default
   * Pop3Limits.maxBufferedMessageBytes (256 MiB).
   */
  maxMessageBytes?: number | undefined;
}

/** Options of retrieveManyBuffers. */
export interface Pop3BulkBufferOptions extends Pop3BulkOptions {
  /** As in Pop3BufferOptions. */
  maxMessageBytes?: number | undefined;
}

/** A language the server offers for its replies (RFC 6856 §3). */
export interface Pop3Language {
  readonly tag: string;
  readonly description: string;
}

/** What connectPop3 learned and negotiated; the client keeps it. */
export interface Pop3SessionInfo {
  readonly greeting: string;
  /** CAPA after login (or before it, if the server refuses CAPA then). */
  readonly capabilities: Pop3Capabilities;
  /** The method that logged in. */
  readonly method: Pop3AuthMethod;
  readonly pipelineWindow: number;
}

/**
 * A logged-in POP3 session (TRANSACTION state, RFC 1939 §5). Calls may be issued concurrently;
 * they run one after another in call order. A body stream (RETR, TOP) and a listing iteration
 * own the connection until they end: read them to the end (or break out of the loop) before
 * awaiting another call on the same client from inside them.
 *
 * `quit()` (and `close()`, and `await using`) ends the session with QUIT, which makes the
 * server delete the messages marked with DELE (UPDATE state, RFC 1939 §6); `destroy()` drops
 * the connection without QUIT, so the server forgets the marks.
 */
export class Pop3Client implements AsyncDisposable {
  readonly greeting: string;
  readonly capabilities: Pop3Capabilities;
  readonly method: Pop3AuthMethod;
  readonly pipelineWindow: number;
  readonly #channel: CommandChannel;
  #quitting: Promise<void> | undefined;

  /** Use connectPop3(); this constructor takes a connection that is already logged in. */
  constructor(connection: LineConnection, info: Pop3SessionInfo) {
    this.#channel = new CommandChannel(connection);
    this.greeting = info.greeting;
    this.capabilities = info.capabilities;
    this.method = info.method;
    this.pipelineWindow = info.pipelineWindow;
  }

  get encrypted(): boolean {
    return this.#channel.connection.encrypted;
  }

  get tlsInfo(): TlsSessionInfo | undefined {
    return this.#channel.connection.tlsInfo;
  }

  /** True after quit(), close(), destroy() or a connection failure. */
  get closed(): boolean {
    return this.#channel.connection.closed || this.#quitting !== undefined;
  }

  /** STAT (RFC 1939 §5): message count and maildrop size, not counting messages marked deleted. */
  stat(options: Pop3CallOptions = {}): Promise<Pop3DropListing> {
    return this.#single("STAT", [], options, (text) => parseDropListing(text));
  }

  /** LIST n (RFC 1939 §5): the size of one message. */
  listMessage(messageNumber: number, options: Pop3CallOptions = {}): Promise<Pop3ScanListing> {
    return this.#single("LIST", [checkMessageNumber(messageNumber)], options, (text) =>
      parseScanListing(text),
    );
  }

  /** UIDL n (RFC 1939 §7): the unique-id of one message. */
  uidlMessage(messageNumber: number, options: Pop3CallOptions = {}): Promise<Pop3UniqueIdListing> {
    return this.#single("UIDL", [checkMessageNumber(messageNumber)], options, (text) =>
      parseUniqueIdListing(text),
    );
  }

  /** LIST (RFC 1939 §5) for every message, lazily, as the server sends the lines. */
  listEntries(options: Pop3StreamOptions = {}): AsyncGenerator<Pop3ScanListing, void, undefined> {
    return this.#multiline("LIST", [], options, (line) => parseScanListing(line));
  }

  /** UIDL (RFC 1939 §7) for every message, lazily. */
  uidlEntries(options: Pop3StreamOptions = {}): AsyncGenerator<Pop3UniqueIdListing, void, undefined> {
    return this.#multiline("UIDL", [], options, (line) => parseUniqueIdListing(line));
  }

  /** LIST for every message, collected. */
  list(options: Pop3StreamOptions = {}): Promise<Pop3ScanListing[]> {
    return collect(this.listEntries(options));
  }

  /** UIDL for every message, collected. */
  uidl(options: Pop3StreamOptions = {}): Promise<Pop3UniqueIdListing[]> {
    return collect(this.uidlEntries(options));
  }

  /** LIST n for each of `messageNumbers`, pipelined when the server allows it. */
  listMany(messageNumbers: readonly number[], options: Pop3BulkOptions = {}): Promise<Pop3ScanListing[]> {
    return collect(this.#pipelinedSingle("LIST", messageNumbers, options, (text) => parseScanListing(text)));
  }

  /** UIDL n for each of `messageNumbers`, pipelined when the server allows it. */
  uidlMany(messageNumbers: readonly number[], options: Pop3BulkOptions = {}): Promise<Pop3UniqueIdListing[]> {
    return collect(
      this.#pipelinedSingle("UIDL", messageNumbers, options, (text) => parseUniqueIdListing(text)),
    );
  }

  /** DELE n for each of `messageNumbers`, pipelined. The server deletes them at QUIT (RFC 1939 §6). */
  async deleteMany(messageNumbers: readonly number[], options: Pop3BulkOptions = {}): Promise<void> {
    for await (const _ of this.#pipelinedSingle("DELE", messageNumbers, options, () => undefined)) {
      // Each -ERR throws; nothing to collect.
    }
  }

  /**
   * RETR n (RFC 1939 §5): the message as a stream of its octets, dot-unstuffed, CRLF line
   * ends. Flow control reaches the server: memory stays flat however large the message. The
   * connection is busy until the stream ends; destroying it early destroys the connection.
   */
  async retrieve(messageNumber: number, options: Pop3StreamOptions = {}): Promise<Readable> {
    return this.#body(encodeCommandLine("RETR", checkMessageNumber(messageNumber)), "RETR", options);
  }

  /** RETR into one Buffer, for messages known to be small (at most `maxMessageBytes`). */
  async retrieveBuffer(messageNumber: number, options: Pop3BufferOptions = {}): Promise<Buffer> {
    return toBuffer(await this.retrieve(messageNumber, options), options.maxMessageBytes);
  }

  /** TOP n lines (RFC 1939 §7): the headers, a blank line and the first `lines` body lines. */
  async top(messageNumber: number, lines: number, options: Pop3StreamOptions = {}): Promise<Readable> {
    if (!Number.isSafeInteger(lines) || lines < 0) {
      throw new InvalidArgumentError(`TOP takes a non-negative line count, got ${lines}`);
    }
    return this.#body(encodeCommandLine("TOP", checkMessageNumber(messageNumber), lines), "TOP", options);
  }

  /** TOP into one Buffer (at most `maxMessageBytes`: a server may ignore the line count). */
  async topBuffer(messageNumber: number, lines: number, options: Pop3BufferOptions = {}): Promise<Buffer> {
    return toBuffer(await this.top(messageNumber, lines, options), options.maxMessageBytes);
  }

  /**
   * RETR for each of `messageNumbers`, pipelined with a bounded window: one round trip per
   * window instead of per message. Each yielded body must be read (or is drained and dropped)
   * before the next one is yielded.
   */
  async *retrieveMany(
    messageNumbers: readonly number[],
    options: Pop3BulkOptions = {},
  ): AsyncGenerator<Pop3RetrievedMessage, void, undefined> {
    const numbers = messageNumbers.map(checkMessageNumber);
    const release = await this.#channel.acquire(options.signal);
    const channel = this.#channel;
    let previous: Readable | undefined;
    try {
      const replies = pipeline<Pop3RetrievedMessage>({
        count: numbers.length,
        window: this.#window(options.window),
        send: (from, to) => channel.sendMany(commandLines("RETR", numbers, from, to), options),
        receive: async (index) => {
          if (previous) await drain(previous);
          await channel.expectOk({ command: "RETR" }, options);
          previous = channel.readBody(options);
          return { messageNumber: numbers[index] as number, body: previous };
        },
        discard: async () => {
          if (previous) await drain(previous);
          previous = undefined;
          const status = await channel.readStatus(options);
          if (status.ok) await drain(channel.readBody(options));
        },
        abandon: () => channel.connection.destroy(),
      });
      yield* replies;
      if (previous) await drain(previous);
    } finally {
      release();
    }
  }

  /**
   * retrieveMany with each body collected into one Buffer, for messages known to be small
   * (the bulk form of retrieveBuffer). The replies are decoded straight from the socket
   * chunks, many per chunk, with no stream, listener, timer or promise per message; a body is
   * in memory whole (at most maxMessageBytes), so keep to retrieveMany for messages that may
   * be large. Each body is its own Buffer (RetrReplyDecoder copies out of the socket chunks,
   * which may live in a reused read buffer).
   */
  retrieveManyBuffers(
    messageNumbers: readonly number[],
    options: Pop3BulkBufferOptions = {},
  ): AsyncGenerator<Pop3RetrievedBuffer, void, undefined> {
    // Framed straight from the socket chunks, many replies per chunk: see retrieveBuffers.
    return retrieveBuffers(
      this.#channel,
      () => {
        this.#checkOpen();
        return { numbers: messageNumbers.map(checkMessageNumber), window: this.#window(options.window) };
      },
      options,
    );
  }

  /** DELE n (RFC 1939 §5): marks the message; QUIT deletes it, RSET unmarks it. */
  async delete(messageNumber: number, options: Pop3CallOptions = {}): Promise<void> {
    await this.#single("DELE", [checkMessageNumber(messageNumber)], options, () => undefined);
  }

  /** RSET (RFC 1939 §5): unmarks every message marked deleted in this session. */
  async reset(options: Pop3CallOptions = {}): Promise<void> {
    await this.#single("RSET", [], options, () => undefined);
  }

  /** NOOP (RFC 1939 §5): keeps the session alive; a cheap liveness check. */
  async noop(options: Pop3CallOptions = {}): Promise<void> {
    await this.#single("NOOP", [], options, () => undefined);
  }

  /** LANG (RFC 6856 §3) without argument: the languages the server can reply in. */
  async languages(options: Pop3StreamOptions = {}): Promise<Pop3Language[]> {
    return collect(
      this.#multiline("LANG", [], options, (line) => {
        const space = line.indexOf(" ");
        return space === -1
          ? { tag: line, description: "" }
          : { tag: line.slice(0, space), description: line.slice(space + 1) };
      }),
    );
  }

  /** LANG tag (RFC 6856 §3): replies in that language from now on. */
  async setLanguage(tag: string, options: Pop3CallOptions = {}): Promise<void> {
    await this.#single("LANG", [tag], options, () => undefined);
  }

  /**
   * QUIT (RFC 1939 §6): the server deletes the messages marked with DELE, then both sides
   * close. A -ERR (some deletions failed) is thrown as Pop3CommandError after the close.
   */
  quit(options: Pop3CallOptions = {}): Promise<void> {
    this.#quitting ??= (async () => {
      try {
        await this.#single("QUIT", [], options, () => undefined);
      } finally {
        await this.#channel.connection.close();
      }
    })();
    return this.#quitting;
  }

  /**
   * Ends the session politely: QUIT when the connection is idle (committing deletions, as
   * any mail client does on disconnect), otherwise an immediate close that fails the calls in
   * progress with ClosedError. Never throws.
   */
  async close(): Promise<void> {
    if (this.#quitting) return this.#quitting.catch(() => {});
    if (this.#channel.connection.closed || this.#channel.busy) {
      this.#quitting = Promise.resolve();
      await this.#channel.connection.close();
      return;
    }
    await this.quit().catch(() => {});
  }

  /** Drops the connection without QUIT: the server discards this session's DELE marks. */
  destroy(): void {
    this.#quitting ??= Promise.resolve();
    this.#channel.connection.destroy();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- helpers ---------------------------------------------------------------------------

  #window(requested: number | undefined): number {
    if (!this.capabilities.pipelining) return 1;
    const window = requested ?? this.pipelineWindow;
    if (!Number.isSafeInteger(window) || window < 1 || window > Pop3Limits.maxPipelineWindow) {
      throw new InvalidArgumentError(
        `window must be from 1 to ${Pop3Limits.maxPipelineWindow}, got ${window}`,
      );
    }
    return window;
  }

  #checkOpen(): void {
    if (this.#quitting !== undefined)
      throw new ClosedError("The POP3 session has ended (QUIT, close or destroy)");
  }

  async #single<T>(
    keyword: string,
    args: readonly (string | number)[],
    options: Pop3CallOptions,
    parse: (text: string) => T,
  ): Promise<T> {
    if (keyword !== "QUIT") this.#checkOpen();
    const line = encodeCommandLine(keyword, ...args);
    return this.#channel.exclusive(options.signal, async () => {
      const status = await this.#channel.command(line, { command: keyword }, options);
      return this.#parseOrDestroy(() => parse(status.text));
    });
  }

  async #body(line: string, keyword: string, options: Pop3StreamOptions): Promise<Readable> {
    this.#checkOpen();
    const release = await this.#channel.acquire(options.signal);
    try {
      await this.#channel.command(line, { command: keyword }, options);
      const body = this.#channel.readBody(options);
      body.once("close", release);
      return body;
    } catch (error) {
      release();
      throw error;
    }
  }

  async *#multiline<T>(
    keyword: string,
    args: readonly (string | number)[],
    options: Pop3StreamOptions,
    parse: (line: string) => T,
  ): AsyncGenerator<T, void, undefined> {
    this.#checkOpen();
    const line = encodeCommandLine(keyword, ...args);
    const release = await this.#channel.acquire(options.signal);
    try {
      await this.#channel.command(line, { command: keyword }, options);
      const lines = this.#channel.readBodyLines(options);
      // A line that does not parse ends the loop; for-await then returns `lines`, which drains
      // the rest of the listing so the connection stays in step.
      for await (const text of lines) yield parse(text);
    } finally {
      release();
    }
  }

  async *#pipelinedSingle<T>(
    keyword: string,
    messageNumbers: readonly number[],
    options: Pop3BulkOptions,
    parse: (text: string) => T,
  ): AsyncGenerator<T, void, undefined> {
    this.#checkOpen();
    const numbers = messageNumbers.map(checkMessageNumber);
    const window = this.#window(options.window);
    const release = await this.#channel.acquire(options.signal);
    const channel = this.#channel;
    try {
      yield* pipeline<T>({
        count: numbers.length,
        window,
        send: (from, to) => channel.sendMany(commandLines(keyword, numbers, from, to), options),
        receive: async () => {
          const status = await channel.expectOk({ command: keyword }, options);
          return this.#parseOrDestroy(() => parse(status.text));
        },
        discard: async () => {
          await channel.readStatus(options);
        },
        abandon: () => channel.connection.destroy(),
      });
    } finally {
      release();
    }
  }

  /** A reply that does not parse means the server is not speaking POP3 as we know it: stop. */
  #parseOrDestroy<T>(parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      this.#channel.connection.destroy();
      throw error;
    }
  }
}

/** The command lines `keyword n` for numbers[from] to numbers[to - 1]. */
function commandLines(keyword: string, numbers: readonly number[], from: number, to: number): string[] {
  const lines: string[] = [];
  for (let index = from; index < to; index++)
    lines.push(encodeCommandLine(keyword, numbers[index] as number));
  return lines;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * Collects a body stream, at most `maxBytes` of it: a server that never ends the body must not
 * grow memory without bound. Past the bound the stream is destroyed (which closes the
 * connection, the rest of the body being still on the wire). Plain events rather than
 * `for await`: per 20 KB message the async iterator (and its promise per chunk) cost about a
 * third of the client's CPU in the download benchmark.
 */
function toBuffer(stream: Readable, maxBytes = Pop3Limits.maxBufferedMessageBytes): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (stream.errored) return reject(stream.errored);
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on("data", (chunk: Buffer) => {
      length += chunk.length;
      if (length > maxBytes) {
        const error = new LimitExceededError(`A message body longer than ${maxBytes} bytes`, {
          limit: "maxMessageBytes",
          max: maxBytes,
        });
        reject(error);
        stream.destroy(error);
        return;
      }
      chunks.push(chunk);
    });
    stream.once("end", () => resolve(Buffer.concat(chunks, length)));
    stream.once("error", reject);
    stream.once("close", () => {
      if (!stream.readableEnded)
        reject(stream.errored ?? new ClosedError("The message body was closed before its end"));
    });
  });
}
