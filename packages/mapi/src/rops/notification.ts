import { type ByteReader, type ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import { readString8, readUnicodeString, writeString8, writeUnicodeString } from "../data/strings.js";
import { type Request, type Response, type RopDefinition, schemaRop } from "./rop-definition.js";
import { RopId } from "./rop-id.js";

/** NotificationType bits of NotificationFlags (MS-OXCNOTIF 2.2.1.4.1.2), plus the T/U/S/M modifiers. */
export const NotificationType = {
  NewMail: 0x0002,
  ObjectCreated: 0x0004,
  ObjectDeleted: 0x0008,
  ObjectModified: 0x0010,
  ObjectMoved: 0x0020,
  ObjectCopied: 0x0040,
  SearchComplete: 0x0080,
  TableModified: 0x0100,
  Extended: 0x0400,
  /** TotalMessageCount present. */
  T: 0x1000,
  /** UnreadMessageCount present. */
  U: 0x2000,
  /** The object is in a search folder. */
  S: 0x4000,
  /** The object is a message (else a folder). */
  M: 0x8000,
} as const;

/** TableEventType (MS-OXCNOTIF 2.2.1.4.1.2). */
export const TableEventType = {
  TableChanged: 0x0001,
  TableRowAdded: 0x0003,
  TableRowDeleted: 0x0004,
  TableRowModified: 0x0005,
  TableRestrictionChanged: 0x0007,
} as const;

/** RopRegisterNotification NotificationTypes byte (MS-OXCNOTIF 2.2.1.2.1). */
export const NotificationTypesMask = {
  NewMail: 0x02,
  ObjectCreated: 0x04,
  ObjectDeleted: 0x08,
  ObjectModified: 0x10,
  ObjectMoved: 0x20,
  ObjectCopied: 0x40,
  SearchComplete: 0x80,
} as const;

export type RopRegisterNotificationRequest = Request<
  "RopRegisterNotification",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly outputHandleIndex: number;
    readonly notificationTypes: number;
    readonly reserved: number;
    /** Without the whole store, the folder and message to watch (MS-OXCROPS 2.2.14.1.1). */
    readonly target: { readonly folderId: bigint; readonly messageId: bigint } | null;
  }
>;

/** RopRegisterNotification (MS-OXCROPS 2.2.14.1). */
export const ropRegisterNotification: RopDefinition<
  RopRegisterNotificationRequest,
  Response<"RopRegisterNotification", object>
> = {
  name: "RopRegisterNotification",
  ropId: RopId.RopRegisterNotification,
  writeRequest(writer, r) {
    writer
      .u8(r.logonId)
      .u8(r.inputHandleIndex)
      .u8(r.outputHandleIndex)
      .u8(r.notificationTypes)
      .u8(r.reserved);
    if (r.target === null) writer.u8(1);
    else writer.u8(0).u64(r.target.folderId).u64(r.target.messageId);
  },
  readRequest(reader) {
    const head = {
      logonId: reader.u8(),
      inputHandleIndex: reader.u8(),
      outputHandleIndex: reader.u8(),
      notificationTypes: reader.u8(),
      reserved: reader.u8(),
    };
    const wholeStore = reader.u8() !== 0;
    const target = wholeStore ? null : { folderId: reader.u64(), messageId: reader.u64() };
    return { rop: "RopRegisterNotification", ...head, target };
  },
  response: schemaRop("RopRegisterNotification", [], []).response as never,
};

/**
 * NotificationData (MS-OXCNOTIF 2.2.1.4.1.2). Which fields exist follows from
 * NotificationFlags and TableEventType; TableRowData stays raw because its columns are the
 * table's, known only to the session.
 */
