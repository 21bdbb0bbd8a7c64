import type { EmsmdbConnectInfo, EmsmdbTransport, TransportCallOptions } from "../../src/index.js";
import { SessionResetError } from "../../src/index.js";
import type { FakeRopEngine } from "./rop-engine.js";

/** An EmsmdbTransport that hands every ROP buffer to a FakeRopEngine in-process. */
export class FakeTransport implements EmsmdbTransport {
  readonly engine: FakeRopEngine;
  connects = 0;
  executes = 0;
  disconnects = 0;
  /** When set, the next execute fails as if the server had dropped the session context. */
  expireNext = false;
  /** Whether that expiry comes with a new context already (MAPI/HTTP's default) or none. */
  reconnectOnExpiry = true;
  readonly sent: Uint8Array[] = [];

  constructor(engine: FakeRopEngine) {
    this.engine = engine;
  }

  async connect(): Promise<EmsmdbConnectInfo> {
    this.connects += 1;
    return {
      maximumPollingIntervalMs: 60_000,
      retryCount: 6,
      retryDelayMs: 10_000,
      dnPrefix: "/o=Fake",
      displayName: "Fake User",
    };
  }

  async execute(ropBuffer: Uint8Array, options: TransportCallOptions = {}): Promise<Uint8Array> {
    options.signal?.throwIfAborted();
    this.executes += 1;
    this.sent.push(ropBuffer);
    if (this.expireNext) {
      this.expireNext = false;
      if (this.reconnectOnExpiry) this.connects += 1;
      throw new SessionResetError("session context expired", {
        reconnected: this.reconnectOnExpiry,
        responseCode: 10,
      });
    }
    return this.engine.execute(ropBuffer);
  }

  async disconnect(): Promise<void> {
    this.disconnects += 1;
  }

  waits = 0;

  /** A long poll: true at once when notifications are pending, else false after a short wait. */
  async waitForNotifications(options: TransportCallOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted();
    this.waits += 1;
    if (this.engine.pendingNotifications.length > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
    options.signal?.throwIfAborted();
    return this.engine.pendingNotifications.length > 0;
  }
}
