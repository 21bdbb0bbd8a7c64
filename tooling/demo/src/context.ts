import type { Narrator } from "./narrator.js";
import type { Resources } from "./resources.js";

/** What every step of the demo gets: Ctrl-C's signal, the cleanup list, the narrative. */
export interface DemoContext {
  readonly signal: AbortSignal;
  readonly resources: Resources;
  readonly narrator: Narrator;
}

/** Per-call bound for every network call; the local servers answer in milliseconds. */
export const CALL_TIMEOUT_MS = 10_000;
