import type { Readable } from "node:stream";
import {
  type FolderInfo as MapiFolderInfo,
  type MapiFolderRole,
  MapiRopError,
  type MapiSession,
  type MessageSummary as MapiSummary,
  messageSearchRestriction,
  NEWEST_FIRST,
  type NewRecipient,
  PropertyType,
  propertyTag,
  type Restriction,
} from "@mailwire/mapi";
import { guard, guardIterable, invalidId } from "../../errors.js";
import type {
  Address,
  CallOptions,
  FolderInfo,
  FolderRole,
  ListOptions,
  Mailbox,
  MailboxCapabilities,
  MailEvent,
  MessageDetail,
  MessageSummary,
  OutgoingMessage,
  SearchQuery,
  WatchOptions,
} from "../../mailbox.js";
import type { AdapterOptions, SendFunction } from "../adapter-options.js";
import {
  groupMapiByFolder,
  mapiFolderId,
  mapiFolderToken,
  mapiMessageRef,
  mapiMessageToken,
} from "./mapi-ids.js";
import { mapiWatch } from "./mapi-watch.js";
import { parseTransportHeaders } from "./transport-headers.js";

/** PidTagTransportMessageHeaders, PtypString (MS-OXPROPS 2.1070). */
const PID_TAG_TRANSPORT_MESSAGE_HEADERS = propertyTag(0x007d, PropertyType.PtypString);

/**
 * The mailbox roles of MapiSession's folder roles: the logon's FIDs (MS-OXCSTOR 2.2.1.1.3) and
 * the Inbox's special-folder entry ids (MS-OXOSFLD 2.2.3, 2.2.4), so they hold whatever the
 * folders are called in the mailbox's language. MAPI names no archive folder.
 */
const ROLE_OF: Partial<Readonly<Record<MapiFolderRole, FolderRole>>> = {
  inbox: "inbox",
  outbox: "outbox",
  sentItems: "sent",
  deletedItems: "trash",
  drafts: "drafts",
  junk: "junk",
};

export interface MapiMailboxOptions extends AdapterOptions {
  /** Which transport carries the session (MAPI/HTTP or RPC/HTTP): errors and ids name it. */
  readonly protocol: "mapi-http" | "rpc-http";
  /** Closed after the session (the MAPI/HTTP transport owns an HTTP client). */
  readonly onClose?: (() => Promise<void>) | undefined;
  readonly secrets?: readonly (string | undefined)[] | undefined;
}

function recipients(list: readonly Address[] | undefined): NewRecipient[] {
  return (list ?? []).map((address) =>
    address.name ? { address: address.address, name: address.name } : { address: address.address },
  );
}

function summaryOf(message: MapiSummary): MessageSummary {
  const from: Address | undefined =
    message.senderEmailAddress === undefined
      ? undefined
      : message.senderName
        ? { name: message.senderName, address: message.senderEmailAddress }
        : { address: message.senderEmailAddress };
  return {
    id: mapiMessageToken(message.folderId, message.messageId),
    folderId: mapiFolderToken(message.folderId),
    subject: message.subject,
    from,
    // A contents table row has no recipient list (PidTagDisplayTo is a display string only).
    to: [],
    date: message.deliveryTime,
    size: message.size,
    read: message.read,
    hasAttachments: message.hasAttachments,
  };
}

/**
 * `Mailbox` over a `MapiSession` from `@mailwire/mapi`, whichever transport carries it
 * (MAPI/HTTP or RPC/HTTP): hierarchy and contents tables, RopSetReadFlags, RopMoveCopyMessages,
 * RopDeleteMessages, notifications (with a folder comparison as the fallback) for watch.
 */
export class MapiMailboxAdapter implements Mailbox {
  readonly protocol: "mapi-http" | "rpc-http";
  readonly capabilities: MailboxCapabilities;
  readonly session: MapiSession;
  readonly #send: SendFunction | undefined;
  readonly #onClose: (() => Promise<void>) | undefined;
  readonly #secrets: readonly (string | undefined)[];

  constructor(session: MapiSession, options: MapiMailboxOptions) {
    this.session = session;
    this.protocol = options.protocol;
    this.#send = options.send;
    this.#onClose = options.onClose;
    this.#secrets = options.secrets ?? [];
    this.capabilities = {
      folders: true,
      move: true,
      markRead: true,
      search: true,
      send: true,
      watch: "push",
    };
  }

