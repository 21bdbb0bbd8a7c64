import { raceAbort, throwIfAborted } from "../../abort/abort.js";
import { ConnectionSlot } from "./connection-slot.js";
import type { TransportSettings } from "./dispatcher-factory.js";

export interface Lease {
  readonly slot: ConnectionSlot;
  /** The slot's connection already passed the requested scheme's handshake. */
  readonly authenticated: boolean;
  /** Gives back an exclusive lease (a no-op for shared ones). */
  release(): void;
}

const noop = () => {};

/**
 * Our own small pool per origin. undici's Pool would pick a connection for us; connection
 * -bound auth needs to pick it itself: prefer a connection already authenticated for the
 * scheme, otherwise take one exclusively for the handshake.
 */
export class OriginPool {
  readonly #slots: ConnectionSlot[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #origin: string;
  readonly #settings: TransportSettings;
  readonly #maxConnections: number;

  constructor(origin: string, settings: TransportSettings, maxConnections: number) {
    this.#origin = origin;
    this.#settings = settings;
    this.#maxConnections = maxConnections;
  }

  get slots(): readonly ConnectionSlot[] {
    return this.#slots;
  }

  /**
   * A connection for the next request. With `scheme` (a connection-bound auth scheme)
   * the lease is either shared on an authenticated connection or exclusive on one that
   * still needs the handshake; waits while every connection is mid-handshake.
   */
  async acquire(scheme: string | undefined, signal: AbortSignal | undefined): Promise<Lease> {
    for (;;) {
      throwIfAborted(signal);
      const lease = scheme === undefined ? this.#pickAny() : this.#pickFor(scheme);
      if (lease) return lease;
      let wake = noop;
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      this.#waiters.add(wake);
      try {
        await raceAbort(woken, signal);
      } finally {
        this.#waiters.delete(wake);
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.close()));
  }

  async destroy(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.destroy()));
  }

  #pickAny(): Lease | undefined {
    const free = this.#slots.filter((slot) => !slot.locked);
    const slot =
      free.find((candidate) => candidate.inFlight === 0) ??
      (this.#slots.length < this.#maxConnections ? this.#create() : leastLoaded(free));
    return slot && { slot, authenticated: false, release: noop };
  }

  #pickFor(scheme: string): Lease | undefined {
    const free = this.#slots.filter((slot) => !slot.locked);
    const authenticated = free.filter((slot) => slot.isAuthenticated(scheme));
    const idleAuthenticated = authenticated.find((slot) => slot.inFlight === 0);
    if (idleAuthenticated) return { slot: idleAuthenticated, authenticated: true, release: noop };
    const idle = free.find((slot) => slot.inFlight === 0);
    if (idle) return this.#lock(idle);
    if (this.#slots.length < this.#maxConnections) return this.#lock(this.#create());
    const busy = leastLoaded(authenticated);
    if (busy) return { slot: busy, authenticated: true, release: noop };
    return undefined;
  }

  #lock(slot: ConnectionSlot): Lease {
    slot.locked = true;
    let released = false;
    return {
      slot,
      authenticated: false,
      release: () => {
        if (released) return;
        released = true;
        slot.unlock();
      },
    };
  }

  #create(): ConnectionSlot {
    const slot = new ConnectionSlot(this.#origin, this.#settings, () => this.#wakeAll());
    this.#slots.push(slot);
    return slot;
  }

  #wakeAll(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }
}

function leastLoaded(slots: readonly ConnectionSlot[]): ConnectionSlot | undefined {
  let best: ConnectionSlot | undefined;
  for (const slot of slots) if (!best || slot.inFlight < best.inFlight) best = slot;
  return best;
}
