import type { Readable } from "node:stream";

/** The protocols a `Mailbox` can run on, in Outlook's order of preference. */
export const PROTOCOL_PREFERENCE = ["mapi-http", "rpc-http", "ews", "imap", "pop3"] as const;
export type ProtocolName = (typeof PROTOCOL_PREFERENCE)[number];

/** Well-known folders, whatever each protocol calls them (special-use, distinguished ids, PR_IPM_*). */
export type FolderRole = "inbox" | "sent" | "drafts" | "trash" | "junk" | "archive" | "outbox";

/** Every call that may touch the network takes these. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
}

export interface FolderInfo {
  /** Opaque, stable for the life of the folder on this protocol. */
  readonly id: string;
  readonly name: string;
  /** Names from the root, e.g. ["Inbox", "Projects"]. */
  readonly path: readonly string[];
  readonly parentId?: string | undefined;
  readonly role?: FolderRole | undefined;
  readonly total?: number | undefined;
  readonly unread?: number | undefined;
}

export interface Address {
  readonly name?: string | undefined;
  readonly address: string;
}

export interface MessageSummary {
  /** Opaque, usable with `read`, `markRead`, `move`, `delete` on the same Mailbox. */
  readonly id: string;
  readonly folderId: string;
  readonly subject: string;
  readonly from?: Address | undefined;
  readonly to: readonly Address[];
  readonly date?: Date | undefined;
  readonly size?: number | undefined;
  readonly read: boolean;
  readonly hasAttachments?: boolean | undefined;
}

export interface AttachmentInfo {
  readonly id: string;
  readonly name: string;
  readonly contentType?: string | undefined;
  readonly size?: number | undefined;
}

export interface MessageDetail extends MessageSummary {
  readonly cc: readonly Address[];
  /** Header fields in order, where the protocol gives them (MAPI gives PR_TRANSPORT_MESSAGE_HEADERS). */
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly text?: string | undefined;
  readonly html?: string | undefined;
  readonly attachments: readonly AttachmentInfo[];
}

export interface ListOptions extends CallOptions {
  /** Messages per server round trip. */
  readonly pageSize?: number | undefined;
}

/** A conjunction: every given field must match. Text matches are case-insensitive substrings. */
export interface SearchQuery {
  readonly text?: string | undefined;
  readonly from?: string | undefined;
  readonly subject?: string | undefined;
  readonly unread?: boolean | undefined;
  readonly since?: Date | undefined;
  readonly before?: Date | undefined;
}

export interface OutgoingMessage {
  readonly from?: Address | undefined;
  readonly to: readonly Address[];
  readonly cc?: readonly Address[] | undefined;
  readonly bcc?: readonly Address[] | undefined;
  readonly subject: string;
  readonly text?: string | undefined;
  readonly html?: string | undefined;
  readonly attachments?: readonly {
    readonly name: string;
    readonly contentType?: string;
    readonly content: Uint8Array;
  }[];
}

export type MailEvent =
  | { readonly type: "new"; readonly folderId: string; readonly messageId?: string | undefined }
  | { readonly type: "expunged"; readonly folderId: string; readonly messageId?: string | undefined }
  | { readonly type: "flags"; readonly folderId: string; readonly messageId?: string | undefined }
  /** The watcher lost events it cannot enumerate (e.g. after a reconnect): resync the folder. */
  | { readonly type: "resync"; readonly folderId: string };

export interface WatchOptions extends CallOptions {
  readonly folderId?: string | undefined;
  /** For protocols without push (POP3): how often to poll. */
  readonly pollIntervalMs?: number | undefined;
}

/** What an adapter can do; the CLI explains a missing capability instead of failing obscurely. */
export interface MailboxCapabilities {
  readonly folders: boolean;
  readonly move: boolean;
  readonly markRead: boolean;
  readonly search: boolean;
  readonly send: boolean;
  readonly watch: "push" | "poll";
}

/**
 * One mailbox, whichever protocol reaches it. Adapters live in `src/adapters/`, one per
 * protocol package; an operation the protocol cannot do throws `UnsupportedOperationError`.
 */
export interface Mailbox {
  readonly protocol: ProtocolName;
  readonly capabilities: MailboxCapabilities;
  folders(options?: CallOptions): Promise<FolderInfo[]>;
  /** Newest first, paged from the server as the caller iterates. */
  list(folderId: string, options?: ListOptions): AsyncIterable<MessageSummary>;
  read(messageId: string, options?: CallOptions): Promise<MessageDetail>;
  openAttachment(messageId: string, attachmentId: string, options?: CallOptions): Promise<Readable>;
  search(folderId: string, query: SearchQuery, options?: ListOptions): AsyncIterable<MessageSummary>;
  markRead(messageIds: readonly string[], read: boolean, options?: CallOptions): Promise<void>;
  move(messageIds: readonly string[], targetFolderId: string, options?: CallOptions): Promise<void>;
  delete(messageIds: readonly string[], options?: CallOptions & { readonly hard?: boolean }): Promise<void>;
  send(message: OutgoingMessage, options?: CallOptions): Promise<void>;
  watch(options?: WatchOptions): AsyncIterable<MailEvent>;
  close(): Promise<void>;
}
