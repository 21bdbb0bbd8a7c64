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
      const lease = this.tryAcquire(scheme);
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

  /** What acquire() would give right now, without waiting; undefined when it would wait. */
  tryAcquire(scheme: string | undefined): Lease | undefined {
    return scheme === undefined ? this.#pickAny() : this.#pickFor(scheme);
  }

  async close(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.close()));
  }

  async destroy(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.destroy()));
  }

  // Both pickers run on every request, so they walk the slots once and allocate nothing
  // but the lease.
  #pickAny(): Lease | undefined {
    let leastBusy: ConnectionSlot | undefined;
    for (const slot of this.#slots) {
      if (slot.locked) continue;
      if (slot.inFlight === 0) return { slot, authenticated: false, release: noop };
      if (!leastBusy || slot.inFlight < leastBusy.inFlight) leastBusy = slot;
    }
    const slot = this.#slots.length < this.#maxConnections ? this.#create() : leastBusy;
    return slot && { slot, authenticated: false, release: noop };
  }

  /**
   * In order: an idle authenticated connection (shared); an idle one that still needs the
   * handshake (exclusive); a new one (exclusive); the least busy authenticated one (shared).
   */
  #pickFor(scheme: string): Lease | undefined {
    let idle: ConnectionSlot | undefined;
    let leastBusyAuthenticated: ConnectionSlot | undefined;
    for (const slot of this.#slots) {
      if (slot.locked) continue;
      const authenticated = slot.isAuthenticated(scheme);
      if (slot.inFlight === 0) {
        if (authenticated) return { slot, authenticated: true, release: noop };
        idle ??= slot;
      } else if (
        authenticated &&
        (!leastBusyAuthenticated || slot.inFlight < leastBusyAuthenticated.inFlight)
      ) {
        leastBusyAuthenticated = slot;
      }
    }
    if (idle) return this.#lock(idle);
    if (this.#slots.length < this.#maxConnections) return this.#lock(this.#create());
    if (leastBusyAuthenticated) return { slot: leastBusyAuthenticated, authenticated: true, release: noop };
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
