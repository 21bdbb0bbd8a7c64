import type { FixtureAddress } from "@mailwire/fixtures";
import {
  BookmarkOrigin,
  decodeRopRequestBuffer,
  encodeRopResponseBuffer,
  type PropertyRow,
  type PropertyTag,
  type RecipientRow,
  type Restriction,
  type RopAnswer,
  type RopRequest,
  type RopResponse,
  SessionTags,
  type SortOrder,
} from "@mailwire/mapi";
import type { MailboxStore, StoreMessage } from "../store/mailbox-store.js";
import { MapiIds } from "./mapi-ids.js";
import {
  attachmentProperties,
  folderProperties,
  type MapiExtras,
  messageProperties,
  type PropertySource,
  propertyRow,
} from "./mapi-properties.js";
import { answerDraftRop, type SimDraftObject } from "./rop-drafts.js";
import { SimNotifications } from "./rop-notifications.js";
import { SIM_MAILBOX_GUID, SIM_REPL_GUID, specialFolderProperties } from "./rop-special-folders.js";
import { restrictionSupported, sortSupported, tableView } from "./rop-table-view.js";

// One session context's ROP processing (MS-OXCROPS) over the shared store: request buffers
// are decoded with @mailwire/mapi's simulator-side functions, answered, and encoded back.

type ServerObject =
  | SimDraftObject
  | { kind: "subscription"; types: number; folderId: bigint | undefined }
  | { kind: "logon" }
  | { kind: "folder"; folderId: bigint }
  | {
      kind: "table";
      rows: () => PropertySource[];
      columns: PropertyTag[];
      cursor: number;
      /** Set by RopRestrict / RopSortTable on a contents table (MS-OXCTABL 3.2.5.2, 3.2.5.3). */
      restriction?: Restriction | undefined;
      sortOrders?: readonly SortOrder[] | undefined;
    }
  | { kind: "message"; message: StoreMessage }
  | { kind: "attachment"; message: StoreMessage; index: number }
  | { kind: "stream"; data: Uint8Array; position: number };

/** ReturnValues the engine answers with (MS-OXCDATA 2.4). */
const ec = {
  NotFound: 0x8004010f,
  NullObject: 0x000004b9,
  NotSupported: 0x80040102,
  InvalidParameter: 0x80070057,
  /** The restriction or sort is more than the server evaluates (MS-OXCDATA 2.4.2). */
  TooComplex: 0x80040117,
} as const;

/** The 13 logon folders (MS-OXCSTOR 2.2.1.1.3) in order; store folders where the store has them. */
const LOGON_SPECIAL = [
  undefined,
  undefined,
  undefined,
  undefined,
  "inbox",
  "outbox",
  "sent",
  "trash",
] as const;

export class SimRopEngine {
  readonly #store: MailboxStore;
  readonly #ids: MapiIds;
  readonly #extras: MapiExtras;
  readonly #objects = new Map<number, ServerObject>();
  #nextHandle = 0x1000;
  readonly folderIds: bigint[];
  readonly ipmSubtree: bigint;
  /** RopNotify responses for this session's subscriptions, delivered with its next Execute. */
  readonly notifications = new SimNotifications();
  readonly #stopWatching: () => void;

