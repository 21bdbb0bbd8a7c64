import type { Readable } from "node:stream";
import { type CallOptions, ClosedError, type Logger } from "@mailwire/core";
import type { ImapFlow, MailboxObject, SearchObject } from "imapflow";
import type { ImapLoginMethod } from "../auth/authenticate-imap.js";
import { formatSequenceSet } from "../codec/sequence-set.js";
import type { ImapTlsMode } from "../connection/connect-options.js";
import { type AppendSource, collectAppendSource } from "../mailbox/append-source.js";
import { type BodyPart, toBodyPart } from "../mailbox/body-part.js";
import { type ImapFolder, toImapFolder } from "../mailbox/folder.js";
import { type MessageSummary, SUMMARY_QUERY, toMessageSummary } from "../mailbox/message-summary.js";
import type { WatchEvent } from "../watch/watch-event.js";
import { type WatchOptions, watchMailbox } from "../watch/watch-mailbox.js";
import { runCall } from "./call.js";
import { MailboxLocks } from "./mailbox-locks.js";
import { pageSizes } from "./page-sizes.js";

export interface ImapSessionInit {
  readonly method: ImapLoginMethod | "PREAUTH";
  readonly tls: ImapTlsMode;
  readonly secrets: Set<string>;
  readonly logger: Logger | undefined;
  /** Opens another session with the same options (the watcher's own connection). */
  readonly reconnect: (signal: AbortSignal | undefined) => Promise<ImapSession>;
}

export interface ListFoldersOptions extends CallOptions {
  /** Ask STATUS for counts (one extra round trip per folder, or LIST-STATUS). Default true. */
  readonly counts?: boolean | undefined;
}

export interface MessagesOptions extends CallOptions {
  /**
   * Summaries in the first FETCH, and in every FETCH unless `maxPageSize` is larger. Default 200.
   */
  readonly pageSize?: number | undefined;
  /**
   * Pages double in size from `pageSize` up to this many summaries. Default 1,600 when
   * `pageSize` is not given (pages of 200, 400, 800, 1,600, 1,600, ...), else `pageSize` (fixed).
   */
  readonly maxPageSize?: number | undefined;
  /** `newest` (highest UID first, like a mail client's list) or `oldest`. Default `newest`. */
  readonly order?: "newest" | "oldest" | undefined;
  /** Only these messages (e.g. a search result); default every message. */
  readonly uids?: readonly number[] | undefined;
}

export interface AppendOptions extends CallOptions {
  readonly flags?: readonly string[] | undefined;
  readonly internalDate?: Date | undefined;
  readonly maxBytes?: number | undefined;
}

export interface AppendResult {
  /** RFC 4315 APPENDUID, when the server offers UIDPLUS. */
  readonly uid: number | undefined;
  readonly uidValidity: bigint | undefined;
}

export interface PartDownload {
  readonly contentType: string | undefined;
  readonly charset: string | undefined;
  readonly filename: string | undefined;
  /** The part's content with its transfer encoding (base64, quoted-printable) removed. */
  readonly content: Readable;
}

export type FlagOperation = "add" | "remove" | "set";

/**
 * One logged-in IMAP connection. Methods name the folder they act on and take care of SELECT
 * and imapflow's mailbox lock; each takes `{ signal, timeoutMs }`. `client` is the underlying
 * ImapFlow for anything not covered here.
 */
export class ImapSession {
  readonly client: ImapFlow;
  /** The login method that succeeded: a SASL mechanism name, `LOGIN-COMMAND` or `PREAUTH`. */
  readonly method: ImapLoginMethod | "PREAUTH";
  readonly tls: ImapTlsMode;
  readonly #secrets: Set<string>;
  readonly #reconnect: (signal: AbortSignal | undefined) => Promise<ImapSession>;
  #closed = false;
  readonly #locks: MailboxLocks;

  constructor(client: ImapFlow, init: ImapSessionInit) {
    this.client = client;
    this.method = init.method;
    this.tls = init.tls;
    this.#secrets = init.secrets;
    this.#locks = new MailboxLocks(client);
    this.#reconnect = init.reconnect;
    client.on("close", () => {
      this.#closed = true;
    });
  }

  /** True once the connection is gone (closed by us, the server, or the network). */
  get closed(): boolean {
    return this.#closed || !this.client.usable;
  }

