import type { Router } from "../http/router.js";

// Tiny JSON endpoints under /mailwire/ so authentication can be exercised end to end before any
// protocol module exists. Not part of any Exchange protocol.

export function registerTestEndpoints(router: Router): void {
  router.add("GET", "/mailwire/whoami", ({ user, json }) => json(200, { user }));
  router.add("GET", "/mailwire/folders", ({ store, json }) =>
    json(200, {
      changeNumber: store.changeNumber,
      folders: store.folders().map((f) => ({
        id: f.id,
        parentId: f.parentId ?? null,
        displayName: f.displayName,
        path: f.path,
        specialUse: f.specialUse ?? null,
        messageCount: store.messages(f.id).length,
        unreadCount: store.messages(f.id).filter((m) => !m.flags.seen).length,
      })),
    }),
  );
  router.add("GET", "/mailwire/health", ({ json }) => json(200, { ok: true }), { auth: false });
}
