import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { buildConnector } from "undici";
import { TlsError } from "../../errors/error-classes.js";
import { ErrorCode } from "../../errors/error-codes.js";
import { isTlsFailure, markNotSent } from "../map-error.js";
import { certificateHasPrincipalName, certificateNames, normalizePrincipalName } from "./principal-name.js";
import { registerSocket } from "./socket-state.js";

export interface ConnectorHooks {
  /** Called with every new socket, after TLS and the principal check, before any request. */
  onSocket(socket: Socket): void;
  expectedPrincipalName?: string | undefined;
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
    inner(options, (error, socket) => {
      if (error !== null || socket === null) {
        callback(markNotSent(error ?? new Error("connector returned no socket")), null);
        return;
      }
      let peerCertificate: Uint8Array | undefined;
      const expected = hooks.expectedPrincipalName;
      const certificate = socket instanceof TLSSocket ? socket.getPeerCertificate(true) : undefined;
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
