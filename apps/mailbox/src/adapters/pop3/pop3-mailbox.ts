import type { Readable } from "node:stream";
import { ClosedError, LimitExceededError, sleep } from "@mailwire/core";
import type { Pop3Client } from "@mailwire/pop3";
import {
  guard,
  guardIterable,
  invalidId,
  MailboxError,
  MailboxErrorCode,
  UnsupportedOperationError,
} from "../../errors.js";
import type {
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
import { decodePart, encodePart, packId, unpackId } from "../shared/ids.js";
import { sendThroughInjected } from "../shared/injected-send.js";
import { attachmentStream, detailFrom, parseMessage } from "../shared/mime-detail.js";
import { matchesSummary, matchesText } from "../shared/search-filter.js";
import { snapshotWatch } from "../shared/snapshot-watch.js";

/** POP3 serves one maildrop (RFC 1939 §1): it is the Inbox. */
const INBOX_ID = "pf.inbox";

/** Largest message `read` parses in memory. */
const MAX_PARSED_BYTES = 64 * 1024 * 1024;

/** Default polling interval for `watch`: POP3 has no push. */
const DEFAULT_POLL_MS = 5 * 60_000;

function messageToken(uniqueId: string): string {
  return packId("pm", [encodePart(uniqueId)]);
}

function uniqueIdOf(token: string, step: Parameters<typeof invalidId>[1]): string {
  const [part] = unpackId(token, "pm", 1) ?? [];
  const uniqueId = part === undefined ? undefined : decodePart(part);
  // RFC 1939 §7: a unique-id is 1 to 70 characters in 0x21..0x7E.
  if (!uniqueId || !/^[\x21-\x7e]{1,70}$/.test(uniqueId)) throw invalidId("pop3", step, "message");
  return uniqueId;
}

function checkFolder(folderId: string, step: Parameters<typeof invalidId>[1]): void {
  if (folderId !== INBOX_ID) throw invalidId("pop3", step, "folder");
}

/** One POP3 session and its maildrop listing (message numbers are valid for this session only). */
interface Pop3View {
  readonly client: Pop3Client;
  readonly numbers: Map<string, number>;
  readonly sizes: Map<number, number>;
}

export interface Pop3AdapterOptions extends AdapterOptions {
  /** Opens and logs in a new POP3 session (the adapter needs a fresh one to see new mail). */
  readonly connect: (signal: AbortSignal | undefined) => Promise<Pop3Client>;
  readonly secrets?: readonly (string | undefined)[] | undefined;
}

/**
 * `Mailbox` over POP3 (RFC 1939): one Inbox, UIDL unique-ids as message ids (RFC 1939 §7),
 * headers via TOP n 0, messages via RETR. A POP3 session sees the maildrop as it was at login
 * (§5) and applies DELE only at QUIT (§6), so `list` starts a new session and `delete` ends one.
 * No flags, folders or server search: markRead and move are refused, search runs here.
 */
export class Pop3MailboxAdapter implements Mailbox {
  readonly protocol = "pop3" as const;
  readonly capabilities: MailboxCapabilities;
  readonly #connect: (signal: AbortSignal | undefined) => Promise<Pop3Client>;
  readonly #send: SendFunction | undefined;
  readonly #secrets: readonly (string | undefined)[];
  #view: Promise<Pop3View> | undefined;
  #closed = false;

  constructor(first: Pop3Client, options: Pop3AdapterOptions) {
    this.#connect = options.connect;
    this.#send = options.send;
    this.#secrets = options.secrets ?? [];
    this.#view = listing(first, undefined);
    this.#view.catch(() => undefined);
    this.capabilities = {
      folders: false,
      move: false,
      markRead: false,
      search: true,
      send: options.send !== undefined,
      watch: "poll",
    };
  }

  /** The current session, or a new one. */
  #current(signal: AbortSignal | undefined): Promise<Pop3View> {
    if (this.#closed) return Promise.reject(new ClosedError("The POP3 mailbox is closed"));
    const open = async () => listing(await this.#connect(signal), signal);
    this.#view ??= open();
    const view = this.#view;
    view.catch(() => {
      if (this.#view === view) this.#view = undefined;
    });
    return view;
  }

  /** Ends the current session with QUIT (committing any DELE, RFC 1939 §6) and opens a new one. */
  async #fresh(signal: AbortSignal | undefined): Promise<Pop3View> {
    await this.#end();
    return this.#current(signal);
  }

  async #end(): Promise<void> {
    const previous = this.#view;
    this.#view = undefined;
    const view = await previous?.catch(() => undefined);
    await view?.client.close().catch(() => undefined);
  }

  folders(options: CallOptions = {}): Promise<FolderInfo[]> {
    return guard(
      "pop3",
      "folders",
      async () => {
        const view = await this.#current(options.signal);
        return [{ id: INBOX_ID, name: "Inbox", path: ["Inbox"], role: "inbox", total: view.numbers.size }];
      },
      this.#secrets,
    );
  }

  list(folderId: string, options: ListOptions = {}): AsyncIterable<MessageSummary> {
    return guardIterable(
      "pop3",
      "list",
      () => this.#list(folderId, options, "list"),
      this.#secrets,
      options.signal,
    );
  }

  /** Newest first: the highest message number arrived last (RFC 1939 §5 numbers in maildrop order). */
  async *#list(
    folderId: string,
    options: ListOptions,
    step: "list" | "search",
  ): AsyncGenerator<MessageSummary> {
    checkFolder(folderId, step);
    const view = await this.#fresh(options.signal);
    const entries = [...view.numbers].sort((a, b) => b[1] - a[1]);
    for (const [uniqueId, number] of entries) {
      // TOP n 0: the header block only (RFC 1939 §7).
      const head = await view.client.topBuffer(number, 0, { signal: options.signal });
      const parsed = await parseMessage(head);
      yield {
        id: messageToken(uniqueId),
        folderId: INBOX_ID,
        subject: parsed.subject,
        from: parsed.from,
        to: parsed.to,
        date: parsed.date,
        size: view.sizes.get(number),
        read: false,
      };
    }
  }

  search(folderId: string, query: SearchQuery, options: ListOptions = {}): AsyncIterable<MessageSummary> {
    return guardIterable(
      "pop3",
      "search",
      () => this.#search(folderId, query, options),
      this.#secrets,
      options.signal,
    );
  }

  async *#search(folderId: string, query: SearchQuery, options: ListOptions): AsyncGenerator<MessageSummary> {
    // POP3 has no SEARCH: headers are checked here, and the body is fetched only for `text`.
    const matches: MessageSummary[] = [];
    for await (const summary of this.#list(folderId, options, "search")) {
      if (matchesSummary(summary, { ...query, unread: undefined })) matches.push(summary);
    }
    for (const summary of matches) {
      if (query.text !== undefined && !matchesText(await this.read(summary.id, options), query.text))
        continue;
      yield summary;
    }
  }

  /** The message number of `uniqueId` in the current session, looking once more in a new session. */
  async #locate(token: string, step: "read" | "attachment" | "delete", signal: AbortSignal | undefined) {
    const uniqueId = uniqueIdOf(token, step);
    let view = await this.#current(signal);
    let number = view.numbers.get(uniqueId);
    if (number === undefined && step !== "delete") {
      view = await this.#fresh(signal);
      number = view.numbers.get(uniqueId);
    }
    if (number === undefined) {
      throw new MailboxError(
        MailboxErrorCode.INVALID_ID,
        `pop3 ${step}: message ${token} is not in the maildrop`,
        {
          protocol: "pop3",
          step,
        },
      );
    }
    return { view, number };
  }

  async #parse(token: string, step: "read" | "attachment", signal: AbortSignal | undefined) {
    const { view, number } = await this.#locate(token, step, signal);
    const size = view.sizes.get(number) ?? 0;
    if (size > MAX_PARSED_BYTES) {
      throw new LimitExceededError(
        `message of ${size} octets is over the ${MAX_PARSED_BYTES}-octet parse limit`,
        {
          details: { limit: "message", max: MAX_PARSED_BYTES },
        },
      );
    }
    return { size, parsed: await parseMessage(await view.client.retrieveBuffer(number, { signal })) };
  }

  read(messageId: string, options: CallOptions = {}): Promise<MessageDetail> {
    return guard(
      "pop3",
      "read",
      async () => {
        const { size, parsed } = await this.#parse(messageId, "read", options.signal);
        return detailFrom(parsed, { id: messageId, folderId: INBOX_ID, read: false, size });
      },
      this.#secrets,
    );
  }

  openAttachment(messageId: string, attachmentId: string, options: CallOptions = {}): Promise<Readable> {
    return guard(
      "pop3",
      "attachment",
      async () =>
        attachmentStream(
          (await this.#parse(messageId, "attachment", options.signal)).parsed,
          attachmentId,
          "pop3",
        ),
      this.#secrets,
    );
  }

  markRead(): Promise<void> {
    return Promise.reject(
      new UnsupportedOperationError("pop3", "mark-read", "POP3 keeps no flags (RFC 1939)"),
    );
  }

  move(): Promise<void> {
    return Promise.reject(
      new UnsupportedOperationError("pop3", "move", "POP3 has a single maildrop, no folders (RFC 1939)"),
    );
  }

  delete(
    messageIds: readonly string[],
    options: CallOptions & { readonly hard?: boolean } = {},
  ): Promise<void> {
    return guard(
      "pop3",
      "delete",
      async () => {
        if (messageIds.length === 0) return;
        // Numbers from a fresh listing, so every id refers to this session's maildrop.
        const view = await this.#fresh(options.signal);
        const numbers = messageIds.map((token) => {
          const number = view.numbers.get(uniqueIdOf(token, "delete"));
          if (number === undefined) {
            throw new MailboxError(
              MailboxErrorCode.INVALID_ID,
              `pop3 delete: message ${token} is not in the maildrop`,
              {
                protocol: "pop3",
                step: "delete",
              },
            );
          }
          return number;
        });
        await view.client.deleteMany(numbers, { signal: options.signal });
        // DELE takes effect in the UPDATE state, after QUIT (RFC 1939 §6).
        await this.#end();
      },
      this.#secrets,
    );
  }

  send(message: OutgoingMessage, options: CallOptions = {}): Promise<void> {
    return guard(
      "pop3",
      "send",
      () => sendThroughInjected("pop3", this.#send, message, options),
      this.#secrets,
    );
  }

  watch(options: WatchOptions = {}): AsyncIterable<MailEvent> {
    return guardIterable("pop3", "watch", () => this.#watch(options), this.#secrets, options.signal);
  }

  #watch(options: WatchOptions): AsyncGenerator<MailEvent> {
    if (options.folderId !== undefined) checkFolder(options.folderId, "watch");
    const interval = Math.max(100, options.pollIntervalMs ?? DEFAULT_POLL_MS);
    // Each poll is a session of its own: a session's maildrop never changes (RFC 1939 §5).
    const snapshot = async (signal: AbortSignal | undefined) => {
      const client = await this.#connect(signal);
      try {
        const listing = await client.uidl({ signal });
        return new Map(listing.map((entry) => [messageToken(entry.uniqueId), undefined]));
      } finally {
        await client.close().catch(() => undefined);
      }
    };
    return snapshotWatch({
      folderId: INBOX_ID,
      signal: options.signal,
      snapshot,
      wait: (signal) => sleep(interval, signal),
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#end();
  }
}

/** UIDL and LIST of a new session (RFC 1939 §7, §5). */
async function listing(client: Pop3Client, signal: AbortSignal | undefined): Promise<Pop3View> {
  try {
    const uidl = await client.uidl({ signal });
    const list = await client.list({ signal });
    return {
      client,
      numbers: new Map(uidl.map((entry) => [entry.uniqueId, entry.messageNumber])),
      sizes: new Map(list.map((entry) => [entry.messageNumber, entry.octets])),
    };
  } catch (error) {
    client.destroy();
    throw error;
  }
}
