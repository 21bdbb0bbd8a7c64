import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { LimitExceededError, throwIfAborted } from "@mailwire/core";
import type { ImapAddress, ImapFolder, ImapSession, MessageSummary as ImapSummary } from "@mailwire/imap";
import { guard, guardIterable } from "../../errors.js";
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
import { sendThroughInjected } from "../shared/injected-send.js";
import { attachmentStream, detailFrom, parseMessage } from "../shared/mime-detail.js";
import { matchesSummary } from "../shared/search-filter.js";
import {
  groupByFolder,
  imapFolderPath,
  imapFolderToken,
  imapMessageRef,
  imapMessageToken,
} from "./imap-ids.js";

type ImapSearch = Parameters<ImapSession["search"]>[1];

/** Largest message `read` and `openAttachment` parse in memory (a bound, not a guess at typical mail). */
const MAX_PARSED_BYTES = 64 * 1024 * 1024;

const ROLES: ReadonlySet<string> = new Set<FolderRole>([
  "inbox",
  "sent",
  "drafts",
  "trash",
  "junk",
  "archive",
]);

function toAddress(address: ImapAddress | undefined): Address | undefined {
  if (address?.address === undefined) return undefined;
  return address.name ? { name: address.name, address: address.address } : { address: address.address };
}

function toAddresses(list: readonly ImapAddress[]): Address[] {
  return list.map(toAddress).filter((address): address is Address => address !== undefined);
}

function toFolder(folder: ImapFolder): FolderInfo {
  const path = folder.delimiter ? folder.path.split(folder.delimiter) : [folder.path];
  return {
    id: imapFolderToken(folder.path),
    name: folder.name,
    path,
    parentId: folder.parentPath === undefined ? undefined : imapFolderToken(folder.parentPath),
    role: folder.role !== undefined && ROLES.has(folder.role) ? (folder.role as FolderRole) : undefined,
    total: folder.counts?.messages,
    unread: folder.counts?.unseen,
  };
}

function toSummary(path: string, message: ImapSummary): MessageSummary {
  return {
    id: imapMessageToken(path, message.uid),
    folderId: imapFolderToken(path),
    subject: message.envelope.subject ?? "",
    from: toAddress(message.envelope.from[0]),
    to: toAddresses(message.envelope.to),
    date: message.envelope.date ?? message.internalDate,
    size: message.size,
    read: message.flags.includes("\\Seen"),
  };
}

/** An IMAP SEARCH (RFC 9051 §6.4.4) that finds a superset of `query`; exact checks follow client-side. */
function imapSearch(query: SearchQuery): ImapSearch {
  const search: ImapSearch = { all: true };
  if (query.subject !== undefined) search.subject = query.subject;
  if (query.from !== undefined) search.from = query.from;
  if (query.text !== undefined) search.text = query.text;
  if (query.unread !== undefined) search.seen = !query.unread;
  // SENTSINCE/SENTBEFORE compare whole days of the Date header: widen by a day, filter exactly below.
  if (query.since !== undefined) search.sentSince = new Date(query.since.getTime() - 86_400_000);
  if (query.before !== undefined) search.sentBefore = new Date(query.before.getTime() + 86_400_000);
  return search;
}

export interface ImapAdapterOptions extends AdapterOptions {
  /** Logs in again when the session has closed; without it a closed session stays closed (MW_CLOSED). */
  readonly reconnect?: ((signal: AbortSignal | undefined) => Promise<ImapSession>) | undefined;
  readonly secrets?: readonly (string | undefined)[] | undefined;
}

const CAPABILITIES: MailboxCapabilities = {
  folders: true,
  move: true,
  markRead: true,
  search: true,
  send: false,
  watch: "push",
};

/**
 * `Mailbox` over IMAP (RFC 9051) with `@mailwire/imap`: folders from LIST with SPECIAL-USE
 * roles, UID-addressed messages, server-side SEARCH, MOVE, IDLE-based watch on a second
 * connection. IMAP cannot send; pass `send` (SMTP) in the options. Use `openImapMailbox`.
 */
