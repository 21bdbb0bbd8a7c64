import { utf16le } from "@mailwire/core";
import {
  BookmarkOrigin,
  decodeRopRequestBuffer,
  encodeRopRequestBuffer,
  encodeRopResponseBuffer,
  type PropertyCell,
  type PropertyRow,
  type PropertyTag,
  propertyTagType,
  type RecipientRow,
  type Restriction,
  type RopAnswer,
  type RopRequest,
  type RopResponse,
  RopReturnValue,
  type SortOrder,
} from "../../src/index.js";
import { SessionTags } from "../../src/session/session-tags.js";
import { answerDraftRop, type DraftObject } from "./fake-drafts.js";
import { fakeView } from "./fake-table-view.js";

// A small server-side ROP engine for unit tests: decodes request buffers with the codec's
// simulator-side functions, answers from a backend, encodes the responses.

export interface FakeFolder {
  id: bigint;
  parentId: bigint;
  displayName: string;
}

export interface FakeRecipient {
  type: 1 | 2 | 3;
  displayName: string;
  emailAddress: string;
}

export interface FakeAttachment {
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}

export interface FakeMessage {
  id: bigint;
  folderId: bigint;
  subject: string;
  senderName: string;
  senderEmailAddress: string;
  deliveryTime: bigint;
  read: boolean;
  body: string;
  html?: Uint8Array;
  /** PidTagRtfCompressed; when set, the message has no text or HTML body (an RTF-only message). */
  rtfCompressed?: Uint8Array;
  recipients: FakeRecipient[];
  attachments: FakeAttachment[];
}

export interface FakeMailbox {
  /** The 13 logon folder IDs; [3] is the IPM subtree. */
  folderIds: bigint[];
  folders: FakeFolder[];
  messages: FakeMessage[];
  /** Properties RopGetPropertiesSpecific returns for a folder (the Inbox's special-folder entry ids). */
  folderProperties?: Map<bigint, Map<PropertyTag, unknown>>;
}

type ServerObject =
  | DraftObject
  | { kind: "subscription"; types: number; folderId: bigint | undefined }
  | { kind: "logon" }
  | { kind: "folder"; folderId: bigint }
  | {
      kind: "table";
      rows: () => Map<PropertyTag, unknown>[];
      columns: PropertyTag[];
      cursor: number;
      restriction?: Restriction | undefined;
      sortOrders?: readonly SortOrder[];
    }
  | { kind: "message"; message: FakeMessage }
  | { kind: "attachment"; message: FakeMessage; index: number }
  | { kind: "stream"; data: Uint8Array; position: number };

const EC_NOT_FOUND = 0x8004010f;
const EC_NULL_OBJECT = 0x000004b9;
const EC_NOT_ENOUGH_MEMORY = 0x8007000e;

function cell(tag: PropertyTag, value: unknown, sizeLimit?: number): PropertyCell {
  const type = propertyTagType(tag);
  if (value === undefined) return { kind: "notFound", type };
  if (sizeLimit !== undefined) {
    const size =
      typeof value === "string" ? value.length * 2 : value instanceof Uint8Array ? value.length : 0;
    if (size > sizeLimit) return { kind: "error", type, errorCode: EC_NOT_ENOUGH_MEMORY };
  }
  return { kind: "value", type, value: value as never };
}

export function makeRow(
  columns: readonly PropertyTag[],
  source: Map<PropertyTag, unknown>,
  sizeLimit?: number,
): PropertyRow {
  const cells = columns.map((tag) => cell(tag, source.get(tag), sizeLimit));
  return { flagged: cells.some((c) => c.kind !== "value"), cells };
}

export class FakeRopEngine {
  readonly mailbox: FakeMailbox;
  readonly #objects = new Map<number, ServerObject>();
  #nextHandle = 0x100;
  /** Every request buffer seen, decoded. */
  readonly requests: RopRequest[][] = [];
  redirectTo: string | undefined;
  /** Messages submitted with RopSubmitMessage, in order. */
  readonly submitted: FakeMessage[] = [];
  readonly userAddress = "fake.user@example.test";
  refuseProperty: PropertyTag | undefined;
  /** For the next execute only: answer this many ROPs, then RopBufferTooSmall with the rest. */
  processOnly: number | undefined;
  /** For the next execute only: answer `after` ROPs, then RopBackoff. */
  backoffNext:
    | { after: number; duration: number; backoffRops?: { ropIdBackoff: number; duration: number }[] }
    | undefined;
  failSave: number | undefined;
  #nextMessageId = 0x900000n;
  /** RopNotify responses waiting for the client's next Execute. */
  readonly pendingNotifications: RopResponse[] = [];

