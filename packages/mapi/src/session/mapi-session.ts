import { ClosedError, InvalidArgumentError, publish, throwIfAborted } from "@mailwire/core";
import { LogonFlags, LogonOpenFlags } from "../rops/logon.js";
import { decodeRopResponseBuffer, type RopResponseBuffer } from "../rops/rop-buffer.js";
import { RopReturnValue } from "../rops/rop-id.js";
import { TableFlags } from "../rops/table.js";
import type { EmsmdbConnectInfo, EmsmdbTransport, TransportCallOptions } from "./emsmdb-transport.js";
import { LogonRedirectError, SessionResetError } from "./errors.js";
import {
  type MapiMessage,
  type OpenMessageOptions,
  queueOpenMessage,
  readMessageBatch,
} from "./mapi-message.js";
import { createMessage, type NewMessage } from "./message-draft.js";
import {
  type MapiNotification,
  NotificationRouter,
  type NotificationsOptions,
  subscriptionEvents,
} from "./notifications.js";
import { RopBatch, RopBatchResult } from "./rop-batch.js";
import { NEWEST_FIRST } from "./search-restriction.js";
import type {
  CreatedMessage,
  ListMessagesOptions,
  MapiSessionOptions,
  MapiSessionStats,
  SendMessageOptions,
  ServerObject,
} from "./session-options.js";
import { folderInfo, mailboxInfo, messageSummary } from "./session-records.js";
import { FOLDER_COLUMNS, MESSAGE_SUMMARY_COLUMNS, ReadFlags } from "./session-tags.js";
import type { FolderInfo, MailboxInfo, MessageSummary } from "./session-types.js";
import { type MapiFolderRole, queueSpecialFolders } from "./special-folders.js";
import { folderTableRows } from "./table-pager.js";
import { BackoffState, checkBackoff, completeAfterBufferTooSmall } from "./throttling.js";

export type {
  CreatedMessage,
  ListMessagesOptions,
  MapiSessionOptions,
  MapiSessionStats,
  SendMessageOptions,
  ServerObject,
} from "./session-options.js";

const RELEASE = { rop: "RopRelease", logonId: 0, inputHandleIndex: 0 } as const;

function checkPageSize(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 0xffff) {
    throw new InvalidArgumentError("pageSize must be an integer in 1..65535");
  }
  return value;
}

/**
 * A logged-on private mailbox over any `EmsmdbTransport` (MAPI/HTTP or RPC/HTTP). Each
 * operation is one ROP batch where the protocol allows it: opening a folder, its contents
 * table, SetColumns and the first QueryRows go in one Execute. Handles the operations no
 * longer need are released with RopRelease in the next batch rather than in calls of their own.
 */
export class MapiSession implements AsyncDisposable {
  readonly #transport: EmsmdbTransport;
  readonly #mailboxDn: string;
  readonly #pageSize: number;
  #generation = 0;
  #logon: ServerObject | undefined;
  #mailbox: MailboxInfo | undefined;
  /** Folder roles by FID, read once per logon (they change only when folders are recreated). */
  #roles: { generation: number; roles: ReadonlyMap<bigint, MapiFolderRole> } | undefined;
  #connectInfo: EmsmdbConnectInfo | undefined;
  #pendingReleases: number[] = [];
  /** The transport lost its session context and could not reconnect by itself. */
  #needsConnect = false;
  #relogon: Promise<void> | undefined;
  #closed = false;
  readonly #backoff = new BackoffState();
  readonly #router = new NotificationRouter();
  readonly stats: MapiSessionStats = { executes: 0 };

  constructor(options: MapiSessionOptions) {
    this.#transport = options.transport;
    this.#mailboxDn = options.mailboxDn;
    this.#pageSize = checkPageSize(options.pageSize ?? 100);
  }

  /** Connects the transport and logs on to the mailbox. */
  static async open(options: MapiSessionOptions & TransportCallOptions): Promise<MapiSession> {
    const session = new MapiSession(options);
    await session.connect(options);
    await session.logon(options);
    return session;
  }

  get connectInfo(): EmsmdbConnectInfo | undefined {
    return this.#connectInfo;
  }

