import type { Router } from "../http/router.js";
import { EmsmdbEndpoint } from "./emsmdb-endpoint.js";
import { registerNspiEndpoint } from "./nspi-register.js";

/**
 * Registers the MAPI/HTTP mailbox endpoint (`/mapi/emsmdb/`, MS-OXCMAPIHTTP) and, for
 * tests, `POST /mailwire/mapi/control` (JSON: `expireSessions`, `keepAlives`,
 * `pendingPeriodMs`, `notificationWaitMs`, `addRtfOnlyMessage`; answers with counters). Each sim gets its own endpoint state.
 */
export function registerMapiEndpoints(router: Router): void {
  let endpoint: EmsmdbEndpoint | undefined;
  const of = (store: ConstructorParameters<typeof EmsmdbEndpoint>[0]) => {
    endpoint ??= new EmsmdbEndpoint(store);
    return endpoint;
  };
  router.add("POST", "/mapi/emsmdb*", (context) => of(context.store).handle(context));
  registerNspiEndpoint(router);
  router.add("POST", "/mailwire/mapi/control", async (context) => {
    const mapi = of(context.store);
    const raw = (await context.body()).toString("utf8");
    const command = (raw ? JSON.parse(raw) : {}) as {
      expireSessions?: boolean;
      keepAlives?: number;
      pendingPeriodMs?: number;
      notificationWaitMs?: number;
      addRtfOnlyMessage?: { folder?: "inbox" | "drafts" | "sent"; subject: string; rtf: string };
    };
    const dropped = command.expireSessions ? mapi.expireSessions() : 0;
    const added = command.addRtfOnlyMessage ? mapi.addRtfOnlyMessage(command.addRtfOnlyMessage) : undefined;
    if (typeof command.keepAlives === "number") mapi.settings.keepAlives = command.keepAlives;
    if (typeof command.pendingPeriodMs === "number") mapi.settings.pendingPeriodMs = command.pendingPeriodMs;
    if (typeof command.notificationWaitMs === "number") {
      mapi.settings.notificationWaitMs = command.notificationWaitMs;
    }
    context.json(200, {
      dropped,
      ...(added === undefined ? {} : { added }),
      sessions: mapi.sessionCount,
      openObjects: mapi.openObjects,
      ...mapi.stats,
      settings: mapi.settings,
    });
  });
}
