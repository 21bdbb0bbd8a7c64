import { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { buildConnector } from "undici";
import { TimeoutError, TlsError } from "../../errors/error-classes.js";
import { ErrorCode } from "../../errors/error-codes.js";
import { isTlsFailure, markNotSent } from "../map-error.js";
import { certificateHasPrincipalName, certificateNames, normalizePrincipalName } from "./principal-name.js";
import { registerSocket } from "./socket-state.js";

export interface ConnectorHooks {
  /** Called with every new socket, after TLS and the principal check, before any request. */
  onSocket(socket: Socket): void;
  expectedPrincipalName?: string | undefined;
  /** Deadline for the whole connect: TCP, TLS and, through a proxy, its CONNECT. 0 = none. */
  connectTimeoutMs: number;
}

/**
 * Wraps undici's connector (direct, or the proxy tunnel's) so we see every socket undici
 * opens: we give it an id, keep the server certificate for NTLM channel binding, and
 * refuse the connection when the expected principal name is missing, which happens
 * before undici writes a single request byte, so no credential can leak to that server.
 */
export function observeConnector(
  inner: buildConnector.connector,
  hooks: ConnectorHooks,
): buildConnector.connector {
  return (options, callback) => {
    const connect = withConnectDeadline(inner, hooks.connectTimeoutMs);
    connect(options, (error, socket) => {
      if (error !== null || socket === null) {
        callback(markNotSent(error ?? new Error("connector returned no socket")), null);
        return;
      }
      let peerCertificate: Uint8Array | undefined;
      const expected = hooks.expectedPrincipalName;
      // The leaf alone: channel binding needs its DER (`raw`, which the NTLM client hashes
      // with the algorithm named in it) and the principal check its subject CN and DNS SANs.
      // `true` would also turn the whole chain into objects: 1.1 ms against 0.1 ms per connect.
      const certificate = socket instanceof TLSSocket ? socket.getPeerCertificate(false) : undefined;
      const raw = certificate?.raw as Buffer | undefined;
      if (raw) peerCertificate = new Uint8Array(raw);
      if (expected !== undefined) {
        // Plain http has no certificate to check, so a pinned principal can never match it.
        if (!certificate || !certificateHasPrincipalName(certificate, expected)) {
          socket.destroy();
          callback(
            markNotSent(
              new TlsError(`server certificate does not name ${normalizePrincipalName(expected)}`, {
                code: ErrorCode.TLS_PRINCIPAL_MISMATCH,
                details: {
                  expected: normalizePrincipalName(expected),
                  names: certificate ? certificateNames(certificate) : [],
                  requestSent: false,
                },
              }),
            ),
            null,
          );
          return;
        }
      }
      const state = registerSocket(socket, peerCertificate);
      if (socket instanceof TLSSocket) {
        // undici replaces an alert that arrives after the handshake with "other side
        // closed"; keep the first one so the transport can report it for what it is.
        socket.on("error", (error) => {
          if (state.tlsFailure === undefined && isTlsFailure(error)) state.tlsFailure = error;
        });
      }
      hooks.onSocket(socket);
      callback(null, socket);
    });
  };
}

/**
 * Core's own connect deadline around undici's connector. undici's `timeout` runs on its
 * coarse "fast timers" (about a second late for short deadlines) and, through a proxy, a
 * CONNECT the proxy never answers is bounded only by the proxy client's headers timeout
 * (5 minutes), so `connectMs` would not mean what HttpTimeouts documents. The timer starts
 * before the socket is opened and is cleared by the connector's callback; when it fires it
 * destroys the socket (or cancels the proxy's CONNECT, which undici's ProxyAgent aborts on
 * `signal`) and fails the connect with TimeoutError, phase "connect". A socket that turns
 * up after that is destroyed unused.
 */
function withConnectDeadline(inner: buildConnector.connector, timeoutMs: number) {
  return (options: buildConnector.Options, callback: buildConnector.Callback): void => {
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
      inner(options, callback);
      return;
    }
    let settled = false;
    let opened: Socket | undefined;
    const cancel = new AbortController();
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      const error = markNotSent(
        new TimeoutError(
          `connect to ${options.protocol}//${options.hostname}:${options.port} timed out after ${timeoutMs} ms`,
          { phase: "connect", timeoutMs, details: { requestSent: false } },
        ),
      );
      cancel.abort(error);
      // With an error, so undici's connector also runs its own cleanup ('error' listener).
      opened?.destroy(error);
      callback(error, null);
    }, timeoutMs);
    // buildConnector's connector returns the socket it opened at once; ProxyAgent's returns nothing.
    // `signal` is not in undici's Options type, but ProxyAgent passes it on to its CONNECT.
    const withSignal = { ...options, signal: cancel.signal } as buildConnector.Options;
    const returned: unknown = inner(withSignal, (...args) => {
      clearTimeout(timer);
      if (settled) {
        args[1]?.destroy();
        return;
      }
      settled = true;
      callback(...args);
    });
    if (returned instanceof Socket && !settled) opened = returned;
  };
}