export interface NotificationData {
  readonly notificationFlags: number;
  readonly tableEventType?: number;
  readonly tableRowFolderId?: bigint;
  readonly tableRowMessageId?: bigint;
  readonly tableRowInstance?: number;
  readonly insertAfterTableRowFolderId?: bigint;
  readonly insertAfterTableRowId?: bigint;
  readonly insertAfterTableRowInstance?: number;
  readonly tableRowData?: Uint8Array;
  readonly folderId?: bigint;
  readonly messageId?: bigint;
  readonly parentFolderId?: bigint;
  readonly oldFolderId?: bigint;
  readonly oldMessageId?: bigint;
  readonly oldParentFolderId?: bigint;
  /** Changed property tags; null when the server says "all" (TagCount 0xFFFF). */
  readonly tags?: readonly number[] | null;
  readonly totalMessageCount?: number;
  readonly unreadMessageCount?: number;
  readonly messageFlags?: number;
  readonly unicodeFlag?: boolean;
  readonly messageClass?: string;
}

/** The presence rules, shared by the reader and the writer so they cannot disagree. */
function layout(flags: number, tableEventType: number | undefined) {
  const has = (bit: number): boolean => (flags & bit) !== 0;
  const isMessage = has(NotificationType.M);
  const table = has(NotificationType.TableModified);
  const rowEvent =
    tableEventType === TableEventType.TableRowAdded ||
    tableEventType === TableEventType.TableRowDeleted ||
    tableEventType === TableEventType.TableRowModified;
  const rowAddedOrModified =
    tableEventType === TableEventType.TableRowAdded || tableEventType === TableEventType.TableRowModified;
  const movedOrCopied = has(NotificationType.ObjectMoved) || has(NotificationType.ObjectCopied);
  const createdDeletedMovedCopied =
    has(NotificationType.ObjectCreated) || has(NotificationType.ObjectDeleted) || movedOrCopied;
  const isFolder = !has(NotificationType.S) && !isMessage;
  const searchMessage = has(NotificationType.S) && isMessage;
  const objectEvent = !table && !has(NotificationType.Extended);
  return {
    table,
    tableRowFolderId: table && rowEvent,
    tableRowMessage: table && rowEvent && isMessage,
    insertAfterMessage: table && rowAddedOrModified && isMessage,
    tableRowData: table && rowAddedOrModified,
    folderId: objectEvent,
    messageId: objectEvent && isMessage,
    parentFolderId: createdDeletedMovedCopied && (searchMessage || isFolder),
    oldFolderId: movedOrCopied,
    oldMessageId: movedOrCopied && isMessage,
    oldParentFolderId: movedOrCopied && !isMessage,
    tags: has(NotificationType.ObjectCreated) || has(NotificationType.ObjectModified),
    total: has(NotificationType.T),
    unread: has(NotificationType.U),
    newMail: has(NotificationType.NewMail),
  };
}

export function readNotificationData(reader: ByteReader): NotificationData {
  const flags = reader.u16();
  const out: Record<string, unknown> = { notificationFlags: flags };
  let tableEventType: number | undefined;
  if (flags & NotificationType.TableModified) {
    tableEventType = reader.u16();
    out.tableEventType = tableEventType;
  }
  const l = layout(flags, tableEventType);
  if (l.tableRowFolderId) out.tableRowFolderId = reader.u64();
  if (l.tableRowMessage) {
    out.tableRowMessageId = reader.u64();
    out.tableRowInstance = reader.u32();
  }
  if (l.insertAfterMessage) {
    out.insertAfterTableRowFolderId = reader.u64();
    out.insertAfterTableRowId = reader.u64();
    out.insertAfterTableRowInstance = reader.u32();
  }
  if (l.tableRowData) out.tableRowData = reader.bytesCopy(reader.u16());
  if (l.folderId) out.folderId = reader.u64();
  if (l.messageId) out.messageId = reader.u64();
  if (l.parentFolderId) out.parentFolderId = reader.u64();
  if (l.oldFolderId) out.oldFolderId = reader.u64();
  if (l.oldMessageId) out.oldMessageId = reader.u64();
  if (l.oldParentFolderId) out.oldParentFolderId = reader.u64();
  if (l.tags) {
    const offset = reader.offset;
    const count = reader.u16();
    if (count === 0xffff) out.tags = null;
    else {
      if (count * 4 > reader.remaining) throw new ParseError(`TagCount ${count} cannot fit`, { offset });
      const tags: number[] = [];
      for (let i = 0; i < count; i++) tags.push(reader.u32());
      out.tags = tags;
    }
  }
  if (l.total) out.totalMessageCount = reader.u32();
  if (l.unread) out.unreadMessageCount = reader.u32();
  if (l.newMail) {
    out.messageFlags = reader.u32();
    const unicode = reader.u8() !== 0;
    out.unicodeFlag = unicode;
    out.messageClass = unicode
      ? readUnicodeString(reader, "MessageClass")
      : readString8(reader, "MessageClass");
  }
  return out as unknown as NotificationData;
}

