import { type LookupFunction, connect as netConnect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type CallOptions, deadline, throwIfAborted } from "../abort/abort.js";
import { ChannelName, publish } from "../diagnostics/channels.js";
import type { Logger } from "../diagnostics/logger.js";
import { InvalidArgumentError } from "../errors/error-classes.js";
import { MailwireError } from "../errors/mailwire-error.js";
import { BorrowedReads } from "./borrowed-reads.js";
import { resolveTimeouts, SocketLimits, type SocketTimeouts } from "./limits.js";
import { LineConnection } from "./line-connection.js";
import { connectionError } from "./socket-errors.js";
import { connectTlsWithReadBuffer, handshake } from "./tls-handshake.js";
import type { SocketTlsOptions } from "./tls-options.js";
import { waitFor } from "./wait-for.js";

export interface ConnectOptions extends CallOptions {
  host: string;
  port: number;
  /**
   * Implicit TLS: handshake right after TCP connect (POP3S 995, IMAPS 993; RFC 8314 prefers
   * it to STARTTLS). False: plaintext, to be upgraded with upgradeToTls().
   */
  secure?: boolean | undefined;
  /** TLS settings for implicit TLS, and the defaults for a later upgradeToTls(). */
  tls?: SocketTlsOptions | undefined;
  /** Per-phase timeouts. `timeoutMs` (from CallOptions) bounds the whole of connect(). */
  timeouts?: SocketTimeouts | undefined;
  maxLineLength?: number | undefined;
  allowBareLf?: boolean | undefined;
  logger?: Logger | undefined;
  /** Name resolution, as net.connect's `lookup` (a pinned resolver, DNS over HTTPS, tests). Part of the connect phase. */
  lookup?: LookupFunction | undefined;
  /**
   * Implicit TLS only: decrypt into one reused buffer (TLS `onread`) instead of a fresh buffer
   * per TLS record, for bulk downloads where those 16 KB buffers are most of the allocation
   * (and of the garbage collection). The connection then copies what it keeps; a raw read's
   * consumer gets chunks that are valid only during its call. Default false.
   */
  reuseReadBuffer?: boolean | undefined;
}

/**
 * Opens a TCP connection, with implicit TLS when `secure`, and returns it ready for the
 * greeting. Phases: TCP connect (timeouts.connectMs), TLS handshake (timeouts.tlsMs), all
 * within `timeoutMs` and `signal`. Failures: ConnectionError MW_CONNECTION, TlsError
 * MW_TLS, TimeoutError (details.phase "connect", "tls" or "connect-total"), AbortError.
 */
export async function connect(options: ConnectOptions): Promise<LineConnection> {
  const { host, port } = options;
  if (typeof host !== "string" || host.length === 0) throw new InvalidArgumentError("host is required");
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError(`port must be an integer from 1 to 65535, got ${port}`);
  }
  throwIfAborted(options.signal);
  const timeouts = resolveTimeouts(options.timeouts);
  const overall = deadline({ signal: options.signal, timeoutMs: options.timeoutMs, phase: "connect-total" });
  const logger = options.logger;
  let socket: Duplex | undefined;
  try {
    if (options.secure && options.reuseReadBuffer) {
      const reads = new BorrowedReads();
      const readBuffer = Buffer.allocUnsafe(SocketLimits.readBufferBytes);
      socket = await connectTlsWithReadBuffer({
        host: options.tls?.servername ?? host,
        connectHost: host,
        port,
        tls: options.tls ?? {},
        mode: "implicit",
        signal: overall.signal,
        timeoutMs: timeouts.tlsMs,
        connectTimeoutMs: timeouts.connectMs,
        lookup: options.lookup,
        logger: logger ?? { debug() {}, warn() {} },
        onread: {
          buffer: readBuffer,
          callback: (length) => {
            reads.deliver(readBuffer.subarray(0, length));
            return true;
          },
        },
        connectFailed: (error) => connectFailed(error, host, port),
      });
      return connected(socket, options, reads);
    }
    const tcp: Socket = netConnect(options.lookup ? { host, port, lookup: options.lookup } : { host, port });
    socket = tcp;
    await waitFor(
      tcp,
      "connect",
      { signal: overall.signal, timeoutMs: timeouts.connectMs, phase: "connect" },
      (error) => connectFailed(error, host, port),
    );
    // Line protocols send small commands and wait for the reply: Nagle would only add latency.
    tcp.setNoDelay(true);
    if (options.secure) {
      socket = await handshake(tcp, {
        host: options.tls?.servername ?? host,
        port,
        tls: options.tls ?? {},
        mode: "implicit",
        signal: overall.signal,
        timeoutMs: timeouts.tlsMs,
        logger: logger ?? { debug() {}, warn() {} },
      });
    }
    return connected(socket, options, undefined);
  } catch (error) {
    socket?.destroy();
    const failure = error instanceof MailwireError ? error : connectFailed(error, host, port);
    publish(ChannelName.socketConnect, () => ({ host, port, ok: false, code: failure.code }));
    throw failure;
  } finally {
    overall.dispose();
  }
}

function connected(
  socket: Duplex,
  options: ConnectOptions,
  reads: BorrowedReads | undefined,
): LineConnection {
  const { host, port, logger } = options;
  publish(ChannelName.socketConnect, () => ({ host, port, secure: options.secure === true, ok: true }));
  logger?.debug("connected", { host, port, secure: options.secure === true });
  return new LineConnection(socket, {
    host,
    port,
    encrypted: options.secure === true,
    tls: options.tls,
    timeouts: options.timeouts,
    maxLineLength: options.maxLineLength,
    allowBareLf: options.allowBareLf,
    logger,
    borrowedReads: reads,
  });
}

function connectFailed(error: unknown, host: string, port: number): MailwireError {
  return connectionError(error, { host, port });
}
