import type { Router } from "../http/router.js";
import { NspiEndpoint } from "./nspi-endpoint.js";

/**
 * Registers the MAPI/HTTP address book endpoint (`/mapi/nspi/`, MS-OXCMAPIHTTP 2.2.5) and,
 * for tests, `POST /mailwire/nspi/control` (JSON `expireSessions`, `addUsers`: generated users to add; answers with counters and
 * the GAL's display names). Each sim gets its own endpoint state.
 */
export function registerNspiEndpoint(router: Router): void {
  let endpoint: NspiEndpoint | undefined;
  const of = (store: ConstructorParameters<typeof NspiEndpoint>[0]) => {
    endpoint ??= new NspiEndpoint(store);
    return endpoint;
  };
  router.add("POST", "/mapi/nspi*", (context) => of(context.store).handle(context));
  router.add("POST", "/mailwire/nspi/control", async (context) => {
    const nspi = of(context.store);
    const raw = (await context.body()).toString("utf8");
    const command = (raw ? JSON.parse(raw) : {}) as { expireSessions?: boolean; addUsers?: number };
    const dropped = command.expireSessions ? nspi.expireSessions() : 0;
    if (typeof command.addUsers === "number")
      nspi.directory.addUsers(Math.min(Math.max(0, command.addUsers), 10_000));
    context.json(200, {
      dropped,
      sessions: nspi.sessionCount,
      ...nspi.stats,
      gal: nspi.directory.entries.map((e) => ({
        mid: e.mid,
        displayName: e.displayName,
        smtpAddress: e.smtpAddress,
        legacyDn: e.legacyDn,
      })),
    });
  });
}
