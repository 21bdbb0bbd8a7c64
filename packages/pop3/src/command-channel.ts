import { once } from "node:events";
import type { Readable } from "node:stream";
import {
  LimitExceededError,
  type LineConnection,
  LineReader,
  type MailwireError,
  raceAbort,
  throwIfAborted,
} from "@mailwire/core";
import { Pop3Limits } from "./codec/limits.js";
import { type Pop3StatusLine, parseStatusLine } from "./codec/status-line.js";
import { toText } from "./codec/text.js";
import { type ErrorContext, errorFromStatus } from "./errors.js";

/** Options every POP3 call accepts. */
export interface Pop3CallOptions {
  signal?: AbortSignal | undefined;
  /** Longest wait for the server's reply line; default the connection's response timeout. */
  timeoutMs?: number | undefined;
}

/** Options of calls that return a body stream. */
export interface Pop3StreamOptions extends Pop3CallOptions {
  /** Longest silence in the middle of the body; default the connection's idle timeout. */
  idleTimeoutMs?: number | undefined;
}

export type Release = () => void;

/**
 * The command/reply layer over one LineConnection: sends command lines, reads status lines,
 * multi-line bodies (as a stream or as lines) and serialises users of the connection. POP3
 * replies come in command order (RFC 1939 §3), so exactly one user owns the reply stream at
 * a time; a RETR body keeps ownership until it has been read to its end.
 */
export class CommandChannel {
  readonly connection: LineConnection;
  #tail: Promise<void> = Promise.resolve();
  #users = 0;

  constructor(connection: LineConnection) {
    this.connection = connection;
  }

  /**
   * Waits for the connection to be free, then owns it until the returned release is called.
   * An abort while waiting rejects at once; the slot is then handed on without being used.
   */
  async acquire(signal?: AbortSignal): Promise<Release> {
    throwIfAborted(signal);
    this.#users++;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => mine);
    let released = false;
    const releaseOnce = () => {
      if (released) return;
      released = true;
      this.#users--;
      release();
    };
    try {
      await raceAbort(previous, signal);
    } catch (error) {
      void previous.then(releaseOnce);
      throw error;
    }
    return releaseOnce;
  }

  /** True while a command, a body or an iteration owns the connection or waits for it. */
  get busy(): boolean {
    return this.#users > 0;
  }

  /** Runs `work` while owning the connection. */
  async exclusive<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Sends one command line. `sensitive` hides the whole line from traces (SASL responses). */
  async send(
    line: string,
    options: Pop3CallOptions & { sensitive?: boolean | undefined } = {},
  ): Promise<void> {
    await this.connection.writeLine(line, {
      signal: options.signal,
      sensitive: options.sensitive ?? false,
    });
  }

  /** Sends pipelined command lines (RFC 2449 §6.6) in one write. */
  async sendMany(lines: readonly string[], options: Pop3CallOptions = {}): Promise<void> {
    await this.connection.writeLines(lines, { signal: options.signal });
  }

  /**
   * Reads one status line. A line that is neither +OK nor -ERR means we no longer know which
   * reply belongs to which command: the connection is destroyed and the ParseError thrown.
   */
  async readStatus(options: Pop3CallOptions = {}): Promise<Pop3StatusLine> {
    const line = await this.connection.readLine({ signal: options.signal, timeoutMs: options.timeoutMs });
    try {
      return parseStatusLine(line);
    } catch (error) {
      this.connection.destroy();
      throw error;
    }
  }

  /** Reads a status line and throws the typed error for -ERR. */
  async expectOk(context: ErrorContext, options: Pop3CallOptions = {}): Promise<Pop3StatusLine> {
    const status = await this.readStatus(options);
    if (!status.ok) throw errorFromStatus(status, context);
    return status;
  }

  /** Sends a command and reads its status line, +OK or -ERR alike. */
  async readStatusAfter(line: string, options: Pop3CallOptions = {}): Promise<Pop3StatusLine> {
    await this.send(line, options);
    return this.readStatus(options);
  }

  /** Sends a command and reads its (single-line) reply; -ERR becomes the typed error. */
  async command(
    line: string,
    context: ErrorContext,
    options: Pop3CallOptions & { sensitive?: boolean | undefined } = {},
  ): Promise<Pop3StatusLine> {
    await this.send(line, options);
    return this.expectOk(context, options);
  }

  /** The dot-terminated body that follows a positive multi-line status (RFC 1939 §3), unstuffed. */
  readBody(options: Pop3StreamOptions = {}): Readable {
    return this.connection.readDotTerminated({
      signal: options.signal,
      idleTimeoutMs: options.idleTimeoutMs,
    });
  }

  /**
   * The lines of a multi-line body (CAPA, LIST, UIDL, LANG), lazily, each at most
   * Pop3Limits.maxLineLength and at most Pop3Limits.maxListingEntries of them. Ending the
   * iteration early reads (and discards) the rest, so the connection stays usable.
   */
  async *readBodyLines(options: Pop3StreamOptions = {}): AsyncGenerator<string, void, undefined> {
    const body = this.readBody(options);
    const lines = new LineReader({ maxLineLength: Pop3Limits.maxLineLength });
    let count = 0;
    let complete = false;
    try {
      // destroyOnReturn false: leaving the loop early must not destroy the body (and with it the
      // connection); the finally block reads the rest instead.
      for await (const chunk of body.iterator({ destroyOnReturn: false })) {
        lines.push(chunk as Uint8Array);
        for (let line = lines.readLine(); line !== undefined; line = lines.readLine()) {
          if (++count > Pop3Limits.maxListingEntries) {
            throw new LimitExceededError(`More than ${Pop3Limits.maxListingEntries} lines in one reply`, {
              limit: "maxListingEntries",
              max: Pop3Limits.maxListingEntries,
            });
          }
          yield toText(line);
        }
      }
      complete = true;
    } catch (error) {
      // The rest of the body is still on the wire and we stopped reading it: the connection is lost.
      body.destroy();
      this.connection.destroy();
      throw error;
    } finally {
      if (!complete && !body.destroyed) await drain(body);
    }
  }
}

/**
 * Reads a body stream to its end and discards it, so the next reply can be read. Rethrows
 * the stream's error (a broken connection) if it failed.
 */
export async function drain(body: Readable): Promise<void> {
  const errored = body.errored as MailwireError | null;
  if (errored) throw errored;
  if (body.readableEnded || body.destroyed) return;
  body.resume();
  await once(body, "end");
}