  constructor(store: MailboxStore, ids: MapiIds, extras: MapiExtras = new Map()) {
    this.#store = store;
    this.#ids = ids;
    this.#extras = extras;
    this.folderIds = Array.from({ length: 13 }, (_, i) => {
      const use = LOGON_SPECIAL[i];
      return use ? ids.id(store.specialFolder(use).id) : MapiIds.wellKnown(i);
    });
    this.ipmSubtree = this.folderIds[3] as bigint;
    this.#stopWatching = store.onChange((change) => {
      if (change.kind === "message-created" || change.kind === "message-moved") {
        this.#newMail(change.folderId, change.messageId);
      }
    });
  }

  /** Stops watching the store (the session context is gone). */
  dispose(): void {
    this.#stopWatching();
  }

  /**
   * New mail is a message arriving in the Inbox (or in the folder a subscription names):
   * queued for every subscription with the NewMail bit (MS-OXCNOTIF 3.2.5.1).
   */
  #newMail(storeFolderId: string, storeMessageId: string): void {
    const folderId = this.#ids.id(storeFolderId);
    const inbox = this.#store.specialFolder("inbox").id === storeFolderId;
    for (const [handle, object] of this.#objects) {
      if (object.kind !== "subscription" || (object.types & 0x02) === 0) continue;
      if (object.folderId === undefined ? !inbox : object.folderId !== folderId) continue;
      const read = this.#store.messages().find((m) => m.id === storeMessageId)?.flags.seen ?? false;
      this.notifications.newMail(handle, folderId, this.#ids.id(storeMessageId), read);
    }
  }

  get openObjects(): number {
    return this.#objects.size;
  }

  execute(bytes: Uint8Array): Uint8Array {
    const { rops, handles } = decodeRopRequestBuffer(bytes);
    const table = [...handles];
    const get = (slot: number) => this.#objects.get(table[slot] ?? -1);
    const put = (slot: number, object: ServerObject) => {
      const handle = this.#nextHandle++;
      this.#objects.set(handle, object);
      table[slot] = handle;
    };
    const responses: RopResponse[] = [];
    for (const rop of rops) {
      if (rop.rop === "RopRelease") {
        // No response (MS-OXCROPS 2.2.15.3); the handle is simply freed.
        this.#objects.delete(table[rop.inputHandleIndex] ?? -1);
        continue;
      }
      responses.push(this.#answer(rop, get, put));
    }
    // Pending notifications ride at the end of any Execute, even one of no ROPs (MS-OXCNOTIF 3.2.5.4).
    responses.push(...this.notifications.drain());
    const tableColumns = (slot: number) => {
      const object = get(slot);
      return object?.kind === "table" ? object.columns : undefined;
    };
    return encodeRopResponseBuffer({ responses, handles: table }, rops, { tableColumns });
  }

  #folder(folderId: bigint): string | undefined {
    const storeId = this.#ids.storeId(folderId);
    return storeId !== undefined && this.#store.folders().some((f) => f.id === storeId) ? storeId : undefined;
  }

  #message(messageId: bigint, folderId: bigint): StoreMessage | undefined {
    const storeId = this.#ids.storeId(messageId);
    const message = storeId === undefined ? undefined : this.#store.messages().find((m) => m.id === storeId);
    return message && this.#ids.id(message.folderId) === folderId ? message : undefined;
  }

  #descendants(storeFolderId: string | undefined): PropertySource[] {
    const out: PropertySource[] = [];
    for (const child of this.#store.childFolders(storeFolderId)) {
      out.push(
        folderProperties(this.#store, this.#ids, child, this.ipmSubtree),
        ...this.#descendants(child.id),
      );
    }
    return out;
  }

  #answer(
    rop: Exclude<RopRequest, { rop: "RopRelease" }>,
    get: (slot: number) => ServerObject | undefined,
    put: (slot: number, object: ServerObject) => void,
  ): RopAnswer {
    const fail = (returnValue: number, handleIndex: number) =>
      ({ rop: rop.rop, handleIndex, returnValue }) as RopAnswer;
    const created = answerDraftRop(rop, {
      store: this.#store,
      ids: this.#ids,
      extras: this.#extras,
      get,
      put,
    });
    if (created) return created;
    switch (rop.rop) {
      case "RopRegisterNotification": {
        const parent = get(rop.inputHandleIndex);
        if (parent?.kind !== "logon" && parent?.kind !== "folder")
          return fail(ec.NullObject, rop.outputHandleIndex);
        put(rop.outputHandleIndex, {
          kind: "subscription",
          types: rop.notificationTypes,
          folderId: rop.target?.folderId ?? (parent.kind === "folder" ? parent.folderId : undefined),
        });
        return { rop: "RopRegisterNotification", handleIndex: rop.outputHandleIndex, returnValue: 0 };
      }
      case "RopLogon": {
        put(rop.outputHandleIndex, { kind: "logon" });
        const now = new Date();
        return {
          rop: "RopLogon",
          handleIndex: rop.outputHandleIndex,
          returnValue: 0,
          privateMailbox: {
            logonFlags: rop.logonFlags,
            folderIds: this.folderIds,
            responseFlags: 0x01 | 0x04, // Reserved, OwnerRight (MS-OXCROPS 2.2.3.1.2)
            mailboxGuid: SIM_MAILBOX_GUID,
            replId: 1,
            replGuid: SIM_REPL_GUID,
            logonTime: {
              seconds: now.getUTCSeconds(),
              minutes: now.getUTCMinutes(),
              hour: now.getUTCHours(),
              dayOfWeek: now.getUTCDay(),
              day: now.getUTCDate(),
              month: now.getUTCMonth() + 1,
              year: now.getUTCFullYear(),
            },
            gwartTime: 0n,
            storeState: 0,
          },
        };
      }
      case "RopOpenFolder": {
        if (!get(rop.inputHandleIndex)) return fail(ec.NullObject, rop.outputHandleIndex);
        if (rop.folderId !== this.ipmSubtree && this.#folder(rop.folderId) === undefined) {
          return fail(ec.NotFound, rop.outputHandleIndex);
        }
        put(rop.outputHandleIndex, { kind: "folder", folderId: rop.folderId });
        return {
          rop: "RopOpenFolder",
          handleIndex: rop.outputHandleIndex,
          returnValue: 0,
          hasRules: false,
          ghost: null,
        };
      }
      case "RopGetHierarchyTable":
      case "RopGetContentsTable": {
        const folder = get(rop.inputHandleIndex);
        if (folder?.kind !== "folder") return fail(ec.NullObject, rop.outputHandleIndex);
        const storeId = folder.folderId === this.ipmSubtree ? undefined : this.#folder(folder.folderId);
        const rows =
          rop.rop === "RopGetHierarchyTable"
            ? () =>
                rop.tableFlags & 0x04 // Depth: the whole subtree (MS-OXCFOLD 2.2.1.13.1)
                  ? this.#descendants(storeId)
                  : this.#store
                      .childFolders(storeId)
                      .map((f) => folderProperties(this.#store, this.#ids, f, this.ipmSubtree))
            : () =>
                storeId === undefined
                  ? []
                  : this.#store.messages(storeId).map((m) => messageProperties(this.#ids, m, this.#extras));
        put(rop.outputHandleIndex, { kind: "table", rows, columns: [], cursor: 0 });
        return {
          rop: rop.rop,
          handleIndex: rop.outputHandleIndex,
          returnValue: 0,
          rowCount: rows().length,
        } as RopAnswer;
      }
      case "RopSetColumns": {
        const table = get(rop.inputHandleIndex);
        if (table?.kind !== "table") return fail(ec.NullObject, rop.inputHandleIndex);
        table.columns = [...rop.propertyTags];
        return { rop: "RopSetColumns", handleIndex: rop.inputHandleIndex, returnValue: 0, tableStatus: 0 };
      }
      case "RopRestrict": {
        const table = get(rop.inputHandleIndex);
        if (table?.kind !== "table") return fail(ec.NullObject, rop.inputHandleIndex);
        if (rop.restriction !== null && !restrictionSupported(rop.restriction)) {
          return fail(ec.TooComplex, rop.inputHandleIndex);
        }
        // A null restriction removes the table's; either way the cursor goes back to the
        // beginning (MS-OXCTABL 3.2.5.3). Evaluated synchronously, so the status is complete.
        table.restriction = rop.restriction ?? undefined;
        table.cursor = 0;
        return { rop: "RopRestrict", handleIndex: rop.inputHandleIndex, returnValue: 0, tableStatus: 0 };
      }
      case "RopSortTable": {
        const table = get(rop.inputHandleIndex);
        if (table?.kind !== "table") return fail(ec.NullObject, rop.inputHandleIndex);
        if (!sortSupported(rop.sortOrders, rop.categorizedCount))
          return fail(ec.TooComplex, rop.inputHandleIndex);
        table.sortOrders = [...rop.sortOrders];
        table.cursor = 0; // MS-OXCTABL 3.2.5.2: the cursor is at the beginning after a sort.
        return { rop: "RopSortTable", handleIndex: rop.inputHandleIndex, returnValue: 0, tableStatus: 0 };
      }
      case "RopQueryRows": {
        const table = get(rop.inputHandleIndex);
        if (table?.kind !== "table") return fail(ec.NullObject, rop.inputHandleIndex);
        if (!rop.forwardRead) return fail(ec.NotSupported, rop.inputHandleIndex);
        const all = tableView(table.rows(), table);
        let rows = all
          .slice(table.cursor, table.cursor + rop.rowCount)
          .map((source) => propertyRow(table.columns, source));
        // Like Exchange, return fewer rows than asked when they would not fit the ROP output
        // buffer (MS-OXCTABL 3.2.5.5); the client reads on from the cursor.
        while (rows.length > 1 && queryRowsSize(rop, table.columns, rows) > QUERY_ROWS_BUDGET) {
          rows = rows.slice(0, Math.ceil(rows.length / 2));
        }
        const cursor = table.cursor + rows.length;
        // NoAdvance leaves the cursor where it was (MS-OXCTABL 2.2.2.5.1).
        if ((rop.queryRowsFlags & 0x01) === 0) table.cursor = cursor;
        return {
          rop: "RopQueryRows",
          handleIndex: rop.inputHandleIndex,
          returnValue: 0,
          origin: cursor >= all.length ? BookmarkOrigin.BOOKMARK_END : BookmarkOrigin.BOOKMARK_CURRENT,
          rows,
        };
      }
      case "RopOpenMessage": {
        const message = this.#message(rop.messageId, rop.folderId);
        if (!message) return fail(ec.NotFound, rop.outputHandleIndex);
        put(rop.outputHandleIndex, { kind: "message", message });
        return {
          rop: "RopOpenMessage",
          handleIndex: rop.outputHandleIndex,
          returnValue: 0,
          hasNamedProperties: false,
          subjectPrefix: { stringType: 0x01, value: "" },
          normalizedSubject: { stringType: 0x04, value: message.fixture.subject },
          recipientCount: recipients(message).length,
          recipientColumns: [],
          recipientRows: [],
        };
      }
      case "RopGetPropertiesSpecific": {
        const object = get(rop.inputHandleIndex);
        if (object?.kind !== "message" && object?.kind !== "folder") {
          return fail(ec.NullObject, rop.inputHandleIndex);
        }
        const limit = rop.propertySizeLimit === 0 ? undefined : rop.propertySizeLimit;
        // Of a folder the simulator answers only the special-folder entry ids (MS-OXOSFLD 2.2.3).
        const source =
          object.kind === "folder"
            ? specialFolderProperties(this.#store, this.#ids, object.folderId)
            : messageProperties(this.#ids, object.message, this.#extras);
        const row = propertyRow(rop.propertyTags, source, limit);
        return { rop: "RopGetPropertiesSpecific", handleIndex: rop.inputHandleIndex, returnValue: 0, row };
      }
      case "RopReadRecipients": {
        const object = get(rop.inputHandleIndex);
        if (object?.kind !== "message") return fail(ec.NullObject, rop.inputHandleIndex);
        const rows = recipients(object.message).slice(rop.rowId);
        if (rows.length === 0) return fail(ec.NotFound, rop.inputHandleIndex);
        return {
          rop: "RopReadRecipients",
          handleIndex: rop.inputHandleIndex,
          returnValue: 0,
          recipientRows: rows.slice(0, 255).map((r, i) => ({
            rowId: rop.rowId + i,
            recipientType: r.type,
            codePageId: 0x04b0,
            reserved: 0,
            recipientRow: smtpRecipient(r.address),
          })),
        };
      }
      case "RopGetAttachmentTable": {
        const object = get(rop.inputHandleIndex);
        if (object?.kind !== "message") return fail(ec.NullObject, rop.outputHandleIndex);
        const message = object.message;
        put(rop.outputHandleIndex, {
          kind: "table",
          columns: [],
          cursor: 0,
          rows: () => attachmentProperties(message),
        });
        return { rop: "RopGetAttachmentTable", handleIndex: rop.outputHandleIndex, returnValue: 0 };
      }
      case "RopOpenAttachment": {
        const object = get(rop.inputHandleIndex);
        if (object?.kind !== "message" || !object.message.fixture.attachments[rop.attachmentId]) {
          return fail(ec.NotFound, rop.outputHandleIndex);
        }
        put(rop.outputHandleIndex, { kind: "attachment", message: object.message, index: rop.attachmentId });
        return { rop: "RopOpenAttachment", handleIndex: rop.outputHandleIndex, returnValue: 0 };
      }
      case "RopOpenStream": {
        const object = get(rop.inputHandleIndex);
        let data: Uint8Array | undefined;
        if (object?.kind === "attachment" && rop.propertyTag === SessionTags.PidTagAttachDataBinary) {
          data = object.message.fixture.attachments[object.index]?.bytes;
        } else if (object?.kind === "message") {
          const value = messageProperties(this.#ids, object.message, this.#extras).get(rop.propertyTag);
          // String properties stream as UTF-16LE without a terminator (MS-OXCPRPT 2.2.14).
          data =
            typeof value === "string"
              ? Buffer.from(value, "utf16le")
              : value instanceof Uint8Array
                ? value
                : undefined;
        }
        if (!data) return fail(ec.NotFound, rop.outputHandleIndex);
        put(rop.outputHandleIndex, { kind: "stream", data, position: 0 });
        return {
          rop: "RopOpenStream",
          handleIndex: rop.outputHandleIndex,
          returnValue: 0,
          streamSize: data.length,
        };
      }
      case "RopReadStream": {
        const stream = get(rop.inputHandleIndex);
        if (stream?.kind !== "stream") {
          return {
            rop: "RopReadStream",
            handleIndex: rop.inputHandleIndex,
            returnValue: ec.NullObject,
            data: new Uint8Array(0),
          };
        }
        const want = rop.byteCount === 0xbabe ? Math.min(rop.maximumByteCount ?? 0, 0xf000) : rop.byteCount;
        const data = stream.data.subarray(stream.position, stream.position + want);
        stream.position += data.length;
        return { rop: "RopReadStream", handleIndex: rop.inputHandleIndex, returnValue: 0, data };
      }
      case "RopSetReadFlags": {
        const folder = get(rop.inputHandleIndex);
        if (folder?.kind !== "folder") return fail(ec.NullObject, rop.inputHandleIndex);
        let partial = false;
        for (const id of rop.messageIds) {
          const message = this.#message(id, folder.folderId);
          if (!message) partial = true;
          else this.#store.markRead(message.id, (rop.readFlags & 0x04) === 0); // rfClearReadFlag
        }
        return {
          rop: "RopSetReadFlags",
          handleIndex: rop.inputHandleIndex,
          returnValue: 0,
          partialCompletion: partial,
        };
      }
      case "RopSetMessageReadFlag": {
        const object = get(rop.inputHandleIndex);
        if (object?.kind !== "message") return fail(ec.NullObject, rop.responseHandleIndex);
        const read = (rop.readFlags & 0x04) === 0;
        const changed = object.message.flags.seen !== read;
        this.#store.markRead(object.message.id, read);
        return changed
          ? {
              rop: "RopSetMessageReadFlag",
              handleIndex: rop.responseHandleIndex,
              returnValue: 0,
              readStatusChanged: true,
              logonId: rop.logonId,
              clientData: new Uint8Array(24),
            }
          : {
              rop: "RopSetMessageReadFlag",
              handleIndex: rop.responseHandleIndex,
              returnValue: 0,
              readStatusChanged: false,
            };
      }
      case "RopMoveCopyMessages": {
        const source = get(rop.sourceHandleIndex);
        const destination = get(rop.destHandleIndex);
        if (source?.kind !== "folder") return fail(ec.NullObject, rop.sourceHandleIndex);
        if (destination?.kind !== "folder") {
          return {
            rop: "RopMoveCopyMessages",
            handleIndex: rop.sourceHandleIndex,
            returnValue: 0x503,
            destHandleIndex: rop.destHandleIndex,
            partialCompletion: false,
          };
        }
        const target = this.#folder(destination.folderId);
        if (target === undefined) return fail(ec.InvalidParameter, rop.sourceHandleIndex);
        let partial = false;
        for (const id of rop.messageIds) {
          const message = this.#message(id, source.folderId);
          if (!message) partial = true;
          else if (rop.wantCopy) {
            const copy = this.#store.addMessage(target, message.fixture);
            this.#ids.id(copy.id);
            // MAPI-only properties (an RTF body, for one) travel with the copy.
            const extras = this.#extras.get(message.id);
            if (extras) this.#extras.set(copy.id, new Map(extras));
          } else this.#store.moveMessage(message.id, target);
        }
        return {
          rop: "RopMoveCopyMessages",
          handleIndex: rop.sourceHandleIndex,
          returnValue: 0,
          partialCompletion: partial,
        };
      }
      case "RopDeleteMessages":
      case "RopHardDeleteMessages": {
        const folder = get(rop.inputHandleIndex);
        if (folder?.kind !== "folder") return fail(ec.NullObject, rop.inputHandleIndex);
        let partial = false;
        for (const id of rop.messageIds) {
          const message = this.#message(id, folder.folderId);
          // Both leave every folder; RopDeleteMessages' soft delete goes to the recoverable
          // items the store does not model, never to Deleted Items (MS-OXCFOLD 3.2.5.5).
          if (!message) partial = true;
          else this.#store.deleteMessage(message.id, { hard: true });
        }
        return {
          rop: rop.rop,
          handleIndex: rop.inputHandleIndex,
          returnValue: 0,
          partialCompletion: partial,
        } as RopAnswer;
      }
      default:
        return fail(ec.NotSupported, "inputHandleIndex" in rop ? rop.inputHandleIndex : 0);
    }
  }
}

/** Bytes one QueryRows answer may take, leaving room for the rest of a 64 KiB ROP buffer. */
const QUERY_ROWS_BUDGET = 32_000;

function queryRowsSize(
  rop: RopRequest,
  columns: readonly PropertyTag[],
  rows: readonly PropertyRow[],
): number {
  const answer = { rop: "RopQueryRows", handleIndex: 0, returnValue: 0, origin: 0, rows } as RopAnswer;
  try {
    return encodeRopResponseBuffer({ responses: [answer], handles: [] }, [{ ...rop, columns } as RopRequest])
      .length;
  } catch {
    return Number.POSITIVE_INFINITY; // past the 16-bit RopSize
  }
}

interface SimRecipient {
  readonly type: 1 | 2;
  readonly address: FixtureAddress;
}

function recipients(message: StoreMessage): SimRecipient[] {
  return [
    ...message.fixture.to.map((address) => ({ type: 1 as const, address })),
    ...message.fixture.cc.map((address) => ({ type: 2 as const, address })),
  ];
}

function smtpRecipient(address: FixtureAddress): RecipientRow {
  // Type SMTP with DisplayName and EmailAddress as Unicode strings (MS-OXCDATA 2.8.3.1).
  return {
    recipientFlags: 0x0003 | 0x0010 | 0x0008 | 0x0200,
    displayName: address.name ?? address.address,
    emailAddress: address.address,
    recipientColumnCount: 0,
    recipientProperties: { flagged: false, cells: [] },
  };
}
