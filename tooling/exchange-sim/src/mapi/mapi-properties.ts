import {
  type PropertyCell,
  type PropertyRow,
  type PropertyTag,
  propertyTagType,
  SessionTags,
} from "@mailwire/mapi";
import type { MailboxStore, StoreFolder, StoreMessage } from "../store/mailbox-store.js";
import type { MapiIds } from "./mapi-ids.js";

// How the store's folders and messages look as MAPI properties (MS-OXPROPS names).

/** Returned in a cell whose value exceeds PropertySizeLimit (MS-OXCPRPT 3.2.5.1). */
export const EC_NOT_ENOUGH_MEMORY = 0x8007000e;

export type PropertySource = Map<PropertyTag, unknown>;

/**
 * MAPI properties of stored messages that the fixture model has no field for (for example
 * PidTagRtfCompressed of an RTF-only message), by store message id. Shared by every session
 * of one endpoint, as the store is.
 */
export type MapiExtras = Map<string, Map<PropertyTag, unknown>>;

/** FILETIME ticks (100 ns since 1601). */
function fileTime(date: Date): bigint {
  return BigInt(date.getTime()) * 10000n + 116444736000000000n;
}

export function folderProperties(
  store: MailboxStore,
  ids: MapiIds,
  folder: StoreFolder,
  ipmSubtree: bigint,
): PropertySource {
  const messages = store.messages(folder.id);
  return new Map<PropertyTag, unknown>([
    [SessionTags.PidTagFolderId, ids.id(folder.id)],
    [SessionTags.PidTagParentFolderId, folder.parentId === undefined ? ipmSubtree : ids.id(folder.parentId)],
    [SessionTags.PidTagDisplayName, folder.displayName],
    [SessionTags.PidTagContentCount, messages.length],
    [SessionTags.PidTagContentUnreadCount, messages.filter((m) => !m.flags.seen).length],
    [SessionTags.PidTagSubfolders, store.childFolders(folder.id).length > 0],
    [SessionTags.PidTagContainerClass, "IPF.Note"],
  ]);
}

export function messageProperties(ids: MapiIds, message: StoreMessage, extras?: MapiExtras): PropertySource {
  const f = message.fixture;
  const flags = (message.flags.seen ? 0x01 : 0) | (f.attachments.length > 0 ? 0x10 : 0);
  const properties = new Map<PropertyTag, unknown>([
    [SessionTags.PidTagMid, ids.id(message.id)],
    [SessionTags.PidTagFolderId, ids.id(message.folderId)],
    [SessionTags.PidTagSubject, f.subject],
    [SessionTags.PidTagSenderName, f.from.name ?? f.from.address],
    [SessionTags.PidTagSenderEmailAddress, f.from.address],
    [SessionTags.PidTagMessageDeliveryTime, fileTime(f.date)],
    [SessionTags.PidTagMessageFlags, flags],
    [SessionTags.PidTagMessageSize, message.raw.byteLength],
    [SessionTags.PidTagHasAttachments, f.attachments.length > 0],
    [SessionTags.PidTagInternetMessageId, f.messageId],
    [SessionTags.PidTagBody, f.text],
    [SessionTags.PidTagHtml, f.html === undefined ? undefined : Buffer.from(f.html, "utf8")],
  ]);
  for (const [tag, value] of extras?.get(message.id) ?? []) properties.set(tag, value);
  return properties;
}

export function attachmentProperties(message: StoreMessage): PropertySource[] {
  return message.fixture.attachments.map(
    (a, i) =>
      new Map<PropertyTag, unknown>([
        [SessionTags.PidTagAttachNumber, i],
        [SessionTags.PidTagAttachLongFilename, a.name],
        [SessionTags.PidTagAttachSize, a.bytes.length],
        [SessionTags.PidTagAttachMimeTag, a.contentType],
        [SessionTags.PidTagAttachContentId, a.contentId],
        [SessionTags.PidTagAttachMethod, 1],
      ]),
  );
}

function valueSize(value: unknown): number {
  if (typeof value === "string") return value.length * 2 + 2;
  if (value instanceof Uint8Array) return value.length;
  return 8;
}

/**
 * A row laid out by `columns`: standard when every column has a value, flagged otherwise
 * (MS-OXCDATA 2.8.1), with NotEnoughMemory for values over `sizeLimit`.
 */
export function propertyRow(
  columns: readonly PropertyTag[],
  source: PropertySource,
  sizeLimit?: number,
): PropertyRow {
  const cells: PropertyCell[] = columns.map((tag) => {
    const type = propertyTagType(tag);
    const value = source.get(tag);
    if (value === undefined) return { kind: "notFound", type };
    if (sizeLimit !== undefined && valueSize(value) > sizeLimit)
      return { kind: "error", type, errorCode: EC_NOT_ENOUGH_MEMORY };
    return { kind: "value", type, value: value as never };
  });
  return { flagged: cells.some((c) => c.kind !== "value"), cells };
}
