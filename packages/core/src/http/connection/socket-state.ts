import type { Socket } from "node:net";

/**
 * What we know about one TCP connection. Connection-bound auth (NTLM, Negotiate) marks
 * the scheme here once its handshake succeeded; a reconnect yields a new socket and so a
 * fresh, unauthenticated state.
 */
export interface SocketState {
  readonly id: number;
  readonly peerCertificate: Uint8Array | undefined;
  readonly authenticatedSchemes: Set<string>;
  /**
   * A TLS alert the server sent after the handshake looked done to us (TLS 1.3 rejects a
   * missing or unacceptable client certificate that way). undici reports only "other side
   * closed" for it, so the transport looks here to tell the caller the real reason.
   */
  tlsFailure: Error | undefined;
}

const states = new WeakMap<Socket, SocketState>();
let nextId = 1;

export function registerSocket(socket: Socket, peerCertificate: Uint8Array | undefined): SocketState {
  const state: SocketState = {
    id: nextId++,
    peerCertificate,
    authenticatedSchemes: new Set(),
    tlsFailure: undefined,
  };
  states.set(socket, state);
  return state;
}

export function socketState(socket: Socket | undefined): SocketState | undefined {
  return socket ? states.get(socket) : undefined;
}
