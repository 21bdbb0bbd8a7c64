// Everything the demo starts (servers, clients, connections) is registered here, so that a
// normal end, a failure and Ctrl-C all stop it, newest first.

export class Resources {
  readonly #closers: { name: string; close: () => Promise<void> | void }[] = [];
  #closing: Promise<void> | undefined;

  defer(name: string, close: () => Promise<void> | void): void {
    // Started while shutting down (Ctrl-C during a start): stop it right away.
    if (this.#closing)
      void Promise.resolve()
        .then(close)
        .catch(() => {});
    else this.#closers.push({ name, close });
  }

  /** Closes everything once; later calls wait for the same run. Failures are reported, not thrown. */
  closeAll(onError: (name: string, error: unknown) => void = () => {}): Promise<void> {
    this.#closing ??= (async () => {
      for (let closer = this.#closers.pop(); closer; closer = this.#closers.pop()) {
        try {
          await closer.close();
        } catch (error) {
          onError(closer.name, error);
        }
      }
    })();
    return this.#closing;
  }
}
