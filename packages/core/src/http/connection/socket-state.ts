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
}

const states = new WeakMap<Socket, SocketState>();
let nextId = 1;

export function registerSocket(socket: Socket, peerCertificate: Uint8Array | undefined): SocketState {
  const state: SocketState = { id: nextId++, peerCertificate, authenticatedSchemes: new Set() };
  states.set(socket, state);
  return state;
}

export function socketState(socket: Socket | undefined): SocketState | undefined {
  return socket ? states.get(socket) : undefined;
}