  /** Queues a new-mail notification for every subscription that covers `folderId`. */
  newMail(folderId: bigint, messageId: bigint): void {
    for (const [handle, object] of this.#objects) {
      if (object.kind !== "subscription" || !(object.types & 0x02)) continue;
      if (object.folderId !== undefined && object.folderId !== folderId) continue;
      this.pendingNotifications.push({
        rop: "RopNotify",
        notificationHandle: handle,
        logonId: 0,
        notificationData: {
          notificationFlags: 0x0002 | 0x8000,
          folderId,
          messageId,
          messageFlags: 0,
          unicodeFlag: true,
          messageClass: "IPM.Note",
        },
      });
    }
  }

  constructor(mailbox: FakeMailbox) {
    this.mailbox = mailbox;
  }

  get liveHandles(): number {
    return this.#objects.size;
  }

  /** The kinds of the objects still open, for test diagnostics. */
  get liveKinds(): string[] {
    return [...this.#objects.values()].map((o) => o.kind);
  }

  folderSource(folder: FakeFolder): Map<PropertyTag, unknown> {
    const messages = this.mailbox.messages.filter((m) => m.folderId === folder.id);
    return new Map<PropertyTag, unknown>([
      [SessionTags.PidTagFolderId, folder.id],
      [SessionTags.PidTagParentFolderId, folder.parentId],
      [SessionTags.PidTagDisplayName, folder.displayName],
      [SessionTags.PidTagContentCount, messages.length],
      [SessionTags.PidTagContentUnreadCount, messages.filter((m) => !m.read).length],
      [SessionTags.PidTagSubfolders, this.mailbox.folders.some((f) => f.parentId === folder.id)],
      [SessionTags.PidTagContainerClass, "IPF.Note"],
    ]);
  }

  messageSource(m: FakeMessage): Map<PropertyTag, unknown> {
    return new Map<PropertyTag, unknown>([
      [SessionTags.PidTagMid, m.id],
      [SessionTags.PidTagFolderId, m.folderId],
      [SessionTags.PidTagSubject, m.subject],
      [SessionTags.PidTagSenderName, m.senderName],
      [SessionTags.PidTagSenderEmailAddress, m.senderEmailAddress],
      [SessionTags.PidTagMessageDeliveryTime, m.deliveryTime],
      [SessionTags.PidTagMessageFlags, (m.read ? 1 : 0) | (m.attachments.length > 0 ? 0x10 : 0)],
      [SessionTags.PidTagMessageSize, m.body.length],
      [SessionTags.PidTagHasAttachments, m.attachments.length > 0],
      [SessionTags.PidTagInternetMessageId, `<${m.id}@fake>`],
      [SessionTags.PidTagBody, m.rtfCompressed ? undefined : m.body],
      [SessionTags.PidTagHtml, m.rtfCompressed ? undefined : m.html],
      [SessionTags.PidTagRtfCompressed, m.rtfCompressed],
    ]);
  }

  #descendants(folderId: bigint): FakeFolder[] {
    const out: FakeFolder[] = [];
    for (const child of this.mailbox.folders.filter((f) => f.parentId === folderId)) {
      out.push(child, ...this.#descendants(child.id));
    }
    return out;
  }

  #add(object: ServerObject): number {
    const handle = this.#nextHandle++;
    this.#objects.set(handle, object);
    return handle;
  }