export class ImapMailboxAdapter implements Mailbox {
  readonly protocol = "imap" as const;
  readonly capabilities: MailboxCapabilities;
  #session: ImapSession;
  #reopening: Promise<ImapSession> | undefined;
  readonly #reconnect: ((signal: AbortSignal | undefined) => Promise<ImapSession>) | undefined;
  readonly #send: SendFunction | undefined;
  readonly #secrets: readonly (string | undefined)[];
  #trashPath: Promise<string | undefined> | undefined;

  constructor(session: ImapSession, options: ImapAdapterOptions = {}) {
    this.#session = session;
    this.#reconnect = options.reconnect;
    this.#send = options.send;
    this.#secrets = options.secrets ?? [];
    this.capabilities = { ...CAPABILITIES, send: options.send !== undefined };
  }

  /** The current IMAP session (a new one after the last was closed). */
  get session(): ImapSession {
    return this.#session;
  }

  /**
   * The session for the next call. A signal that has already fired is refused here, before any
   * command is sent (@mailwire/imap would send it and then close the connection). A session
   * that closed (an aborted or timed-out command closes it: its state on the wire is unknown;
   * or the server dropped it) is replaced by a new login with the same credentials.
   */
  async #live(signal: AbortSignal | undefined): Promise<ImapSession> {
    throwIfAborted(signal);
    if (!this.#session.closed || this.#reconnect === undefined) return this.#session;
    this.#reopening ??= this.#reconnect(signal)
      .then((session) => {
        this.#session = session;
        return session;
      })
      .finally(() => {
        this.#reopening = undefined;
      });
    return this.#reopening;
  }

