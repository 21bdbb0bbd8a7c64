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