  /** Capability names the server announced after login (upper case). */
  get capabilities(): readonly string[] {
    return [...this.client.capabilities.keys()].map((name) => name.toUpperCase());
  }

  async listFolders(options: ListFoldersOptions = {}): Promise<ImapFolder[]> {
    const counts = options.counts ?? true;
    const highestModseq = this.client.capabilities.has("CONDSTORE");
    const entries = await this.#call("LIST", options, () =>
      this.client.list(
        counts
          ? { statusQuery: { messages: true, unseen: true, uidNext: true, uidValidity: true, highestModseq } }
          : {},
      ),
    );
    return entries.map(toImapFolder);
  }

  /** Message summaries (UID, flags, size, envelope), fetched a page at a time as you iterate. */
  messages(path: string, options: MessagesOptions = {}): AsyncGenerator<MessageSummary, void, undefined> {
    const nextPageSize = pageSizes(options);
    const newestFirst = (options.order ?? "newest") === "newest";
    // Returned rather than delegated to with yield*: each layer of async generator costs every
    // summary another round of promises (measurable on 5,000 envelopes, see bench/).
    return options.uids === undefined && newestFirst
      ? this.#newestBySequence(path, nextPageSize, options)
      : this.#listByUid(path, nextPageSize, newestFirst, options);
  }

  /** UID FETCH of `options.uids` (default: a UID SEARCH ALL), a page at a time. */
  async *#listByUid(
    path: string,
    nextPageSize: () => number,
    newestFirst: boolean,
    options: MessagesOptions,
  ): AsyncGenerator<MessageSummary, void, undefined> {
    const uids = [...(options.uids ?? (await this.search(path, { all: true }, options)))].sort((a, b) =>
      newestFirst ? b - a : a - b,
    );
    for (let start = 0; start < uids.length; ) {
      const end = start + nextPageSize();
      const chunk = uids.slice(start, end);
      start = end;
      const page = await this.#fetchPage(path, formatSequenceSet(chunk), true, options);
      page.sort((a, b) => (newestFirst ? b.uid - a.uid : a.uid - b.uid));
      yield* page;
    }
  }

  /**
   * The whole mailbox newest first without a UID SEARCH: sequence-number pages counted down
   * from the EXISTS seen at the first page (`FETCH n-199:n`, then `FETCH n-599:n-200`, ...). Sequence numbers ascend with UIDs
   * (RFC 9051 §2.3.1.2), so each page holds the next-lower UIDs. They shift only when an
   * expunge is reported to this client, which the server may not do during a FETCH by sequence
   * number (RFC 9051 §7.5.1), or when the folder is selected afresh; if either happens, or the
   * count changes, the rest is listed by UID SEARCH, keeping only UIDs below the lowest already
   * yielded: nothing yielded twice, nothing that existed throughout skipped, and messages
   * appended after the listing began left out as the SEARCH-first listing leaves them out.
   */
  async *#newestBySequence(
    path: string,
    nextPageSize: () => number,
    options: CallOptions,
  ): AsyncGenerator<MessageSummary, void, undefined> {
    let view: MailboxObject | undefined;
    let total = 0;
    let shifted = false;
    const onChange = (event: { path?: string }): void => {
      if (view !== undefined && event.path === view.path) shifted = true;
    };
    const stable = (): boolean =>
      !shifted && view !== undefined && this.client.mailbox === view && view.exists === total;
    this.client.on("expunge", onChange);
    this.client.on("exists", onChange);
    let lowest = Number.POSITIVE_INFINITY;
    try {
      for (let end = -1; end !== 0; ) {
        const page = await this.#inMailbox(path, "FETCH", options, async () => {
          if (view === undefined) {
            view = this.client.mailbox || undefined;
            total = view?.exists ?? 0;
            end = total;
          }
          if (end <= 0 || !stable()) return undefined;
          const from = Math.max(1, end - nextPageSize() + 1);
          const found = await this.#fetchPageUnlocked(`${from}:${end}`, false);
          end = from - 1;
          return found;
        });
        if (page === undefined) break;
        page.sort((a, b) => b.uid - a.uid);
        for (const summary of page) {
          // Belt and braces: a page fetched across a shift could overlap the previous one.
          if (summary.uid >= lowest) continue;
          lowest = summary.uid;
          yield summary;
        }
        if (!stable()) break;
      }
      if (view === undefined || stable()) return;
    } finally {
      this.client.off("expunge", onChange);
      this.client.off("exists", onChange);
    }
    const rest = (await this.search(path, { all: true }, options)).filter((uid) => uid < lowest);
    // The fallback carries on with the page sizes where the sequence-number pages left off.
    yield* this.#listByUid(path, nextPageSize, true, { ...options, uids: rest });
  }

  #fetchPage(path: string, range: string, uid: boolean, options: CallOptions): Promise<MessageSummary[]> {
    return this.#inMailbox(path, "FETCH", options, () => this.#fetchPageUnlocked(range, uid));
  }

  async #fetchPageUnlocked(range: string, uid: boolean): Promise<MessageSummary[]> {
    const out: MessageSummary[] = [];
    for await (const message of this.client.fetch(range, SUMMARY_QUERY, { uid })) {
      // A FETCH response without ENVELOPE is not an answer to this query but an unsolicited
      // update (RFC 9051 §7.5.2), e.g. the \Deleted flag another connection just set, which
      // imapflow hands over with the rest; it may even be outside `range`.
      if (message.envelope === undefined) continue;
      out.push(toMessageSummary(message));
    }
    return out;
  }

  /** UIDs matching an imapflow search query (RFC 9051 §6.4.4), ascending. */
  async search(path: string, query: SearchObject, options: CallOptions = {}): Promise<number[]> {
    const found = await this.#inMailbox(path, "SEARCH", options, () =>
      this.client.search(query, { uid: true }),
    );
    return [...(found || [])].sort((a, b) => a - b);
  }

  /**
   * The whole message as stored (RFC 9051 §6.4.5 BODY.PEEK[], no \Seen side effect), as a stream.
   * The folder stays selected until the stream ends or is destroyed.
   */
  async download(path: string, uid: number, options: CallOptions = {}): Promise<Readable> {
    return this.#streamInMailbox(path, "FETCH BODY[]", options, async () => {
      const result = await this.client.download(String(uid), undefined, { uid: true });
      return { content: foundContent(result.content, uid, path), meta: result.meta };
    }).then((download) => download.content);
  }

  async bodyStructure(path: string, uid: number, options: CallOptions = {}): Promise<BodyPart> {
    const message = await this.#inMailbox(path, "FETCH BODYSTRUCTURE", options, () =>
      this.client.fetchOne(String(uid), { uid: true, bodyStructure: true }, { uid: true }),
    );
    if (!message || message.bodyStructure === undefined) {
      throw new ClosedError(`Message UID ${uid} not found in ${path}`, { details: { uid, path } });
    }
    return toBodyPart(message.bodyStructure);
  }

  /** One body part (e.g. `"2"` or `"1.2"`), transfer encoding removed, as a stream. */
  async downloadPart(
    path: string,
    uid: number,
    part: string,
    options: CallOptions = {},
  ): Promise<PartDownload> {
    const download = await this.#streamInMailbox(path, "FETCH BODY[part]", options, async () => {
      const result = await this.client.download(String(uid), part, { uid: true });
      return { content: foundContent(result.content, uid, path, part), meta: result.meta };
    });
    const meta = download.meta as { contentType?: string; charset?: string; filename?: string } | undefined;
    return {
      contentType: meta?.contentType,
      charset: meta?.charset,
      filename: meta?.filename,
      content: download.content,
    };
  }

  /** STORE FLAGS (RFC 9051 §6.4.6): add, remove, or replace flags on these messages. */
  async setFlags(
    path: string,
    uids: readonly number[],
    operation: FlagOperation,
    flags: readonly string[],
    options: CallOptions = {},
  ): Promise<void> {
    const range = formatSequenceSet(uids);
    await this.#inMailbox(path, "STORE", options, () => {
      const list = [...flags];
      if (operation === "add") return this.client.messageFlagsAdd(range, list, { uid: true });
      if (operation === "remove") return this.client.messageFlagsRemove(range, list, { uid: true });
      return this.client.messageFlagsSet(range, list, { uid: true });
    });
  }

  /** MOVE (RFC 6851), or COPY + STORE \Deleted + EXPUNGE where MOVE is missing. Returns source→destination UIDs. */
  async move(
    path: string,
    uids: readonly number[],
    destination: string,
    options: CallOptions = {},
  ): Promise<Map<number, number>> {
    const result = await this.#inMailbox(path, "MOVE", options, () =>
      this.client.messageMove(formatSequenceSet(uids), destination, { uid: true }),
    );
    return new Map(result ? (result.uidMap ?? new Map()) : new Map());
  }

  /** COPY (RFC 9051 §6.4.7). Returns source→destination UIDs when the server has UIDPLUS. */
  async copy(
    path: string,
    uids: readonly number[],
    destination: string,
    options: CallOptions = {},
  ): Promise<Map<number, number>> {
    const result = await this.#inMailbox(path, "COPY", options, () =>
      this.client.messageCopy(formatSequenceSet(uids), destination, { uid: true }),
    );
    return new Map(result ? (result.uidMap ?? new Map()) : new Map());
  }

  /** STORE \Deleted then UID EXPUNGE (RFC 4315 §2.1) of just these messages. */
  async delete(path: string, uids: readonly number[], options: CallOptions = {}): Promise<void> {
    await this.#inMailbox(path, "EXPUNGE", options, () =>
      this.client.messageDelete(formatSequenceSet(uids), { uid: true }),
    );
  }

  /** APPEND (RFC 9051 §6.3.12) from bytes, a string or a stream (read to the end first, see README). */
  async append(path: string, source: AppendSource, options: AppendOptions = {}): Promise<AppendResult> {
    const content = await collectAppendSource(source, options.maxBytes);
    const result = await this.#call("APPEND", options, () =>
      this.client.append(path, content, [...(options.flags ?? [])], options.internalDate),
    );
    const appended = result || undefined;
    return {
      uid: appended?.uid,
      uidValidity: appended?.uidValidity === undefined ? undefined : BigInt(appended.uidValidity),
    };
  }

  /**
   * New, expunged and re-flagged messages in `path`, as they happen, on a separate connection
   * with the same options that reconnects by itself; see `watchMailbox`.
   */
  watch(path: string, options: WatchOptions = {}): AsyncGenerator<WatchEvent, void, undefined> {
    return watchMailbox(this.#reconnect, path, options);
  }

  /** NOOP (RFC 9051 §6.1.2): proves the connection is alive and collects pending updates. */
  async noop(options: CallOptions = {}): Promise<void> {
    await this.#call("NOOP", options, () => this.client.noop());
  }

  /** LOGOUT (RFC 9051 §6.1.3), then close. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#locks.releaseIdle();
    try {
      if (this.client.usable) await this.client.logout();
    } catch {
      // The connection is going away either way.
    } finally {
      this.client.close();
    }
  }

  /** Closes the socket without LOGOUT. */
  destroy(): void {
    this.#closed = true;
    this.#locks.releaseIdle();
    this.client.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #call<T>(operation: string, options: CallOptions, work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ClosedError("The IMAP session is closed"));
    return runCall(this.client, operation, options, this.#secrets, work);
  }

  #inMailbox<T>(path: string, operation: string, options: CallOptions, work: () => Promise<T>): Promise<T> {
    return this.#call(operation, options, async () => {
      const end = await this.#locks.acquire(path);
      try {
        return await work();
      } finally {
        end();
      }
    });
  }

  /** Like #inMailbox, but the lock is released only when the returned stream finishes. */
  #streamInMailbox<T extends { content: Readable }>(
    path: string,
    operation: string,
    options: CallOptions,
    work: () => Promise<T>,
  ): Promise<T> {
    return this.#call(operation, options, async () => {
      const end = await this.#locks.acquire(path);
      let result: T;
      try {
        result = await work();
      } catch (error) {
        end();
        throw error;
      }
      result.content.once("end", end);
      result.content.once("close", end);
      result.content.once("error", end);
      return result;
    });
  }
}

/** imapflow 2.x resolves download() with no content when the message or part does not exist. */
function foundContent(content: Readable | undefined, uid: number, path: string, part?: string): Readable {
  if (content !== undefined) return content;
  const what = part === undefined ? `Message UID ${uid}` : `Part ${part} of message UID ${uid}`;
  throw new ClosedError(`${what} not found in ${path}`, {
    details: { uid, path, ...(part !== undefined && { part }) },
  });
}
