import type { Writable } from "node:stream";

/**
 * A one-line progress bar on a terminal's stderr, redrawn at most ten times a second. On a
 * pipe (or in JSON mode) it stays silent: progress then comes as NDJSON records.
 */
export class ProgressBar {
  readonly #stream: Writable & { isTTY?: boolean; columns?: number };
  readonly #enabled: boolean;
  #lastDraw = 0;
  #drawn = false;

  constructor(stream: Writable, enabled: boolean) {
    this.#stream = stream as Writable & { isTTY?: boolean };
    this.#enabled = enabled;
  }

  update(label: string, done: number, total: number): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (done < total && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const width = 24;
    const ratio = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(ratio * width);
    const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
    const line = `${label.slice(0, 40).padEnd(40)} [${bar}] ${done}/${total}`;
    this.#stream.write(`\r${line}`);
    this.#drawn = true;
  }

  done(): void {
    if (this.#drawn) this.#stream.write("\n");
    this.#drawn = false;
  }
}
