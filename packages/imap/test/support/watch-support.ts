import type { Logger } from "@mailwire/core";
import type { WatchEvent } from "../../src/index.js";

/** Pulls events from a watch until `done` says so, failing after `timeoutMs` with what arrived. */
export async function collectEvents(
  iterator: AsyncIterator<WatchEvent>,
  done: (events: WatchEvent[]) => boolean,
  timeoutMs = 20_000,
): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const limit = Date.now() + timeoutMs;
  while (!done(events)) {
    const remaining = limit - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no event within ${timeoutMs} ms; got ${describeEvents(events)}`)),
          Math.max(remaining, 0),
        );
      }),
    ]).finally(() => clearTimeout(timer));
    if (next.done) throw new Error(`watcher ended; got ${describeEvents(events)}`);
    events.push(next.value);
  }
  return events;
}

export function describeEvents(events: readonly WatchEvent[]): string {
  return JSON.stringify(events, (_, value) => (typeof value === "bigint" ? String(value) : value));
}

/** Only the events about messages (new, expunged, flags), in the order they came. */
export function messageEvents(events: readonly WatchEvent[]): WatchEvent[] {
  return events.filter(
    (event) => event.type === "new" || event.type === "expunged" || event.type === "flags",
  );
}

/** A logger that keeps the client's side of imapflow's protocol log (the commands sent). */
export function commandLog(): { logger: Logger; commands: string[] } {
  const commands: string[] = [];
  const keep = (message: string, fields?: Readonly<Record<string, unknown>>): void => {
    if (fields?.src === "c") commands.push(message);
  };
  return { logger: { debug: keep, info: keep, warn: keep, error: keep }, commands };
}
