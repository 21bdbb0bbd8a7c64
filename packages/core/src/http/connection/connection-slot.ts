import type { Socket } from "node:net";
import type { ConnectedInfo } from "../types.js";
import type { TransportSettings } from "./dispatcher-factory.js";
import { createNodeConnection } from "./node/node-connection.js";
import type { SlotConnection } from "./slot-connection.js";
import { type SocketState, socketState } from "./socket-state.js";
import { createUndiciConnection } from "./undici-connection.js";
import { loadedUndici } from "./undici-parts.js";

let nextSlotId = 1;

function requireUndici() {
  const undici = loadedUndici();
  // The transport awaits loadUndici() before its first request reaches a slot.
  if (undici === undefined) throw new Error("internal: undici used before it was loaded");
  return undici;
}
const noop = () => {};

// Scheme names come from a handful of providers; lower-casing one on every request would
// make a new string to hash each time.
const lowerCaseSchemes = new Map<string, string>();
function lowerCaseScheme(scheme: string): string {
  let lower = lowerCaseSchemes.get(scheme);
  if (lower === undefined) {
    lower = scheme.toLowerCase();
    lowerCaseSchemes.set(scheme, lower);
  }
  return lower;
}

/**
 * One keep-alive connection to one origin. The engine (undici or node:http) reconnects it
 * transparently when the socket dies; `socket` always names the current one, which is how connection-bound auth
 * can tell an authenticated connection from its unauthenticated replacement.
 */
export class ConnectionSlot {
  readonly id = nextSlotId++;
  readonly origin: string;
  readonly #settings: TransportSettings;
  /** Built on the slot's first request (with the undici engine, undici is loaded by then). */
  #connection: SlotConnection | undefined;
  #ended: "close" | "destroy" | undefined;
  socket: Socket | undefined;
  /** Requests dispatched and not yet finished (response body not yet consumed). */
  inFlight = 0;
  /** Held during an auth handshake: no other request may slip in between its legs. */
  locked = false;
  readonly #onIdle: () => void;
  /** Requests waiting to hear that the slot's connection is up (HttpRequest.onConnected). */
  readonly #connectWaiters = new Set<(connection: ConnectedInfo) => void>();

  constructor(origin: string, settings: TransportSettings, onIdle: () => void) {
    this.origin = origin;
    this.#onIdle = onIdle;
    this.#settings = settings;
  }

  /**
   * The engine's connection behind this slot, built on first use. With the undici engine the
   * transport has loaded undici before it asks (undici-parts.ts).
   */
  connection(): SlotConnection {
    if (this.#connection === undefined) {
      const onSocket = (socket: Socket) => {
        this.socket = socket;
        const state = socketState(socket);
        if (state === undefined || this.#connectWaiters.size === 0) return;
        const waiters = [...this.#connectWaiters];
        this.#connectWaiters.clear();
        for (const waiter of waiters) waiter({ id: state.id });
      };
      this.#connection =
        this.#settings.engine === "node"
          ? createNodeConnection(this.origin, this.#settings, onSocket)
          : createUndiciConnection(requireUndici(), this.#settings, onSocket);
      // Closed before its first request (one that waited for a connection while the client
      // closed): the engine then refuses the request as it would have on a connection built earlier.
      if (this.#ended === "close") void this.#connection.close();
      else if (this.#ended === "destroy") void this.#connection.destroy();
    }
    return this.#connection;
  }

  async close(): Promise<void> {
    this.#ended ??= "close";
    await this.#connection?.close();
  }

  async destroy(): Promise<void> {
    this.#ended = "destroy";
    await this.#connection?.destroy();
  }

  /**
   * Calls `callback` once the slot has a connected socket: at once when it has one now,
   * otherwise when the engine's connect for it completes. The returned function cancels the
   * wait (the request failed first). The callback must not throw.
   */
  whenConnected(callback: (connection: ConnectedInfo) => void): () => void {
    const state = this.state;
    if (state !== undefined) {
      callback({ id: state.id });
      return noop;
    }
    this.#connectWaiters.add(callback);
    return () => this.#connectWaiters.delete(callback);
  }

  get state(): SocketState | undefined {
    return this.socket && !this.socket.destroyed ? socketState(this.socket) : undefined;
  }

  isAuthenticated(scheme: string): boolean {
    return this.state?.authenticatedSchemes.has(lowerCaseScheme(scheme)) ?? false;
  }

  begin(): void {
    this.inFlight++;
  }

  end(): void {
    this.inFlight--;
    if (this.inFlight === 0) this.#onIdle();
  }

  unlock(): void {
    this.locked = false;
    this.#onIdle();
  }
}
