import type { Socket } from "node:net";
import type { Dispatcher } from "undici";
import { createSlotDispatcher, type SlotDispatcher, type TransportSettings } from "./dispatcher-factory.js";
import { type SocketState, socketState } from "./socket-state.js";

let nextSlotId = 1;

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
 * One keep-alive connection to one origin. undici reconnects it transparently when the
 * socket dies; `socket` always names the current one, which is how connection-bound auth
 * can tell an authenticated connection from its unauthenticated replacement.
 */
export class ConnectionSlot {
  readonly id = nextSlotId++;
  readonly origin: string;
  readonly dispatcher: Dispatcher;
  readonly #connection: SlotDispatcher;
  socket: Socket | undefined;
  /** Requests dispatched and not yet finished (response body not yet consumed). */
  inFlight = 0;
  /** Held during an auth handshake: no other request may slip in between its legs. */
  locked = false;
  readonly #onIdle: () => void;

  constructor(origin: string, settings: TransportSettings, onIdle: () => void) {
    this.origin = origin;
    this.#onIdle = onIdle;
    this.#connection = createSlotDispatcher(settings, (socket) => {
      this.socket = socket;
    });
    this.dispatcher = this.#connection.dispatcher;
  }

  close(): Promise<void> {
    return this.#connection.close();
  }

  destroy(): Promise<void> {
    return this.#connection.destroy();
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
