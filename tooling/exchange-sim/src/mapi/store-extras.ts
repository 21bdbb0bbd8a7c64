import type { MailboxStore } from "../store/mailbox-store.js";
import type { MapiExtras } from "./mapi-properties.js";

// MAPI-only properties (e.g. an RTF-only body) kept beside one store. Every EMSMDB front end
// of a sim (MAPI/HTTP, and EMSMDB over DCE/RPC) reads the same map, so a message added
// through one is seen the same through the other.
const byStore = new WeakMap<MailboxStore, MapiExtras>();

export function mapiExtrasOf(store: MailboxStore): MapiExtras {
  let extras = byStore.get(store);
  if (!extras) {
    extras = new Map();
    byStore.set(store, extras);
  }
  return extras;
}
