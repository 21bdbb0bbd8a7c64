import { decodeFolderEntryId } from "../data/entry-id.js";
import { makeId } from "../data/ids.js";
import { type PropertyTag, propertyTag } from "../data/property-tag.js";
import { PropertyType } from "../data/property-type.js";
import type { RopBatch, RopBatchResult } from "./rop-batch.js";
import { RowView } from "./row-values.js";
import type { MailboxInfo } from "./session-types.js";

/**
 * What a folder is for. The logon names Inbox, Outbox, Sent Items and Deleted Items by FID
 * (MS-OXCSTOR 2.2.1.1.3); the others are entry ids on the Inbox (MS-OXOSFLD 2.2.3, 2.2.4).
 */
export type MapiFolderRole =
  | "inbox"
  | "outbox"
  | "sentItems"
  | "deletedItems"
  | "drafts"
  | "calendar"
  | "contacts"
  | "journal"
  | "notes"
  | "tasks"
  | "conflicts"
  | "syncIssues"
  | "localFailures"
  | "serverFailures"
  | "junk";

/** The single-valued special-folder entry ids (MS-OXOSFLD 2.2.3, tags from MS-OXPROPS). */
export const SpecialFolderTags = {
  PidTagIpmAppointmentEntryId: propertyTag(0x36d0, PropertyType.PtypBinary),
  PidTagIpmContactEntryId: propertyTag(0x36d1, PropertyType.PtypBinary),
  PidTagIpmJournalEntryId: propertyTag(0x36d2, PropertyType.PtypBinary),
  PidTagIpmNoteEntryId: propertyTag(0x36d3, PropertyType.PtypBinary),
  PidTagIpmTaskEntryId: propertyTag(0x36d4, PropertyType.PtypBinary),
  PidTagIpmDraftsEntryId: propertyTag(0x36d7, PropertyType.PtypBinary),
  /** MS-OXOSFLD 2.2.4: an array of entry ids, by index (see ADDITIONAL_REN_ROLES). */
  PidTagAdditionalRenEntryIds: propertyTag(0x36d8, PropertyType.PtypMultipleBinary),
} as const satisfies Record<string, PropertyTag>;

const SINGLE_ROLES: readonly (readonly [PropertyTag, MapiFolderRole])[] = [
  [SpecialFolderTags.PidTagIpmDraftsEntryId, "drafts"],
  [SpecialFolderTags.PidTagIpmAppointmentEntryId, "calendar"],
  [SpecialFolderTags.PidTagIpmContactEntryId, "contacts"],
  [SpecialFolderTags.PidTagIpmJournalEntryId, "journal"],
  [SpecialFolderTags.PidTagIpmNoteEntryId, "notes"],
  [SpecialFolderTags.PidTagIpmTaskEntryId, "tasks"],
];

/** MS-OXOSFLD 2.2.4: the folder at each index of PidTagAdditionalRenEntryIds; other indexes are ignored. */
const ADDITIONAL_REN_ROLES: readonly MapiFolderRole[] = [
  "conflicts",
  "syncIssues",
  "localFailures",
  "serverFailures",
  "junk",
];

const SPECIAL_FOLDER_COLUMNS: readonly PropertyTag[] = [
  ...SINGLE_ROLES.map(([tag]) => tag),
  SpecialFolderTags.PidTagAdditionalRenEntryIds,
];

/**
 * The FID a folder entry id names, when its database GUID is the mailbox's own replica
 * (MS-OXCDATA 2.2.4.1: FID = ReplicaId + GlobalCounter). Anything else (a malformed value,
 * another replica) is skipped: a role is a hint, never a reason to fail.
 */
function folderIdFromEntryId(bytes: unknown, mailbox: MailboxInfo): bigint | undefined {
  if (!(bytes instanceof Uint8Array)) return undefined;
  try {
    const entry = decodeFolderEntryId(bytes);
    if (entry.databaseGuid.toLowerCase() !== mailbox.replGuid.toLowerCase()) return undefined;
    return makeId({ replicaId: mailbox.replId, globalCounter: entry.globalCounter });
  } catch {
    return undefined;
  }
}

/** The roles the logon already names by FID. */
export function logonRoles(mailbox: MailboxInfo): Map<bigint, MapiFolderRole> {
  const { inbox, outbox, sentItems, deletedItems } = mailbox.folders;
  return new Map<bigint, MapiFolderRole>([
    [inbox, "inbox"],
    [outbox, "outbox"],
    [sentItems, "sentItems"],
    [deletedItems, "deletedItems"],
  ]);
}

/** Roles by FID from a row of SPECIAL_FOLDER_COLUMNS read on the Inbox, the logon's own added. */
export function specialFolderRoles(
  row: RowView | undefined,
  mailbox: MailboxInfo,
): Map<bigint, MapiFolderRole> {
  const roles = new Map<bigint, MapiFolderRole>();
  if (row !== undefined) {
    for (const [tag, role] of SINGLE_ROLES) {
      const id = folderIdFromEntryId(row.value(tag), mailbox);
      if (id !== undefined) roles.set(id, role);
    }
    const additional = row.value(SpecialFolderTags.PidTagAdditionalRenEntryIds);
    if (Array.isArray(additional)) {
      ADDITIONAL_REN_ROLES.forEach((role, index) => {
        const id = folderIdFromEntryId(additional[index], mailbox);
        if (id !== undefined) roles.set(id, role);
      });
    }
  }
  // The logon's FIDs are authoritative where an entry id says otherwise.
  for (const [id, role] of logonRoles(mailbox)) roles.set(id, role);
  return roles;
}

/**
 * Queues, on the logon's slot, RopOpenFolder of the Inbox, RopGetPropertiesSpecific of the
 * special-folder entry ids and RopRelease; the returned reader turns the answer into roles.
 * A failure (a server without these properties, an Inbox it will not open) yields the
 * logon's roles only.
 */
export function queueSpecialFolders(
  batch: RopBatch,
  logonSlot: number,
  mailbox: MailboxInfo,
): (result: RopBatchResult) => Map<bigint, MapiFolderRole> {
  const inboxSlot = batch.output();
  const open = batch.add({
    rop: "RopOpenFolder",
    logonId: 0,
    inputHandleIndex: logonSlot,
    outputHandleIndex: inboxSlot,
    folderId: mailbox.folders.inbox,
    openModeFlags: 0,
  });
  const get = batch.add({
    rop: "RopGetPropertiesSpecific",
    logonId: 0,
    inputHandleIndex: inboxSlot,
    propertySizeLimit: 0,
    wantUnicode: 1,
    propertyTags: SPECIAL_FOLDER_COLUMNS,
  });
  batch.add({ rop: "RopRelease", logonId: 0, inputHandleIndex: inboxSlot });
  return (result) => {
    if (result.maybeFailed(open, "RopOpenFolder").returnValue !== 0)
      return specialFolderRoles(undefined, mailbox);
    const answer = result.maybeFailed(get, "RopGetPropertiesSpecific");
    const row =
      answer.returnValue === 0 && answer.row ? new RowView(SPECIAL_FOLDER_COLUMNS, answer.row) : undefined;
    return specialFolderRoles(row, mailbox);
  };
}