  /** The logged-on mailbox; throws before `logon()`. */
  get mailbox(): MailboxInfo {
    if (!this.#mailbox) throw new InvalidArgumentError("Not logged on yet: call logon() first");
    return this.#mailbox;
  }

  async connect(options: TransportCallOptions = {}): Promise<EmsmdbConnectInfo> {
    this.#checkOpen();
    this.#connectInfo = await this.#transport.connect(options);
    this.#needsConnect = false;
    return this.#connectInfo;
  }

  /**
   * RopLogon to the private mailbox (MS-OXCSTOR 3.2.5.1). A redirect (ecWrongServer) becomes
   * a LogonRedirectError naming the server to go to.
   */
  async logon(options: TransportCallOptions = {}): Promise<MailboxInfo> {
    this.#checkOpen();
    const batch = new RopBatch();
    const slot = batch.output();
    const at = batch.add({
      rop: "RopLogon",
      logonId: 0,
      outputHandleIndex: slot,
      logonFlags: LogonFlags.Private,
      openFlags:
        LogonOpenFlags.USE_PER_MDB_REPLID_MAPPING | LogonOpenFlags.HOME_LOGON | LogonOpenFlags.TAKE_OWNERSHIP,
      storeState: 0,
      essdn: this.#mailboxDn,
    });
    const result = await this.#send(batch, options);
    const answer = result.maybeFailed(at, "RopLogon");
    if (answer.returnValue === RopReturnValue.WrongServer && answer.redirect) {
      throw new LogonRedirectError(answer.redirect.serverName);
    }
    const logon = result.response(at, "RopLogon");
    if (!logon.privateMailbox) throw new InvalidArgumentError("RopLogon returned no private-mailbox fields");
    this.#logon = { handle: result.handle(slot), generation: this.#generation };
    this.#mailbox = mailboxInfo(logon.privateMailbox);
    const mailboxGuid = this.#mailbox.mailboxGuid;
    publish("mailwire:mapi:logon", () => ({ mailboxGuid }));
    return this.#mailbox;
  }

  /**
   * Every folder under the IPM subtree (MS-OXCFOLD 3.2.5.13: a hierarchy table with the
   * Depth flag), read in pages of QueryRows; the first page rides with OpenFolder,
   * GetHierarchyTable and SetColumns, and (the first time per logon) with the Inbox's
   * special-folder entry ids that give each folder its `role`.
   */
  async listFolders(
    options: TransportCallOptions & { readonly pageSize?: number } = {},
  ): Promise<FolderInfo[]> {
    const logon = await this.#ensureLogon(options);
    const mailbox = this.mailbox;
    let roles = this.#roles?.generation === logon.generation ? this.#roles.roles : undefined;
    const folders: FolderInfo[] = [];
    const rows = folderTableRows(
      this.#messageHost(),
      {
        logonHandle: logon.handle,
        folderId: this.mailbox.folders.ipmSubtree,
        table: "hierarchy",
        tableFlags: TableFlags.Depth,
        columns: [...FOLDER_COLUMNS],
        pageSize: checkPageSize(options.pageSize ?? this.#pageSize),
        prelude:
          roles === undefined
            ? (batch, logonSlot) => {
                const read = queueSpecialFolders(batch, logonSlot, mailbox);
                return (result) => {
                  roles = read(result);
                  this.#roles = { generation: logon.generation, roles };
                };
              }
            : undefined,
      },
      options,
    );
    for await (const row of rows) folders.push(folderInfo(row));
    return folders.map((folder) => {
      const role = roles?.get(folder.folderId);
      return role === undefined ? folder : { ...folder, role };
    });
  }

  /**
   * Folder roles by FID: the logon's Inbox, Outbox, Sent Items and Deleted Items, and the
   * folders the Inbox's special-folder entry ids name (MS-OXOSFLD 2.2.3, 2.2.4: Drafts,
   * Calendar, Contacts, Junk E-mail, ...). One Execute the first time per logon.
   */
  async folderRoles(options: TransportCallOptions = {}): Promise<ReadonlyMap<bigint, MapiFolderRole>> {
    const logon = await this.#ensureLogon(options);
    if (this.#roles?.generation === logon.generation) return this.#roles.roles;
    const batch = new RopBatch();
    const read = queueSpecialFolders(batch, batch.input(logon.handle), this.mailbox);
    const roles = read(await this.#send(batch, options));
    this.#roles = { generation: logon.generation, roles };
    return roles;
  }

  /**
   * The messages of a folder as an async iterator over its contents table, one QueryRows per
   * page, newest first unless `sortOrders` says otherwise. The first page comes with
   * OpenFolder, GetContentsTable, SetColumns, RopRestrict (with `restriction`) and
   * RopSortTable in a single Execute, so the server sorts and filters and only the rows
   * read cross the wire. Ending the loop early releases the table.
   */
  async *listMessages(folderId: bigint, options: ListMessagesOptions = {}): AsyncGenerator<MessageSummary> {
    const logon = await this.#ensureLogon(options);
    const rows = folderTableRows(
      this.#messageHost(),
      {
        logonHandle: logon.handle,
        folderId,
        table: "contents",
        tableFlags: 0,
        columns: [...MESSAGE_SUMMARY_COLUMNS, ...(options.extraColumns ?? [])],
        pageSize: checkPageSize(options.pageSize ?? this.#pageSize),
        sortOrders: options.sortOrders ?? NEWEST_FIRST,
        restriction: options.restriction,
      },
      options,
    );
    for await (const row of rows) yield messageSummary(row);
  }

  /**
   * Opens a message and reads, in one Execute: its properties (subject, sender, text and
   * HTML bodies up to the size limit), its recipients (RopReadRecipients) and its
   * attachment table. Bodies over the limit and attachments are read as streams from the
   * returned `MapiMessage`; close it (or `await using`) to release its handle.
   */
  async openMessage(
    folderId: bigint,
    messageId: bigint,
    options: OpenMessageOptions = {},
  ): Promise<MapiMessage> {
    const logon = await this.#ensureLogon(options);
    const batch = new RopBatch();
    const plan = queueOpenMessage(batch, batch.input(logon.handle), folderId, messageId, options);
    const result = await this.#send(batch, options);
    return readMessageBatch(this.#messageHost(), result, plan, folderId, messageId);
  }

  /** Marks messages read or unread in one batch (RopSetReadFlags, MS-OXCMSG 2.2.3.10). */
  async setReadFlags(
    folderId: bigint,
    messageIds: readonly bigint[],
    read: boolean,
    options: TransportCallOptions = {},
  ): Promise<{ partialCompletion: boolean }> {
    return this.#withFolder(folderId, options, (batch, folderSlot) =>
      batch.add({
        rop: "RopSetReadFlags",
        logonId: 0,
        inputHandleIndex: folderSlot,
        wantAsynchronous: false,
        readFlags: read ? ReadFlags.rfSuppressReceipt : ReadFlags.rfClearReadFlag,
        messageIds,
      }),
    ).then(({ result, at }) => ({
      partialCompletion: result.response(at, "RopSetReadFlags").partialCompletion ?? false,
    }));
  }

  /** Moves (or copies) messages between folders with RopMoveCopyMessages (MS-OXCFOLD 2.2.1.6). */
  async moveMessages(
    sourceFolderId: bigint,
    messageIds: readonly bigint[],
    destinationFolderId: bigint,
    options: TransportCallOptions & { readonly copy?: boolean } = {},
  ): Promise<{ partialCompletion: boolean }> {
    const logon = await this.#ensureLogon(options);
    const batch = new RopBatch();
    const logonSlot = batch.input(logon.handle);
    const sourceSlot = batch.output();
    const destinationSlot = batch.output();
    const openSource = batch.add({
      rop: "RopOpenFolder",
      logonId: 0,
      inputHandleIndex: logonSlot,
      outputHandleIndex: sourceSlot,
      folderId: sourceFolderId,
      openModeFlags: 0,
    });
    const openDestination = batch.add({
      rop: "RopOpenFolder",
      logonId: 0,
      inputHandleIndex: logonSlot,
      outputHandleIndex: destinationSlot,
      folderId: destinationFolderId,
      openModeFlags: 0,
    });
    const move = batch.add({
      rop: "RopMoveCopyMessages",
      logonId: 0,
      sourceHandleIndex: sourceSlot,
      destHandleIndex: destinationSlot,
      messageIds,
      wantAsynchronous: false,
      wantCopy: options.copy ?? false,
    });
    batch.add({ rop: "RopRelease", logonId: 0, inputHandleIndex: sourceSlot });
    batch.add({ rop: "RopRelease", logonId: 0, inputHandleIndex: destinationSlot });
    const result = await this.#send(batch, options);
    result.response(openSource, "RopOpenFolder");
    result.response(openDestination, "RopOpenFolder");
    return { partialCompletion: result.response(move, "RopMoveCopyMessages").partialCompletion ?? false };
  }

  /**
   * Deletes messages with RopDeleteMessages (or RopHardDeleteMessages with `hard`). To put
   * them into Deleted Items as Outlook's Delete key does, move them to
   * `mailbox.folders.deletedItems` instead.
   */
  async deleteMessages(
    folderId: bigint,
    messageIds: readonly bigint[],
    options: TransportCallOptions & { readonly hard?: boolean } = {},
  ): Promise<{ partialCompletion: boolean }> {
    const rop = options.hard ? "RopHardDeleteMessages" : "RopDeleteMessages";
    const { result, at } = await this.#withFolder(folderId, options, (batch, folderSlot) =>
      batch.add({
        rop,
        logonId: 0,
        inputHandleIndex: folderSlot,
        wantAsynchronous: false,
        notifyNonRead: false,
        messageIds,
      }),
    );
    return { partialCompletion: result.response(at, rop).partialCompletion ?? false };
  }

  /**
   * Creates a message in the Outbox (or `folderId`), saves and submits it (MS-OXOMSG 3.1.4.1);
   * the server moves it to Sent Items (PidTagSentMailSvrEID) once sent. A message without
   * stream-sized values or attachments over 24 KiB in all is one Execute.
   */
  async sendMessage(message: NewMessage, options: SendMessageOptions = {}): Promise<CreatedMessage> {
    const logon = await this.#ensureLogon(options);
    const folders = this.mailbox.folders;
    return createMessage(this.#messageHost(), logon.handle, options.folderId ?? folders.outbox, message, {
      ...options,
      submit: { sentItemsFolderId: options.sentItemsFolderId ?? folders.sentItems },
    });
  }

  /** Creates and saves a message in `folderId` without submitting it (a draft, or an item to file). */
  async saveMessage(
    folderId: bigint,
    message: NewMessage,
    options: TransportCallOptions = {},
  ): Promise<CreatedMessage> {
    const logon = await this.#ensureLogon(options);
    return createMessage(this.#messageHost(), logon.handle, folderId, message, options);
  }

  /**
   * Subscribes with RopRegisterNotification (default: new mail anywhere in the mailbox) and
   * yields the events as they arrive, long-polling between them (NotificationWait,
   * EcDoAsyncWaitEx); events riding on other calls' Executes are delivered too. Ending the
   * loop releases the subscription; `signal` ends the wait.
   */
  async *notifications(
    options: NotificationsOptions & TransportCallOptions = {},
  ): AsyncGenerator<MapiNotification> {
    const logon = await this.#ensureLogon(options);
    yield* subscriptionEvents(
      {
        ...this.#messageHost(),
        wait: (waitOptions) => this.#transport.waitForNotifications(waitOptions),
        router: this.#router,
      },
      logon.handle,
      options,
    );
  }

  /** Long-polls the transport for pending notifications (MS-OXCMAPIHTTP NotificationWait). */
  async waitForNotifications(options: TransportCallOptions = {}): Promise<boolean> {
    this.#checkOpen();
    return this.#transport.waitForNotifications(options);
  }

  /** Releases what is still open, then disconnects the session context. */
  async close(options: TransportCallOptions = {}): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.#logon && this.#logon.generation === this.#generation) {
        this.#pendingReleases.push(this.#logon.handle);
        const batch = new RopBatch();
        await this.#send(batch, options).catch(() => undefined);
      }
      await this.#transport.disconnect(options);
    } finally {
      this.#closed = true;
      this.#logon = undefined;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new ClosedError("The MAPI session is closed");
  }

  async #ensureLogon(options: TransportCallOptions): Promise<ServerObject> {
    this.#checkOpen();
    throwIfAborted(options.signal);
    if (this.#needsConnect || !this.#logon || this.#logon.generation !== this.#generation) {
      // Concurrent callers after a reset share one reconnect and one RopLogon.
      this.#relogon ??= (async () => {
        if (this.#needsConnect) await this.connect(options);
        await this.logon(options);
      })().finally(() => {
        this.#relogon = undefined;
      });
      await this.#relogon;
    }
    return this.#logon as ServerObject;
  }

