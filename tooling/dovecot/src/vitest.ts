import { afterAll, beforeAll, describe } from "vitest";
import { requireDovecot } from "./availability.js";
import { type DovecotServer, type StartDovecotOptions, startDovecot } from "./start-dovecot.js";

/**
 * `describe` for tests that need Dovecot. Without Dovecot the suite is skipped locally, with the
 * install command in its title (so the skip report says what to do), and runs — then fails in
 * `startDovecot()` with that command — under `CI`.
 */
export function describeWithDovecot(name: string, body: () => void): void {
  const requirement = requireDovecot();
  if (requirement.skip) describe.skip(`${name} [skipped: ${requirement.reason}]`, body);
  else describe(name, body);
}

/**
 * Starts one Dovecot for the enclosing suite (beforeAll) and stops it afterwards (afterAll). Returns
 * a getter, valid inside tests.
 */
export function useDovecot(options: StartDovecotOptions = {}): () => DovecotServer {
  let server: DovecotServer | undefined;
  beforeAll(async () => {
    server = await startDovecot(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error("Dovecot is not running (useDovecot() starts it in beforeAll)");
    return server;
  };
}
