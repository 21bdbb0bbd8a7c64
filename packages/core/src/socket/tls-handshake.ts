import type { Duplex } from "node:stream";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { ChannelName, publish } from "../diagnostics/channels.js";
import type { Logger } from "../diagnostics/logger.js";
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
  const { host, port, logger } = options;
  if (options.tls.rejectUnauthorized === false) {
    logger.warn("TLS certificate verification is disabled", { host, port });
  }
  const tlsSocket = tlsConnect({ ...nodeTlsOptions(options.tls, host), socket });
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