function need<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new InvalidArgumentError(`NotificationFlags call for ${name}`);
  return value;
}

export function writeNotificationData(writer: ByteWriter, n: NotificationData): void {
  writer.u16(n.notificationFlags);
  if (n.notificationFlags & NotificationType.TableModified)
    writer.u16(need(n.tableEventType, "tableEventType"));
  const l = layout(n.notificationFlags, n.tableEventType);
  if (l.tableRowFolderId) writer.u64(need(n.tableRowFolderId, "tableRowFolderId"));
  if (l.tableRowMessage)
    writer
      .u64(need(n.tableRowMessageId, "tableRowMessageId"))
      .u32(need(n.tableRowInstance, "tableRowInstance"));
  if (l.insertAfterMessage) {
    writer.u64(need(n.insertAfterTableRowFolderId, "insertAfterTableRowFolderId"));
    writer.u64(need(n.insertAfterTableRowId, "insertAfterTableRowId"));
    writer.u32(need(n.insertAfterTableRowInstance, "insertAfterTableRowInstance"));
  }
  if (l.tableRowData) {
    const data = need(n.tableRowData, "tableRowData");
    writer.u16(data.length).bytes(data);
  }
  if (l.folderId) writer.u64(need(n.folderId, "folderId"));
  if (l.messageId) writer.u64(need(n.messageId, "messageId"));
  if (l.parentFolderId) writer.u64(need(n.parentFolderId, "parentFolderId"));
  if (l.oldFolderId) writer.u64(need(n.oldFolderId, "oldFolderId"));
  if (l.oldMessageId) writer.u64(need(n.oldMessageId, "oldMessageId"));
  if (l.oldParentFolderId) writer.u64(need(n.oldParentFolderId, "oldParentFolderId"));
  if (l.tags) {
    const tags = need(n.tags, "tags");
    if (tags === null) writer.u16(0xffff);
    else {
      writer.u16(tags.length);
      for (const tag of tags) writer.u32(tag);
    }
  }
  if (l.total) writer.u32(need(n.totalMessageCount, "totalMessageCount"));
  if (l.unread) writer.u32(need(n.unreadMessageCount, "unreadMessageCount"));
  if (l.newMail) {
    const unicode = need(n.unicodeFlag, "unicodeFlag");
    writer.u32(need(n.messageFlags, "messageFlags")).u8(unicode ? 1 : 0);
    if (unicode) writeUnicodeString(writer, need(n.messageClass, "messageClass"));
    else writeString8(writer, need(n.messageClass, "messageClass"));
  }
}

/** RopNotify (MS-OXCROPS 2.2.14.2): server-initiated, answers no request. */
export interface RopNotifyResponse {
  readonly rop: "RopNotify";
  readonly notificationHandle: number;
  readonly logonId: number;
  readonly notificationData: NotificationData;
}

/** RopPending (MS-OXCROPS 2.2.14.3): more notifications wait on the server. */
export interface RopPendingResponse {
  readonly rop: "RopPending";
  readonly sessionIndex: number;
}