  folders(options: CallOptions = {}): Promise<FolderInfo[]> {
    return guard(this.protocol, "folders", () => this.#folders(options), this.#secrets);
  }

  async #folders(options: CallOptions): Promise<FolderInfo[]> {
    const folders = await this.session.listFolders({ signal: options.signal });
    const root = this.session.mailbox.folders.ipmSubtree;
    const byId = new Map(folders.map((folder) => [folder.folderId, folder]));
    const pathOf = (folder: MapiFolderInfo, depth = 0): string[] => {
      const parent = folder.parentFolderId === root ? undefined : byId.get(folder.parentFolderId);
      return parent === undefined || depth > 64
        ? [folder.displayName]
        : [...pathOf(parent, depth + 1), folder.displayName];
    };
    return folders
      .filter((folder) => folder.containerClass === undefined || folder.containerClass.startsWith("IPF.Note"))
      .map((folder) => {
        const topLevel = folder.parentFolderId === root;
        return {
          id: mapiFolderToken(folder.folderId),
          name: folder.displayName,
          path: pathOf(folder),
          parentId: topLevel ? undefined : mapiFolderToken(folder.parentFolderId),
          role: folder.role === undefined ? undefined : ROLE_OF[folder.role],
          total: folder.contentCount,
          unread: folder.unreadCount,
        };
      });
  }

  list(folderId: string, options: ListOptions = {}): AsyncIterable<MessageSummary> {
    return guardIterable(
      this.protocol,
      "list",
      () => this.#list(folderId, options, "list"),
      this.#secrets,
      options.signal,
    );
  }

