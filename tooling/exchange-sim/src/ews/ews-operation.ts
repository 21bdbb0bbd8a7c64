import type { MailboxStore } from "../store/mailbox-store.js";
import type { EwsAttachments } from "./ews-attachments.js";
import type { EwsSchemaVersion } from "./ews-control.js";
import { EwsIdError } from "./ews-ids.js";
import { type EwsNode, errorMessage } from "./ews-xml.js";

export interface EwsContext {
  store: MailboxStore;
  version: EwsSchemaVersion;
  /** The authenticated user's address (for From on created messages). */
  address: string;
  /** Attachment changes made over EWS (see ews-attachments.ts). */
  attachments: EwsAttachments;
  /**
   * The request as received. The parsed form groups children by name, so where the order of
   * differently named siblings matters (one response per item, in order), it is read from here.
   */
  raw?: string;
}

/**
 * The members of `groups` (a request's parsed children, grouped by element name) in the order
 * their start tags occur in `raw` (any prefix), for answering mixed sibling lists in document
 * order; in grouped order without `raw`, or when the text scan does not find each of them once.
 */
export function inDocumentOrder<T>(raw: string | undefined, groups: Record<string, readonly T[]>): T[] {
  const names = new Set(Object.keys(groups));
  const order: string[] = [];
  if (raw !== undefined) {
    for (const match of raw.matchAll(/<(?:[\w.-]+:)?([\w.-]+)[\s/>]/g)) {
      const name = match[1] ?? "";
      if (names.has(name)) order.push(name);
    }
  }
  // Every parsed node must be answered exactly once, whatever the text scan found.
  const sameCounts = [...names].every(
    (name) => order.filter((n) => n === name).length === (groups[name]?.length ?? 0),
  );
  if (!sameCounts) return Object.values(groups).flat();
  const taken = new Map<string, number>();
  return order.map((name) => {
    const index = taken.get(name) ?? 0;
    taken.set(name, index + 1);
    return groups[name]?.[index] as T;
  });
}

/** Returns the complete response envelope. */
export type EwsOperation = (context: EwsContext, request: EwsNode) => string;

/** Runs one per-item step; an EwsIdError becomes that item's Error response message. */
export function perItem(operation: string, step: () => string, errorInner = ""): string {
  try {
    return step();
  } catch (error) {
    if (error instanceof EwsIdError)
      return errorMessage(operation, error.responseCode, error.message, errorInner);
    if (error instanceof Error && error.name === "StoreError") {
      return errorMessage(
        operation,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
        errorInner,
      );
    }
    throw error;
  }
}
