import type { PropertyTag } from "../data/property-tag.js";
import type { MapiValue } from "../data/property-value.js";
import type { MapiFolderRole } from "./special-folders.js";

/** The well-known folders a private-mailbox logon returns (MS-OXCSTOR 2.2.1.1.3, in that order). */
export interface MailboxFolderIds {
  readonly root: bigint;
  readonly deferredAction: bigint;
  readonly spoolerQueue: bigint;
  readonly ipmSubtree: bigint;
  readonly inbox: bigint;
  readonly outbox: bigint;
  readonly sentItems: bigint;
  readonly deletedItems: bigint;
  readonly commonViews: bigint;
  readonly schedule: bigint;
  readonly finder: bigint;
  readonly views: bigint;
  readonly shortcuts: bigint;
}

export interface MailboxInfo {
  readonly folders: MailboxFolderIds;
  /** Canonical GUID text. */
  readonly mailboxGuid: string;
  readonly replId: number;
  readonly replGuid: string;
}

/** One row of the IPM subtree's hierarchy table. */
export interface FolderInfo {
  readonly folderId: bigint;
  readonly parentFolderId: bigint;
  readonly displayName: string;
  readonly contentCount: number;
  readonly unreadCount: number;
  readonly hasSubfolders: boolean;
  /** PidTagContainerClass, e.g. "IPF.Note"; undefined when the folder has none. */
  readonly containerClass: string | undefined;
  /** What the folder is for, from the logon's FIDs and the Inbox's special-folder entry ids. */
  readonly role?: MapiFolderRole | undefined;
}

/** One row of a contents table. */
export interface MessageSummary {
  readonly messageId: bigint;
  readonly folderId: bigint;
  readonly subject: string;
  readonly senderName: string | undefined;
  readonly senderEmailAddress: string | undefined;
  readonly deliveryTime: Date | undefined;
  readonly read: boolean;
  readonly size: number | undefined;
  readonly hasAttachments: boolean;
  /** Every column the row carried, including extra ones asked for. */
  readonly properties: ReadonlyMap<PropertyTag, MapiValue>;
}

/** MAPI recipient types (PidTagRecipientType, MS-OXOMSG 2.2.3.1). */
export type RecipientKind = "to" | "cc" | "bcc" | "other";

export interface RecipientInfo {
  readonly rowId: number;
  readonly kind: RecipientKind;
  readonly displayName: string | undefined;
  readonly emailAddress: string | undefined;
}

export interface AttachmentInfo {
  readonly attachmentNumber: number;
  readonly fileName: string | undefined;
  readonly size: number | undefined;
  readonly mimeType: string | undefined;
  readonly contentId: string | undefined;
}

/** Where a body was found: inline in the properties, or too big for them (read it as a stream). */
export type BodyPart<T> =
  | { readonly kind: "inline"; readonly value: T }
  | { readonly kind: "stream" }
  | { readonly kind: "absent" };