  /**
   * Newest first, page by page as the caller reads: the server sorts (RopSortTable) and, for a
   * search, restricts (RopRestrict) the contents table, so a 50,000-message folder costs one
   * QueryRows per page read, not a read of the whole table.
   */
  async *#list(
    folderToken: string,
    options: ListOptions,
    step: "list" | "search",
    restriction?: Restriction,
  ): AsyncGenerator<MessageSummary> {
    const folderId = mapiFolderId(this.protocol, folderToken, step);
    for await (const message of this.session.listMessages(folderId, {
      signal: options.signal,
      // Newest first (RopSortTable on PidTagMessageDeliveryTime, MS-OXCTABL 2.2.2.13).
      sortOrders: NEWEST_FIRST,
      restriction,
      ...(options.pageSize === undefined
        ? {}
        : { pageSize: Math.min(Math.max(1, options.pageSize), 0xffff) }),
    })) {
      yield summaryOf(message);
    }
  }

  search(folderId: string, query: SearchQuery, options: ListOptions = {}): AsyncIterable<MessageSummary> {
    return guardIterable(
      this.protocol,
      "search",
      () => this.#search(folderId, query, options),
      this.#secrets,
      options.signal,
    );
  }

  /**
   * Evaluated by the server: the query becomes one restriction (RopRestrict, MS-OXCTABL
   * 2.2.2.14): subject/sender/text as case-insensitive substrings (text in the subject or the
   * plain-text body, PidTagBody, which Exchange derives from an HTML body), unread as the
   * MSGFLAG_READ bit, dates on PidTagMessageDeliveryTime.
   */
  #search(folderToken: string, query: SearchQuery, options: ListOptions): AsyncGenerator<MessageSummary> {
    return this.#list(folderToken, options, "search", messageSearchRestriction(query));
  }

  read(messageId: string, options: CallOptions = {}): Promise<MessageDetail> {
    return guard(this.protocol, "read", () => this.#read(messageId, options), this.#secrets);
  }

  async #read(token: string, options: CallOptions): Promise<MessageDetail> {
    const { folderId, messageId } = mapiMessageRef(this.protocol, token, "read");
    const message = await this.session.openMessage(folderId, messageId, { signal: options.signal });
    try {
      const content = message.content;
      const text = await message.bodyText({ signal: options.signal });
      const html = await message.bodyHtml({ signal: options.signal });
      const headers = await this.#headers(message, options.signal);
      const recipients = (kind: "to" | "cc"): Address[] =>
        content.recipients
          .filter((recipient) => recipient.kind === kind && recipient.emailAddress !== undefined)
          .map((recipient) =>
            recipient.displayName
              ? { name: recipient.displayName, address: recipient.emailAddress ?? "" }
              : { address: recipient.emailAddress ?? "" },
          );
      return {
        id: token,
        folderId: mapiFolderToken(folderId),
        subject: content.subject,
        from:
          content.senderEmailAddress === undefined
            ? undefined
            : content.senderName
              ? { name: content.senderName, address: content.senderEmailAddress }
              : { address: content.senderEmailAddress },
        to: recipients("to"),
        cc: recipients("cc"),
        date: content.deliveryTime,
        read: content.read,
        hasAttachments: content.attachments.length > 0,
        headers,
        text,
        html: html === undefined ? undefined : Buffer.from(html).toString("utf8"),
        attachments: content.attachments.map((attachment) => ({
          id: String(attachment.attachmentNumber),
          name: attachment.fileName ?? `attachment-${attachment.attachmentNumber + 1}`,
          contentType: attachment.mimeType,
          size: attachment.size,
        })),
      };
    } finally {
      message.close();
    }
  }

  /** The transport headers where the store has them (Internet mail); none for mail created in MAPI. */
  async #headers(
    message: Awaited<ReturnType<MapiSession["openMessage"]>>,
    signal: AbortSignal | undefined,
  ): Promise<(readonly [string, string])[]> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of message.openPropertyStream(PID_TAG_TRANSPORT_MESSAGE_HEADERS, { signal })) {
        chunks.push(chunk as Buffer);
      }
      return parseTransportHeaders(Buffer.concat(chunks).toString("utf16le"));
    } catch (error) {
      if (error instanceof MapiRopError) return [];
      throw error;
    }
  }

  openAttachment(messageId: string, attachmentId: string, options: CallOptions = {}): Promise<Readable> {
    return guard(
      this.protocol,
      "attachment",
      async () => {
        const { folderId, messageId: mid } = mapiMessageRef(this.protocol, messageId, "attachment");
        const number = /^\d{1,6}$/.test(attachmentId) ? Number(attachmentId) : undefined;
        if (number === undefined) throw invalidId(this.protocol, "attachment", "attachment");
        const message = await this.session.openMessage(folderId, mid, { signal: options.signal });
        const stream = message.openAttachmentStream(number, { signal: options.signal });
        // The message handle stays open while its attachment streams.
        stream.once("close", () => message.close());
        return stream;
      },
      this.#secrets,
    );
  }

  markRead(messageIds: readonly string[], read: boolean, options: CallOptions = {}): Promise<void> {
    return guard(
      this.protocol,
      "mark-read",
      async () => {
        for (const [folderId, ids] of groupMapiByFolder(this.protocol, messageIds, "mark-read")) {
          await this.session.setReadFlags(folderId, ids, read, { signal: options.signal });
        }
      },
      this.#secrets,
    );
  }

  move(messageIds: readonly string[], targetFolderId: string, options: CallOptions = {}): Promise<void> {
    return guard(
      this.protocol,
      "move",
      async () => {
        const target = mapiFolderId(this.protocol, targetFolderId, "move");
        for (const [folderId, ids] of groupMapiByFolder(this.protocol, messageIds, "move")) {
          await this.session.moveMessages(folderId, ids, target, { signal: options.signal });
        }
      },
      this.#secrets,
    );
  }

  delete(
    messageIds: readonly string[],
    options: CallOptions & { readonly hard?: boolean } = {},
  ): Promise<void> {
    return guard(
      this.protocol,
      "delete",
      async () => {
        const trash = this.session.mailbox.folders.deletedItems;
        for (const [folderId, ids] of groupMapiByFolder(this.protocol, messageIds, "delete")) {
          // Outlook's Delete key moves to Deleted Items; from there (or hard) the message is removed.
          if (!options.hard && folderId !== trash) {
            await this.session.moveMessages(folderId, ids, trash, { signal: options.signal });
          } else {
            await this.session.deleteMessages(folderId, ids, {
              signal: options.signal,
              hard: options.hard ?? false,
            });
          }
        }
      },
      this.#secrets,
    );
  }

  send(message: OutgoingMessage, options: CallOptions = {}): Promise<void> {
    return guard(
      this.protocol,
      "send",
      async () => {
        if (this.#send) return this.#send(message, options);
        // RopCreateMessage in the Outbox, properties, recipients, attachments, RopSubmitMessage with
        // the copy filed in Sent Items (MS-OXOMSG 3.2.5.1); one Execute for a small message.
        await this.session.sendMessage(
          {
            subject: message.subject,
            to: recipients(message.to),
            cc: recipients(message.cc),
            bcc: recipients(message.bcc),
            ...(message.text === undefined ? {} : { body: message.text }),
            ...(message.html === undefined ? {} : { html: message.html }),
            attachments: (message.attachments ?? []).map((attachment) => ({
              fileName: attachment.name,
              data: attachment.content,
              ...(attachment.contentType === undefined ? {} : { mimeType: attachment.contentType }),
            })),
          },
          { signal: options.signal },
        );
      },
      this.#secrets,
    );
  }

  watch(options: WatchOptions = {}): AsyncIterable<MailEvent> {
    return guardIterable(this.protocol, "watch", () => this.#watch(options), this.#secrets, options.signal);
  }

  #watch(options: WatchOptions): AsyncGenerator<MailEvent> {
    const folderId =
      options.folderId === undefined
        ? this.session.mailbox.folders.inbox
        : mapiFolderId(this.protocol, options.folderId, "watch");
    const interval = Math.max(
      100,
      options.pollIntervalMs ?? this.session.connectInfo?.maximumPollingIntervalMs ?? 60_000,
    );
    // New mail from RopRegisterNotification + NotificationWait/EcDoAsyncWaitEx as it arrives;
    // expunges, flag changes and anything a lost subscription missed from a full comparison at
    // least every `interval` (the server's maximum polling interval by default).
    return mapiWatch({ session: this.session, folderId, intervalMs: interval, signal: options.signal });
  }

  async close(): Promise<void> {
    try {
      await this.session.close();
    } finally {
      await this.#onClose?.();
    }
  }
}
