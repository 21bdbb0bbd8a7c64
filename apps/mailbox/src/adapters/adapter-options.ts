import type { CallOptions, OutgoingMessage } from "../mailbox.js";

/** Sends a message for a Mailbox whose protocol cannot (IMAP, POP3): e.g. SMTP submission. */
export type SendFunction = (message: OutgoingMessage, options?: CallOptions) => Promise<void>;

/** Options every adapter factory takes. */
export interface AdapterOptions extends CallOptions {
  /**
   * Replaces the adapter's `send`. IMAP and POP3 cannot send, so without it their `send`
   * throws `UnsupportedOperationError`; the CLI plugs SMTP in here.
   */
  readonly send?: SendFunction | undefined;
  /** Bounds connect + login. */
  readonly timeoutMs?: number | undefined;
}
