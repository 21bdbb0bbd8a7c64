import type { LookupFunction, OnReadOpts } from "node:net";
import type { Duplex } from "node:stream";
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from "node:tls";
import { ChannelName, publish } from "../diagnostics/channels.js";
import type { Logger } from "../diagnostics/logger.js";
import type { MailwireError } from "../errors/mailwire-error.js";
import { nodeTlsOptions, type SocketTlsOptions, toTlsError } from "./tls-options.js";
import type { TlsRecordGuard } from "./tls-record-guard.js";
import { waitFor } from "./wait-for.js";

export interface HandshakeOptions {
  host: string | undefined;
  port: number | undefined;
  tls: SocketTlsOptions;
  mode: "implicit" | "starttls";
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  logger: Logger;
  /** The STARTTLS guard, whose verdict outranks the TLS layer's error. */
  guard?: TlsRecordGuard | undefined;
}

/** What the handshake agreed, for diagnostics and for callers that pin policies. */
export interface TlsSessionInfo {
  readonly protocol: string | null;
  readonly cipher: string;
  /** False only when rejectUnauthorized was turned off and the certificate did not verify. */
  readonly authorized: boolean;
  readonly authorizationError: string | undefined;
}

/** Runs a client handshake over `socket` with the caller's verification rules. */
export async function handshake(socket: Duplex, options: HandshakeOptions): Promise<TLSSocket> {
  warnIfUnverified(options);
  const tlsSocket = tlsConnect({ ...nodeTlsOptions(options.tls, options.host), socket });
  return finishHandshake(tlsSocket, socket, options);
}

function warnIfUnverified(options: HandshakeOptions): void {
  if (options.tls.rejectUnauthorized === false) {
    options.logger.warn("TLS certificate verification is disabled", {
      host: options.host,
      port: options.port,
    });
  }
}

/**
 * Opens TCP and TLS in one TLSSocket that decrypts into `onread.buffer`, one reused buffer,
 * instead of a fresh buffer per TLS record (Node ignores `onread` when TLS wraps an existing
 * socket, hence the TCP connect here). Phases as in connect(): "connect", then "tls".
 */
export async function connectTlsWithReadBuffer(
  options: HandshakeOptions & {
    /** Where to connect; `host` is the name the certificate is checked against. */
    connectHost: string;
    connectTimeoutMs: number;
    lookup?: LookupFunction | undefined;
    onread: OnReadOpts;
    connectFailed: (error: unknown) => MailwireError;
  },
): Promise<TLSSocket> {
  warnIfUnverified(options);
  // `onread` is a net.connect option that tls.connect passes on (Node >= 15.6); its typings lack it.
  const tlsSocket = tlsConnect({
    ...nodeTlsOptions(options.tls, options.host),
    host: options.connectHost,
    port: options.port,
    ...(options.lookup ? { lookup: options.lookup } : {}),
    onread: options.onread,
  } as ConnectionOptions);
  try {
    await waitFor(
      tlsSocket,
      "connect",
      { signal: options.signal, timeoutMs: options.connectTimeoutMs, phase: "connect" },
      options.connectFailed,
    );
  } catch (error) {
    tlsSocket.destroy();
    throw error;
  }
  // Line protocols send small commands and wait for the reply: Nagle would only add latency.
  tlsSocket.setNoDelay(true);
  return finishHandshake(tlsSocket, tlsSocket, options);
}

async function finishHandshake(
  tlsSocket: TLSSocket,
  socket: Duplex,
  options: HandshakeOptions,
): Promise<TLSSocket> {
  const { host, port, logger } = options;
  try {
    await waitFor(
      tlsSocket,
      "secureConnect",
      { signal: options.signal, timeoutMs: options.timeoutMs, phase: "tls" },
      (error) => options.guard?.injection ?? toTlsError(error, host),
    );
  } catch (error) {
    tlsSocket.destroy();
    socket.destroy();
    throw options.guard?.injection ?? error;
  }
  const info = sessionInfo(tlsSocket);
  publish(ChannelName.socketTls, () => ({ host, port, mode: options.mode, ...info }));
  logger.debug("TLS established", { host, port, mode: options.mode, ...info });
  return tlsSocket;
}

export function sessionInfo(socket: TLSSocket): TlsSessionInfo {
  const error = socket.authorizationError as Error | string | null | undefined;
  return {
    protocol: socket.getProtocol(),
    cipher: socket.getCipher().name,
    authorized: socket.authorized,
    authorizationError: error ? String(error) : undefined,
  };
}