  async #withFolder(
    folderId: bigint,
    options: TransportCallOptions,
    build: (batch: RopBatch, folderSlot: number) => number,
  ): Promise<{ result: RopBatchResult; at: number }> {
    const logon = await this.#ensureLogon(options);
    const batch = new RopBatch();
    const folderSlot = batch.output();
    const open = batch.add({
      rop: "RopOpenFolder",
      logonId: 0,
      inputHandleIndex: batch.input(logon.handle),
      outputHandleIndex: folderSlot,
      folderId,
      openModeFlags: 0,
    });
    const at = build(batch, folderSlot);
    batch.add({ rop: "RopRelease", logonId: 0, inputHandleIndex: folderSlot });
    const result = await this.#send(batch, options);
    result.response(open, "RopOpenFolder");
    return { result, at };
  }

  #checkGeneration(object: ServerObject): void {
    if (object.generation !== this.#generation) {
      throw new SessionResetError("The session context was reset; this object's handle is gone", {
        reconnected: true,
      });
    }
  }

  /** Queues RopRelease for handles of the current context; they go out with the next batch. */
  #release(...objects: ServerObject[]): void {
    for (const object of objects) {
      if (object.generation === this.#generation) this.#pendingReleases.push(object.handle);
    }
  }

  #messageHost() {
    return {
      generation: () => this.#generation,
      send: (batch: RopBatch, options: TransportCallOptions, send?: { evenIfEmpty?: boolean }) =>
        this.#send(batch, options, send),
      release: (...objects: ServerObject[]) => this.#release(...objects),
      checkGeneration: (object: ServerObject) => this.#checkGeneration(object),
    };
  }

  /**
   * Runs one batch. Queued releases ride at its end: they get no response, so the positions
   * of the batch's own ROPs stay as built. A session reset invalidates every handle.
   */
  async #send(
    batch: RopBatch,
    options: TransportCallOptions,
    send: { readonly evenIfEmpty?: boolean } = {},
  ): Promise<RopBatchResult> {
    this.#checkOpen();
    throwIfAborted(options.signal);
    // Throttled (RopBackoff): fail before anything, queued releases included, leaves.
    this.#backoff.check(this.#pendingReleases.length > 0 ? [...batch.rops, RELEASE] : batch.rops, Date.now());
    const releases = this.#pendingReleases;
    this.#pendingReleases = [];
    for (const handle of releases) {
      batch.add({ rop: "RopRelease", logonId: 0, inputHandleIndex: batch.input(handle) });
    }
    // An Execute of no ROPs still collects pending RopNotify responses (MS-OXCNOTIF 3.1.5.1).
    if (batch.size === 0 && !send.evenIfEmpty) return new RopBatchResult([], { responses: [], handles: [] });
    const request = batch.encode();
    const rops = batch.rops;
    publish("mailwire:mapi:execute", () => ({ rops: rops.map((r) => r.rop), bytes: request.length }));
    let buffer: RopResponseBuffer;
    try {
      const execute = (bytes: Uint8Array) => {
        this.stats.executes += 1;
        return this.#transport.execute(bytes, options);
      };
      buffer = decodeRopResponseBuffer(await execute(request), rops);
      buffer = await completeAfterBufferTooSmall(rops, buffer, execute);
    } catch (error) {
      if (error instanceof SessionResetError) {
        this.#generation += 1;
        this.#logon = undefined;
        this.#router.clear();
        if (!error.reconnected) this.#needsConnect = true;
      } else {
        // The releases may not have reached the server; try them again next time.
        this.#pendingReleases.push(...releases);
      }
      throw error;
    }
    checkBackoff(rops, buffer, this.#backoff, Date.now());
    const result = new RopBatchResult(rops, buffer);
    this.#router.deliver(result.notifications);
    return result;
  }
}
