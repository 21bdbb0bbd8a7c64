import { RedirectRefusedError } from "@mailwire/core";

/**
 * Counts redirects across one whole discovery (redirectAddr, redirectUrl, HTTP 3xx) and
 * refuses the 11th, or any address seen before: MS-OXDSCLI 3.1.5.4 asks clients to guard
 * against redirect loops, and Outlook stops at 10.
 */
export class RedirectBudget {
  #used = 0;
  readonly #addresses = new Set<string>();

  constructor(readonly max: number) {}

  get used(): number {
    return this.#used;
  }

  /** Spends one redirect; throws when none is left. */
  take(target: string): void {
    if (this.#used >= this.max) {
      throw new RedirectRefusedError(`more than ${this.max} redirects (last to ${target})`, {
        details: { reason: "too-many-redirects", max: this.max },
      });
    }
    this.#used += 1;
  }

  /** Records an address as visited; throws if it was visited before (a loop). */
  visitAddress(address: string): void {
    const key = address.toLowerCase();
    if (this.#addresses.has(key)) {
      throw new RedirectRefusedError(`redirect loop: ${address} was already tried`, {
        details: { reason: "loop" },
      });
    }
    this.#addresses.add(key);
  }
}