  folders(options: CallOptions = {}): Promise<FolderInfo[]> {
    return guard(
      "imap",
      "folders",
      async () =>
        (await (await this.#live(options.signal)).listFolders({ signal: options.signal })).map(toFolder),
      this.#secrets,
    );
  }

  list(folderId: string, options: ListOptions = {}): AsyncIterable<MessageSummary> {
    return guardIterable("imap", "list", () => this.#list(folderId, options), this.#secrets, options.signal);
  }

  async *#list(folderId: string, options: ListOptions): AsyncGenerator<MessageSummary> {
    const path = imapFolderPath(folderId, "list");
    const session = await this.#live(options.signal);
    for await (const message of session.messages(path, {
      signal: options.signal,
      pageSize: options.pageSize,
      order: "newest",
    })) {
      yield toSummary(path, message);
    }
  }

  search(folderId: string, query: SearchQuery, options: ListOptions = {}): AsyncIterable<MessageSummary> {
    return guardIterable(
      "imap",
      "search",
      () => this.#search(folderId, query, options),
      this.#secrets,
      options.signal,
    );
  }

  async *#search(folderId: string, query: SearchQuery, options: ListOptions): AsyncGenerator<MessageSummary> {
    const path = imapFolderPath(folderId, "search");
    const session = await this.#live(options.signal);
    const uids = await session.search(path, imapSearch(query), { signal: options.signal });
    if (uids.length === 0) return;
    for await (const message of session.messages(path, {
      signal: options.signal,
      pageSize: options.pageSize,
      order: "newest",
      uids,
    })) {
      const summary = toSummary(path, message);
      // Text was matched by the server (SEARCH TEXT); the rest is re-checked for exact times and substrings.
      if (matchesSummary(summary, query)) yield summary;
    }
  }

  async #parse(messageId: string, step: "read" | "attachment", signal: AbortSignal | undefined) {
    const { path, uid } = imapMessageRef(messageId, step);
    const stream = await (await this.#live(signal)).download(path, uid, { signal });
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PARSED_BYTES) {
        stream.destroy(
          new LimitExceededError(`message over ${MAX_PARSED_BYTES} bytes`, {
            details: { limit: "parse", max: MAX_PARSED_BYTES },
          }),
        );
      }
    });
    return { path, uid, parsed: await parseMessage(await buffer(stream)) };
  }

  read(messageId: string, options: CallOptions = {}): Promise<MessageDetail> {
    return guard(
      "imap",
      "read",
      async () => {
        const { path, uid, parsed } = await this.#parse(messageId, "read", options.signal);
        let flags: readonly string[] = [];
        let size: number | undefined;
        const session = await this.#live(options.signal);
        for await (const summary of session.messages(path, { uids: [uid], signal: options.signal })) {
          flags = summary.flags;
          size = summary.size;
        }
        return detailFrom(parsed, {
          id: messageId,
          folderId: imapFolderToken(path),
          read: flags.includes("\\Seen"),
          size,
        });
      },
      this.#secrets,
    );
  }

  openAttachment(messageId: string, attachmentId: string, options: CallOptions = {}): Promise<Readable> {
    return guard(
      "imap",
      "attachment",
      async () => {
        const { parsed } = await this.#parse(messageId, "attachment", options.signal);
        return attachmentStream(parsed, attachmentId, "imap");
      },
      this.#secrets,
    );
  }

  markRead(messageIds: readonly string[], read: boolean, options: CallOptions = {}): Promise<void> {
    return guard(
      "imap",
      "mark-read",
      async () => {
        for (const [path, uids] of groupByFolder(messageIds, "mark-read")) {
          await (await this.#live(options.signal)).setFlags(path, uids, read ? "add" : "remove", ["\\Seen"], {
            signal: options.signal,
          });
        }
      },
      this.#secrets,
    );
  }

  move(messageIds: readonly string[], targetFolderId: string, options: CallOptions = {}): Promise<void> {
    return guard(
      "imap",
      "move",
      async () => {
        const target = imapFolderPath(targetFolderId, "move");
        for (const [path, uids] of groupByFolder(messageIds, "move")) {
          await (await this.#live(options.signal)).move(path, uids, target, { signal: options.signal });
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
      "imap",
      "delete",
      async () => {
        const groups = groupByFolder(messageIds, "delete");
        const trash = options.hard ? undefined : await this.#trash(options.signal);
        for (const [path, uids] of groups) {
          // Like Outlook's Delete key: into the \Trash folder (RFC 6154); from there, or hard, expunged.
          if (trash !== undefined && path !== trash)
            await (await this.#live(options.signal)).move(path, uids, trash, { signal: options.signal });
          else await (await this.#live(options.signal)).delete(path, uids, { signal: options.signal });
        }
      },
      this.#secrets,
    );
  }

  #trash(signal: AbortSignal | undefined): Promise<string | undefined> {
    this.#trashPath ??= this.#live(signal)
      .then((session) => session.listFolders({ signal, counts: false }))
      .then((folders) => folders.find((folder) => folder.role === "trash")?.path)
      .catch((error: unknown) => {
        this.#trashPath = undefined;
        throw error;
      });
    return this.#trashPath;
  }

  send(message: OutgoingMessage, options: CallOptions = {}): Promise<void> {
    return guard(
      "imap",
      "send",
      () => sendThroughInjected("imap", this.#send, message, options),
      this.#secrets,
    );
  }

  watch(options: WatchOptions = {}): AsyncIterable<MailEvent> {
    return guardIterable("imap", "watch", () => this.#watch(options), this.#secrets, options.signal);
  }

  async *#watch(options: WatchOptions): AsyncGenerator<MailEvent> {
    const path = options.folderId === undefined ? "INBOX" : imapFolderPath(options.folderId, "watch");
    const folderId = imapFolderToken(path);
    // IDLE on a connection of its own (RFC 2177), reconnecting and resyncing by itself.
    // The watcher opens its own connection (ImapSession.watch), whichever session is current.
    const session = await this.#live(options.signal);
    for await (const event of session.watch(path, { signal: options.signal })) {
      if (event.type === "new" || event.type === "expunged" || event.type === "flags") {
        yield { type: event.type, folderId, messageId: imapMessageToken(path, event.uid) };
      } else if (event.type === "uidvalidity") {
        yield { type: "resync", folderId };
      }
    }
  }

  async close(): Promise<void> {
    await this.#reopening?.catch(() => undefined);
    await this.#session.close();
  }
}