  /** Answers one ROP request buffer. */
  execute(bytes: Uint8Array): Uint8Array {
    const { rops, handles } = decodeRopRequestBuffer(bytes);
    this.requests.push([...rops]);
    const table = [...handles];
    const responses: RopResponse[] = [];
    const get = (slot: number) => this.#objects.get(table[slot] ?? -1);
    const processOnly = this.processOnly;
    const backoff = this.backoffNext;
    this.processOnly = undefined;
    this.backoffNext = undefined;
    for (const [index, rop] of rops.entries()) {
      if (processOnly !== undefined && index >= processOnly) {
        // The unprocessed ROPs go back verbatim (MS-OXCROPS 2.2.15.1).
        const rest = encodeRopRequestBuffer({ rops: rops.slice(index), handles: table });
        const ropSize = (rest[0] as number) | ((rest[1] as number) << 8);
        responses.push({
          rop: "RopBufferTooSmall",
          sizeNeeded: 0x8000,
          requestBuffers: rest.slice(2, ropSize),
        });
        break;
      }
      if (backoff !== undefined && index >= backoff.after) {
        responses.push({
          rop: "RopBackoff",
          logonId: 0,
          duration: backoff.duration,
          backoffRops: backoff.backoffRops ?? [],
          additionalData: new Uint8Array(0),
        });
        break;
      }
      const answer = this.#answer(rop, get, (slot, object) => {
        table[slot] = this.#add(object);
      });
      if (answer) responses.push(answer);
    }
    responses.push(...this.pendingNotifications.splice(0));
    if (backoff !== undefined && backoff.after >= rops.length) {
      responses.push({
        rop: "RopBackoff",
        logonId: 0,
        duration: backoff.duration,
        backoffRops: backoff.backoffRops ?? [],
        additionalData: new Uint8Array(0),
      });
    }
    // Tables set up in earlier calls: their columns lay out this batch's QueryRows rows.
    const tableColumns = (slot: number) => {
      const object = get(slot);
      return object?.kind === "table" ? object.columns : undefined;
    };
    return encodeRopResponseBuffer({ responses, handles: table }, rops, { tableColumns });
  }

  #answer(
    rop: RopRequest,
    get: (slot: number) => ServerObject | undefined,
    put: (slot: number, object: ServerObject) => void,
  ): RopAnswer | undefined {
    const fail = (returnValue: number, handleIndex: number) =>
      ({ rop: rop.rop, handleIndex, returnValue }) as RopAnswer;
    const draft = answerDraftRop(rop, {
      mailbox: this.mailbox,
      userAddress: this.userAddress,
      get,
      put,
      nextId: () => this.#nextMessageId++,
      submitted: this.submitted,
      refuseProperty: this.refuseProperty,
      failSave: this.failSave,
    });
    if (draft) return draft;
    switch (rop.rop) {
      case "RopRegisterNotification": {
        if (get(rop.inputHandleIndex)?.kind !== "logon") return fail(EC_NULL_OBJECT, rop.outputHandleIndex);
        put(rop.outputHandleIndex, {
          kind: "subscription",
          types: rop.notificationTypes,
          folderId: rop.target?.folderId,
        });
        return { rop: "RopRegisterNotification", handleIndex: rop.outputHandleIndex, returnValue: 0 };
      }
      case "RopRelease": {
        // Release frees the handle in the request's table (MS-OXCROPS 2.2.15.3).
        for (const [handle, object] of this.#objects)
          if (object === get(rop.inputHandleIndex)) this.#objects.delete(handle);
        return undefined;
      }
      case "RopLogon": {
        if (this.redirectTo) {
          return {
            rop: "RopLogon",
            handleIndex: rop.outputHandleIndex,
            returnValue: RopReturnValue.WrongServer,
            redirect: { logonFlags: rop.logonFlags, serverName: this.redirectTo },
          };
        }
        put(rop.outputHandleIndex, { kind: "logon" });
        return {
          rop: "RopLogon",
          handleIndex: rop.outputHandleIndex,
          returnValue: 0,
          privateMailbox: {
            logonFlags: rop.logonFlags,
            folderIds: this.mailbox.folderIds,
            responseFlags: 0x01,
            mailboxGuid: "11111111-2222-3333-4444-555555555555",
            replId: 1,
            replGuid: "66666666-7777-8888-9999-000000000000",
            logonTime: { seconds: 0, minutes: 0, hour: 12, dayOfWeek: 1, day: 23, month: 11, year: 2026 },
            gwartTime: 0n,
            storeState: 0,
          },
        };
      }
      case "RopOpenFolder": {
        if (!get(rop.inputHandleIndex)) return fail(EC_NULL_OBJECT, rop.outputHandleIndex);
        const known =
          rop.folderId === this.mailbox.folderIds[3] ||
          this.mailbox.folders.some((f) => f.id === rop.folderId);
        if (!known) return fail(EC_NOT_FOUND, rop.outputHandleIndex);
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
        if (folder?.kind !== "folder") return fail(EC_NULL_OBJECT, rop.outputHandleIndex);
        const rows =
          rop.rop === "RopGetHierarchyTable"
            ? () => this.#descendants(folder.folderId).map((f) => this.folderSource(f))
            : () =>
                this.mailbox.messages
                  .filter((m) => m.folderId === folder.folderId)
                  .map((m) => this.messageSource(m));
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
        if (table?.kind !== "table") return fail(EC_NULL_OBJECT, rop.inputHandleIndex);
        table.columns = [...rop.propertyTags];
        return { rop: "RopSetColumns", handleIndex: rop.inputHandleIndex, returnValue: 0, tableStatus: 0 };
      }
      case "RopRestrict": {
        const table = get(rop.inputHandleIndex);
        if (table?.kind !== "table") return fail(EC_NULL_OBJECT, rop.inputHandleIndex);
        table.restriction = rop.restriction ?? undefined;
        table.cursor = 0;
        return { rop: "RopRestrict", handleIndex: rop.inputHandleIndex, returnValue: 0, tableStatus: 0 };
      }
      case "RopSortTable": {
        const table = get(rop.inputHandleIndex);
        if (table?.kind !== "table") return fail(EC_NULL_OBJECT, rop.inputHandleIndex);
        table.sortOrders = rop.sortOrders;
        table.cursor = 0;
        return { rop: "RopSortTable", handleIndex: rop.inputHandleIndex, returnValue: 0, tableStatus: 0 };
      }
      case "RopQueryRows": {
        const table = get(rop.inputHandleIndex);
        if (table?.kind !== "table") return fail(EC_NULL_OBJECT, rop.inputHandleIndex);
        const all = fakeView(table.rows(), table.restriction, table.sortOrders ?? []);
        const slice = all.slice(table.cursor, table.cursor + rop.rowCount);
        table.cursor += slice.length;
        return {
          rop: "RopQueryRows",
          handleIndex: rop.inputHandleIndex,
          returnValue: 0,
          origin: table.cursor >= all.length ? BookmarkOrigin.BOOKMARK_END : BookmarkOrigin.BOOKMARK_CURRENT,
          rows: slice.map((source) => makeRow(table.columns, source)),
        };
      }
      case "RopOpenMessage": {
        const message = this.mailbox.messages.find(
          (m) => m.id === rop.messageId && m.folderId === rop.folderId,
        );
        if (!message) return fail(EC_NOT_FOUND, rop.outputHandleIndex);
        put(rop.outputHandleIndex, { kind: "message", message });
        return {
          rop: "RopOpenMessage",
          handleIndex: rop.outputHandleIndex,
          returnValue: 0,
          hasNamedProperties: false,
          subjectPrefix: { stringType: 1, value: "" },
          normalizedSubject: { stringType: 4, value: message.subject },
          recipientCount: message.recipients.length,
          recipientColumns: [],
          recipientRows: [],
        };
      }
      case "RopGetPropertiesSpecific": {
        const object = get(rop.inputHandleIndex);
        if (object?.kind === "folder") {
          const source = this.mailbox.folderProperties?.get(object.folderId) ?? new Map();
          return {
            rop: "RopGetPropertiesSpecific",
            handleIndex: rop.inputHandleIndex,
            returnValue: 0,
            row: makeRow(rop.propertyTags, source),
          };
        }
        if (object?.kind !== "message") return fail(EC_NULL_OBJECT, rop.inputHandleIndex);
        const limit = rop.propertySizeLimit === 0 ? undefined : rop.propertySizeLimit;
        return {
          rop: "RopGetPropertiesSpecific",
          handleIndex: rop.inputHandleIndex,
          returnValue: 0,
          row: makeRow(rop.propertyTags, this.messageSource(object.message), limit),
        };
      }
      case "RopReadRecipients": {
        const object = get(rop.inputHandleIndex);
        if (object?.kind !== "message") return fail(EC_NULL_OBJECT, rop.inputHandleIndex);
        const rows = object.message.recipients.slice(rop.rowId);
        if (rows.length === 0) return fail(EC_NOT_FOUND, rop.inputHandleIndex);
        return {
          rop: "RopReadRecipients",
          handleIndex: rop.inputHandleIndex,
          returnValue: 0,
          recipientRows: rows.map((r, i) => ({
            rowId: rop.rowId + i,
            recipientType: r.type,
            codePageId: 0x04b0,
            reserved: 0,
            recipientRow: smtpRecipient(r),
          })),
        };
      }
      case "RopGetAttachmentTable": {
        const object = get(rop.inputHandleIndex);
        if (object?.kind !== "message") return fail(EC_NULL_OBJECT, rop.outputHandleIndex);
        const message = object.message;
        put(rop.outputHandleIndex, {
          kind: "table",
          columns: [],
          cursor: 0,
          rows: () =>
            message.attachments.map(
              (a, i) =>
                new Map<PropertyTag, unknown>([
                  [SessionTags.PidTagAttachNumber, i],
                  [SessionTags.PidTagAttachLongFilename, a.fileName],
                  [SessionTags.PidTagAttachSize, a.data.length],
                  [SessionTags.PidTagAttachMimeTag, a.mimeType],
                  [SessionTags.PidTagAttachMethod, 1],
                ]),
            ),
        });
        return { rop: "RopGetAttachmentTable", handleIndex: rop.outputHandleIndex, returnValue: 0 };
      }
      case "RopOpenAttachment": {
        const object = get(rop.inputHandleIndex);
        if (object?.kind !== "message" || !object.message.attachments[rop.attachmentId]) {
          return fail(EC_NOT_FOUND, rop.outputHandleIndex);
        }
        put(rop.outputHandleIndex, { kind: "attachment", message: object.message, index: rop.attachmentId });
        return { rop: "RopOpenAttachment", handleIndex: rop.outputHandleIndex, returnValue: 0 };
      }
      case "RopOpenStream": {
        const object = get(rop.inputHandleIndex);
        let data: Uint8Array | undefined;
        if (object?.kind === "attachment" && rop.propertyTag === SessionTags.PidTagAttachDataBinary) {
          data = object.message.attachments[object.index]?.data;
        } else if (object?.kind === "message" && rop.propertyTag === SessionTags.PidTagBody) {
          data = utf16le(object.message.body);
        } else if (object?.kind === "message" && rop.propertyTag === SessionTags.PidTagHtml) {
          data = object.message.html;
        } else if (object?.kind === "message" && rop.propertyTag === SessionTags.PidTagRtfCompressed) {
          data = object.message.rtfCompressed;
        }
        if (!data) return fail(EC_NOT_FOUND, rop.outputHandleIndex);
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
        if (stream?.kind !== "stream")
          return {
            rop: "RopReadStream",
            handleIndex: rop.inputHandleIndex,
            returnValue: EC_NULL_OBJECT,
            data: new Uint8Array(0),
          };
        const data = stream.data.subarray(stream.position, stream.position + rop.byteCount);
        stream.position += data.length;
        return { rop: "RopReadStream", handleIndex: rop.inputHandleIndex, returnValue: 0, data };
      }
      case "RopSetReadFlags": {
        const folder = get(rop.inputHandleIndex);
        if (folder?.kind !== "folder") return fail(EC_NULL_OBJECT, rop.inputHandleIndex);
        for (const id of rop.messageIds) {
          const m = this.mailbox.messages.find((x) => x.id === id && x.folderId === folder.folderId);
          if (m) m.read = (rop.readFlags & 0x04) === 0;
        }
        return {
          rop: "RopSetReadFlags",
          handleIndex: rop.inputHandleIndex,
          returnValue: 0,
          partialCompletion: false,
        };
      }
      case "RopSetMessageReadFlag": {
        const object = get(rop.inputHandleIndex);
        if (object?.kind !== "message") return fail(EC_NULL_OBJECT, rop.responseHandleIndex);
        const read = (rop.readFlags & 0x04) === 0;
        const changed = object.message.read !== read;
        object.message.read = read;
        return changed
          ? {
              rop: "RopSetMessageReadFlag",
              handleIndex: rop.responseHandleIndex,
              returnValue: 0,
              readStatusChanged: true,
              logonId: 0,
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
        if (source?.kind !== "folder" || destination?.kind !== "folder")
          return fail(EC_NULL_OBJECT, rop.sourceHandleIndex);
        for (const id of rop.messageIds) {
          const m = this.mailbox.messages.find((x) => x.id === id && x.folderId === source.folderId);
          if (!m) continue;
          if (rop.wantCopy)
            this.mailbox.messages.push({ ...m, id: m.id + 0x10000n, folderId: destination.folderId });
          else m.folderId = destination.folderId;
        }
        return {
          rop: "RopMoveCopyMessages",
          handleIndex: rop.sourceHandleIndex,
          returnValue: 0,
          partialCompletion: false,
        };
      }
      case "RopDeleteMessages":
      case "RopHardDeleteMessages": {
        const folder = get(rop.inputHandleIndex);
        if (folder?.kind !== "folder") return fail(EC_NULL_OBJECT, rop.inputHandleIndex);
        const ids = new Set(rop.messageIds);
        this.mailbox.messages = this.mailbox.messages.filter(
          (m) => !(ids.has(m.id) && m.folderId === folder.folderId),
        );
        return {
          rop: rop.rop,
          handleIndex: rop.inputHandleIndex,
          returnValue: 0,
          partialCompletion: false,
        } as RopAnswer;
      }
      default:
        return fail(0x80040102 /* ecNotSupported */, 0);
    }
  }
}

function smtpRecipient(r: FakeRecipient): RecipientRow {
  // Type SMTP, DisplayName and EmailAddress present, Unicode strings (MS-OXCDATA 2.8.3.1).
  return {
    recipientFlags: 0x0003 | 0x0010 | 0x0008 | 0x0200,
    displayName: r.displayName,
    emailAddress: r.emailAddress,
    recipientColumnCount: 0,
    recipientProperties: { flagged: false, cells: [] },
  };
}
