export interface PipelineSteps<T> {
  /** Commands to run. */
  readonly count: number;
  /** Most commands sent but not yet answered; 1 means no pipelining. */
  readonly window: number;
  /** Sends commands `from` to `to - 1` (at least one), in one write. */
  send(from: number, to: number): Promise<void>;
  /** Reads the reply to command `index` (replies arrive in command order, RFC 2449 §6.6). */
  receive(index: number): Promise<T>;
  /** Reads and drops the reply to command `index`, when the caller stopped early. */
  discard(index: number): Promise<void>;
  /** The connection cannot be brought back in step: give it up. */
  abandon(): void;
}

/**
 * Yields the replies of `count` commands, keeping up to `window` of them on the wire so the
 * round trip is paid once per window instead of once per command (RFC 2449 §6.6 PIPELINING).
 * The window is bounded: the server writes replies (whole RETR bodies) while we write commands,
 * and a client that wrote everything up front could fill both TCP buffers and deadlock.
 * Stopping early (break, an error) reads the replies still owed, so the connection stays usable.
 */
export async function* pipeline<T>(steps: PipelineSteps<T>): AsyncGenerator<T, void, undefined> {
  let sent = 0;
  let received = 0;
  // Refill the window in bursts of a quarter window rather than one command per reply, and
  // write each burst as one write: one TLS record and one syscall here and one read on the
  // server per burst instead of per command. Profiled on the 1,000-message download.
  const burst = Math.max(1, Math.floor(steps.window / 4));
  try {
    while (received < steps.count) {
      if (steps.window - (sent - received) >= burst && sent < steps.count) {
        const to = Math.min(steps.count, received + steps.window);
        await steps.send(sent, to);
        sent = to;
      }
      let value: T;
      try {
        value = await steps.receive(received);
      } finally {
        // Consumed either way: a clean -ERR was read; after a broken link nothing more will be.
        received++;
      }
      yield value;
    }
  } finally {
    try {
      for (; received < sent; received++) await steps.discard(received);
    } catch {
      // The first error (or the early return) is what the caller should see; the connection is gone.
      steps.abandon();
    }
  }
}
