import type { Readable } from "node:stream";
import type {
  EwsClient,
  EwsEvent,
  EwsItem,
  EwsMailbox,
  FolderRef,
  Recipient,
  Restriction,
} from "@mailwire/ews";
import { guard, guardIterable } from "../../errors.js";
import type {
  Address,
  CallOptions,
  FolderInfo,
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
import { composeMime } from "../shared/compose-mime.js";
import { parseMessage } from "../shared/mime-detail.js";
import { matchesSummary } from "../shared/search-filter.js";
import { listEwsFolders } from "./ews-folders.js";
import {
  ewsAttachmentId,
  ewsAttachmentToken,
  ewsFolderId,
  ewsFolderToken,
  ewsMessageId,
  ewsMessageToken,
} from "./ews-ids.js";
import { throwOnError } from "./results.js";

const CAPABILITIES: MailboxCapabilities = {
  folders: true,
  move: true,
  markRead: true,
  search: true,
  send: true,
  watch: "push",
};

/** Newest first, the order Outlook lists a folder in (MS-OXWSSRCH 2.2.4.x FieldOrder). */
const NEWEST_FIRST = [{ path: "item:DateTimeReceived", order: "Descending" }] as const;

function toAddress(mailbox: EwsMailbox | undefined): Address | undefined {
  if (mailbox?.emailAddress === undefined) return undefined;
  return mailbox.name
    ? { name: mailbox.name, address: mailbox.emailAddress }
    : { address: mailbox.emailAddress };
}

function toAddresses(list: readonly EwsMailbox[] | undefined): Address[] {
  return (list ?? []).map(toAddress).filter((address): address is Address => address !== undefined);
}

function toDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function toRecipients(list: readonly Address[] | undefined): Recipient[] | undefined {
  return list?.map((address) => ({ emailAddress: address.address, name: address.name }));
}

export function ewsSummary(item: EwsItem, folderToken: string | undefined): MessageSummary {
  return {
    id: ewsMessageToken(item.itemId.id),
    folderId: item.parentFolderId ? ewsFolderToken(item.parentFolderId.id) : (folderToken ?? ""),
    subject: item.subject ?? "",
    from: toAddress(item.from ?? item.sender),
    to: toAddresses(item.toRecipients),
    date: toDate(item.dateTimeReceived ?? item.dateTimeSent),
    size: item.size,
    read: item.isRead ?? false,
    hasAttachments: item.hasAttachments,
  };
}

/** The server-side part of a query: what every Exchange version restricts on (MS-OXWSSRCH 2.2.4.x). */
function restrictionFor(query: SearchQuery): Restriction | undefined {
  const parts: Restriction[] = [];
  if (query.subject !== undefined) parts.push({ contains: "item:Subject", value: query.subject });
  if (query.unread !== undefined)
    parts.push({ compare: "message:IsRead", operator: "isEqualTo", value: !query.unread });
  if (query.text !== undefined) {
    parts.push({
      or: [
        { contains: "item:Subject", value: query.text },
        { contains: "item:Body", value: query.text },
      ],
    });
  }
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { and: parts };
}

/**
 * `Mailbox` over EWS (MS-OXWS*): FindFolder/FindItem/GetItem for reading, UpdateItem/MoveItem/
 * DeleteItem for changes, CreateItem SendAndSaveCopy for sending, streaming notifications for
 * watch. Use `openEwsMailbox` to create one.
 */
export class EwsMailboxAdapter implements Mailbox {
  readonly protocol = "ews" as const;
  readonly capabilities = CAPABILITIES;
  readonly client: EwsClient;
  readonly #send: SendFunction | undefined;
  readonly #secrets: readonly (string | undefined)[];

  constructor(
    client: EwsClient,
    options: AdapterOptions & { secrets?: readonly (string | undefined)[] } = {},
  ) {
    this.client = client;
    this.#send = options.send;
    this.#secrets = options.secrets ?? [];
  }

  folders(options: CallOptions = {}): Promise<FolderInfo[]> {
    return guard("ews", "folders", () => listEwsFolders(this.client, options), this.#secrets);
  }

  list(folderId: string, options: ListOptions = {}): AsyncIterable<MessageSummary> {
    return guardIterable(
      "ews",
      "list",
      () => this.#find(folderId, {}, options, "list"),
      this.#secrets,
      options.signal,
    );
  }

  search(folderId: string, query: SearchQuery, options: ListOptions = {}): AsyncIterable<MessageSummary> {
    return guardIterable(
      "ews",
      "search",
      () => this.#find(folderId, query, options, "search"),
      this.#secrets,
      options.signal,
    );
  }

  async *#find(
    folderToken: string,
    query: SearchQuery,
    options: ListOptions,
    step: "list" | "search",
  ): AsyncGenerator<MessageSummary> {
    const folder = ewsFolderId(folderToken, step);
    const restriction = restrictionFor(query);
    for await (const item of this.client.findItems(folder, {
      signal: options.signal,
      shape: { baseShape: "AllProperties" },
      sortOrder: NEWEST_FIRST,
      pageSize: Math.min(Math.max(1, options.pageSize ?? 100), 1000),
      ...(restriction === undefined ? {} : { restriction }),
    })) {
      const summary = ewsSummary(item, folderToken);
      // Newest first: once a message is older than `since`, every later one is too.
      if (query.since !== undefined && summary.date !== undefined && summary.date < query.since) return;
      // From and dates are checked here: Contains on message:From is not a supported restriction path.
      if (matchesSummary(summary, { ...query, subject: undefined, unread: undefined })) yield summary;
    }
  }

  read(messageId: string, options: CallOptions = {}): Promise<MessageDetail> {
    return guard(
      "ews",
      "read",
      async () => {
        const item = await this.client.getItem(ewsMessageId(messageId, "read"), {
          signal: options.signal,
          shape: { baseShape: "AllProperties", includeMimeContent: true },
        });
        const summary = ewsSummary(item, undefined);
        // Headers and both bodies come from the MIME content: GetItem returns one body type per call.
        const mime = item.mimeContent ? await parseMessage(item.mimeContent) : undefined;
        return {
          ...summary,
          cc: toAddresses(item.ccRecipients),
          headers: mime?.headers ?? [],
          text: mime ? mime.text : item.body?.bodyType === "Text" ? item.body.text : undefined,
          html: mime ? mime.html : item.body?.bodyType === "HTML" ? item.body.text : undefined,
          attachments: (item.attachments ?? []).map((attachment) => ({
            id: ewsAttachmentToken(attachment.attachmentId),
            name: attachment.name ?? "",
            contentType: attachment.contentType,
            size: attachment.size,
          })),
        };
      },
      this.#secrets,
    );
  }

  openAttachment(messageId: string, attachmentId: string, options: CallOptions = {}): Promise<Readable> {
    return guard(
      "ews",
      "attachment",
      async () => {
        ewsMessageId(messageId, "attachment");
        const download = await this.client.downloadAttachment(ewsAttachmentId(attachmentId, "attachment"), {
          signal: options.signal,
        });
        return download.content;
      },
      this.#secrets,
    );
  }

  markRead(messageIds: readonly string[], read: boolean, options: CallOptions = {}): Promise<void> {
    return guard(
      "ews",
      "mark-read",
      async () => {
        const ids = messageIds.map((id) => ewsMessageId(id, "mark-read"));
        if (ids.length > 0) throwOnError(await this.client.markRead(ids, read, { signal: options.signal }));
      },
      this.#secrets,
    );
  }

  move(messageIds: readonly string[], targetFolderId: string, options: CallOptions = {}): Promise<void> {
    return guard(
      "ews",
      "move",
      async () => {
        const ids = messageIds.map((id) => ewsMessageId(id, "move"));
        const target = ewsFolderId(targetFolderId, "move");
        if (ids.length > 0)
          throwOnError(await this.client.moveItems(ids, target, { signal: options.signal }));
      },
      this.#secrets,
    );
  }

  delete(
    messageIds: readonly string[],
    options: CallOptions & { readonly hard?: boolean } = {},
  ): Promise<void> {
    return guard(
      "ews",
      "delete",
      async () => {
        const ids = messageIds.map((id) => ewsMessageId(id, "delete"));
        if (ids.length === 0) return;
        throwOnError(
          await this.client.deleteItems(ids, {
            signal: options.signal,
            deleteType: options.hard ? "HardDelete" : "MoveToDeletedItems",
          }),
        );
      },
      this.#secrets,
    );
  }

  send(message: OutgoingMessage, options: CallOptions = {}): Promise<void> {
    return guard(
      "ews",
      "send",
      async () => {
        if (this.#send) return this.#send(message, options);
        if ((message.attachments?.length ?? 0) > 0) {
          // Attachments travel inside MimeContent (MS-OXWSMSG 3.1.4.2: the server derives the
          // item from it); Bcc is not in a MIME header block, so it goes beside it.
          const mime = await composeMime(message, undefined);
          throwOnError(
            await this.client.createMessages([{ mime, bccRecipients: toRecipients(message.bcc) }], {
              signal: options.signal,
              disposition: "SendAndSaveCopy",
            }),
          );
          return;
        }
        const body =
          message.html !== undefined
            ? { bodyType: "HTML" as const, text: message.html }
            : { bodyType: "Text" as const, text: message.text ?? "" };
        // SendAndSaveCopy: sent and filed in Sent Items in one call (MS-OXWSMSG 3.1.4.2).
        throwOnError(
          await this.client.createMessages(
            [
              {
                subject: message.subject,
                body,
                toRecipients: toRecipients(message.to),
                ccRecipients: toRecipients(message.cc),
                bccRecipients: toRecipients(message.bcc),
              },
            ],
            { signal: options.signal, disposition: "SendAndSaveCopy" },
          ),
        );
      },
      this.#secrets,
    );
  }

  watch(options: WatchOptions = {}): AsyncIterable<MailEvent> {
    return guardIterable("ews", "watch", () => this.#watch(options), this.#secrets, options.signal);
  }

  async *#watch(options: WatchOptions): AsyncGenerator<MailEvent> {
    const signal = options.signal;
    let folder: FolderRef;
    let watched: string;
    if (options.folderId === undefined) {
      const inbox = await this.client.getFolder("inbox", { signal, shape: { baseShape: "IdOnly" } });
      folder = inbox.folderId;
      watched = inbox.folderId.id;
    } else {
      folder = ewsFolderId(options.folderId, "watch");
      watched = folder.id;
    }
    const folderId = ewsFolderToken(watched);
    // Exchange reports a delivery as both CreatedEvent and NewMailEvent: report it once.
    const seenNew = new Set<string>();
    for await (const notice of this.client.streamEvents([folder], { signal })) {
      if (notice.type === "gap") {
        yield { type: "resync", folderId };
        continue;
      }
      if (notice.type === "reconnecting") continue;
      for (const event of notice.events) {
        const mapped = mapEvent(event, watched, folderId);
        if (mapped === undefined) continue;
        if (mapped.type === "new" && mapped.messageId !== undefined) {
          if (seenNew.has(mapped.messageId)) continue;
          seenNew.add(mapped.messageId);
          if (seenNew.size > 10_000) seenNew.clear();
        }
        yield mapped;
      }
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** MS-OXWSNTIF 2.2.4.x events about items in the watched folder, as MailEvents. */
function mapEvent(event: EwsEvent, watched: string, folderId: string): MailEvent | undefined {
  const item = event.itemId?.id;
  if (item === undefined && event.oldItemId === undefined) return undefined; // a folder event
  const messageId = item === undefined ? undefined : ewsMessageToken(item);
  switch (event.type) {
    case "NewMailEvent":
    case "CreatedEvent":
    case "CopiedEvent":
      return event.parentFolderId?.id === undefined || event.parentFolderId.id === watched
        ? { type: "new", folderId, messageId }
        : undefined;
    case "DeletedEvent":
      return { type: "expunged", folderId, messageId };
    case "ModifiedEvent":
      return { type: "flags", folderId, messageId };
    case "MovedEvent":
      if (event.oldParentFolderId?.id === watched) {
        const old = event.oldItemId?.id;
        return {
          type: "expunged",
          folderId,
          messageId: old === undefined ? undefined : ewsMessageToken(old),
        };
      }
      return { type: "new", folderId, messageId };
    default:
      return undefined;
  }
}
