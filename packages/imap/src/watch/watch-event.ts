import type { MailwireError } from "@mailwire/core";
import type { WatchState } from "./watch-state.js";

/**
 * What `watch()` yields. Message events are computed by comparing the server with the last
 * known state, so each change is reported once, however many reconnects happen in between.
 */
export type WatchEvent =
  | { readonly type: "new"; readonly uid: number; readonly flags: readonly string[] }
  | { readonly type: "expunged"; readonly uid: number }
  | { readonly type: "flags"; readonly uid: number; readonly flags: readonly string[] }
  /** UIDVALIDITY changed (RFC 9051 §2.3.1.1): every UID known before is void; the state starts over. */
  | { readonly type: "uidvalidity"; readonly previous: bigint; readonly current: bigint }
  /** The connection was lost and is back; nothing was missed. Informational. */
  | { readonly type: "reconnected"; readonly attempts: number; readonly error: MailwireError }
  /** After every batch: the state to persist for resuming later with `watch({ state })`. */
  | { readonly type: "synced"; readonly state: WatchState };
