import { makeId } from "@mailwire/mapi";
import type { MailboxStore } from "../store/mailbox-store.js";

/** Replica 1 is the mailbox's own (MS-OXCDATA 2.2.1.1: FID/MID = ReplicaId + GlobalCounter). */
const REPLICA = 1;

/**
 * Gives the store's string ids (`fld-0001`, fixture message ids) stable FIDs and MIDs, in
 * both directions. Counters are handed out on first sight; the special logon folders the
 * store has no entry for (root, IPM subtree, ...) take the first thirteen.
 */
export class MapiIds {
  readonly #toId = new Map<string, bigint>();
  readonly #fromId = new Map<bigint, string>();
  #next = 0x100n;

  constructor(store: MailboxStore) {
    for (const folder of store.folders()) this.id(folder.id);
    for (const message of store.messages()) this.id(message.id);
  }

  /** The FID of a logon folder the store does not model (index into the 13 logon folder IDs). */
  static wellKnown(index: number): bigint {
    return makeId({ replicaId: REPLICA, globalCounter: BigInt(index + 1) });
  }

  id(storeId: string): bigint {
    let id = this.#toId.get(storeId);
    if (id === undefined) {
      id = makeId({ replicaId: REPLICA, globalCounter: this.#next++ });
      this.#toId.set(storeId, id);
      this.#fromId.set(id, storeId);
    }
    return id;
  }

  storeId(id: bigint): string | undefined {
    return this.#fromId.get(id);
  }
}
