import type { PropertyTag } from "../data/property-tag.js";
import type { Restriction } from "../data/restriction.js";
import type { SortOrder } from "../data/sort-order.js";
import type { EmsmdbTransport, TransportCallOptions } from "./emsmdb-transport.js";

// The option and result shapes of MapiSession's public methods.

export interface MapiSessionOptions {
  readonly transport: EmsmdbTransport;
  /** The mailbox's DN (ESSDN, Autodiscover's LegacyDN) for RopLogon. */
  readonly mailboxDn: string;
  /** Rows per RopQueryRows when the caller names no page size. Default 100. */
  readonly pageSize?: number;
}

export interface SendMessageOptions extends TransportCallOptions {
  /** Where the message is created before submission. Default: the Outbox. */
  readonly folderId?: bigint;
  /** Where the sent copy goes. Default: Sent Items. */
  readonly sentItemsFolderId?: bigint;
}

/** A saved or submitted message: its MID and how many Executes it took. */
export interface CreatedMessage {
  readonly messageId: bigint;
  readonly executes: number;
}

export interface ListMessagesOptions extends TransportCallOptions {
  /** Rows per RopQueryRows (max 65535). Default: the session's page size. */
  readonly pageSize?: number;
  /** Extra columns, returned in `properties`. */
  readonly extraColumns?: readonly PropertyTag[];
  /**
   * The server-side order (RopSortTable). Default: newest first (PidTagMessageDeliveryTime
   * descending); an empty list keeps the server's own order and sends no RopSortTable.
   */
  readonly sortOrders?: readonly SortOrder[] | undefined;
  /** Only the rows matching this restriction (RopRestrict); see `messageSearchRestriction`. */
  readonly restriction?: Restriction | undefined;
}

/** Some number of ROP executions the session made, for callers counting round trips. */
export interface MapiSessionStats {
  executes: number;
}

/** The handle of an object the server holds for us, tagged with the session context it lives in. */
export interface ServerObject {
  readonly handle: number;
  readonly generation: number;
}
