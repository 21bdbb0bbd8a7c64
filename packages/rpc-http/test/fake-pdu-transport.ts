import { ConnectionError, ErrorCode } from "@mailwire/core";
import type { TransportCallOptions } from "@mailwire/mapi";
import type { PduTransport } from "../src/transport/pdu-transport.js";

/**
 * An in-memory PduTransport whose "server" is a function from each sent PDU to the PDUs it
 * answers with (none while a fragmented request is incomplete). `close()` or `hangUp()`
 * fails pending and later receives, as a dropped connection does.
 */
export class FakePduTransport implements PduTransport {
  readonly maxPduSize = 0xffff;
  readonly sent: Uint8Array[] = [];
  readonly #inbox: Uint8Array[] = [];
  #waiter: { resolve: (pdu: Uint8Array) => void; reject: (error: Error) => void } | undefined;
  #closed = false;
  closeCalls = 0;

  constructor(readonly serve: (pdu: Uint8Array) => Uint8Array[]) {}

  async send(pdu: Uint8Array): Promise<void> {
    if (this.#closed) throw new ConnectionError("closed", { code: ErrorCode.CONNECTION_CLOSED });
    this.sent.push(pdu);
    for (const reply of this.serve(pdu)) this.deliver(reply);
  }

  deliver(pdu: Uint8Array): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve(pdu);
    } else this.#inbox.push(pdu);
  }

  receive(options: TransportCallOptions = {}): Promise<Uint8Array> {
    const next = this.#inbox.shift();
    if (next) return Promise.resolve(next);
    if (this.#closed)
      return Promise.reject(new ConnectionError("closed", { code: ErrorCode.CONNECTION_CLOSED }));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      options.signal?.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
    });
  }

  hangUp(): void {
    this.#closed = true;
    this.#waiter?.reject(
      new ConnectionError("The peer closed the connection", { code: ErrorCode.CONNECTION_CLOSED }),
    );
    this.#waiter = undefined;
  }

  async close(): Promise<void> {
    this.closeCalls += 1;
    this.hangUp();
  }
}
