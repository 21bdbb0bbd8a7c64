import type { Writable } from "node:stream";

// Two audiences: people (text on stdout, notes and progress on stderr) and scripts (`--json`:
// exactly one JSON document on stdout, or NDJSON — one object per line, each with a "type" —
// for the streaming commands list, search, sync and watch). Nothing else goes to stdout in JSON mode.

export class Output {
  readonly json: boolean;
  readonly #stdout: Writable;
  readonly #stderr: Writable;
  readonly quiet: boolean;

  constructor(options: { stdout: Writable; stderr: Writable; json: boolean; quiet?: boolean }) {
    this.json = options.json;
    this.#stdout = options.stdout;
    this.#stderr = options.stderr;
    this.quiet = options.quiet ?? false;
  }

  /** Human text to stdout (ignored in JSON mode). */
  text(line = ""): void {
    if (!this.json) this.#stdout.write(`${line}\n`);
  }

  /** A note for people on stderr (offline notices, hints); kept out of stdout so pipes stay clean. */
  note(line: string): void {
    if (!this.quiet) this.#stderr.write(`${line}\n`);
  }

  /** The one JSON document of a non-streaming command. */
  document(value: unknown): void {
    if (this.json) this.#stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One NDJSON line of a streaming command. */
  record(value: { type: string } & Record<string, unknown>): void {
    if (this.json) this.#stdout.write(`${JSON.stringify(value)}\n`);
  }

  get stderr(): Writable {
    return this.#stderr;
  }
}
