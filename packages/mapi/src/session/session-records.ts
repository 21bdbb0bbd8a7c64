import type { LogonPrivateMailbox } from "../rops/logon.js";
import { fileTimeToDate, type RowView } from "./row-values.js";
import { MessageFlag, SessionTags } from "./session-tags.js";
import type { FolderInfo, MailboxFolderIds, MailboxInfo, MessageSummary } from "./session-types.js";

// What the session's tables and logon return, as the records it hands to callers.

const FOLDER_KEYS: readonly (keyof MailboxFolderIds)[] = [
  "root",
  "deferredAction",
  "spoolerQueue",
  "ipmSubtree",
  "inbox",
  "outbox",
  "sentItems",
  "deletedItems",
  "commonViews",
  "schedule",
  "finder",
  "views",
  "shortcuts",
];

export function mailboxInfo(logon: LogonPrivateMailbox): MailboxInfo {
  const folders: Partial<Record<keyof MailboxFolderIds, bigint>> = {};
  FOLDER_KEYS.forEach((key, i) => {
    folders[key] = logon.folderIds[i] ?? 0n;
  });
  return {
    folders: folders as MailboxFolderIds,
    mailboxGuid: logon.mailboxGuid,
    replId: logon.replId,
    replGuid: logon.replGuid,
  };
}

export function folderInfo(row: RowView): FolderInfo {
  return {
    folderId: row.bigint(SessionTags.PidTagFolderId) ?? 0n,
    parentFolderId: row.bigint(SessionTags.PidTagParentFolderId) ?? 0n,
    displayName: row.string(SessionTags.PidTagDisplayName) ?? "",
    contentCount: row.number(SessionTags.PidTagContentCount) ?? 0,
    unreadCount: row.number(SessionTags.PidTagContentUnreadCount) ?? 0,
    hasSubfolders: row.boolean(SessionTags.PidTagSubfolders) ?? false,
    containerClass: row.string(SessionTags.PidTagContainerClass),
  };
}

export function messageSummary(row: RowView): MessageSummary {
  return {
    messageId: row.bigint(SessionTags.PidTagMid) ?? 0n,
    folderId: row.bigint(SessionTags.PidTagFolderId) ?? 0n,
    subject: row.string(SessionTags.PidTagSubject) ?? "",
    senderName: row.string(SessionTags.PidTagSenderName),
    senderEmailAddress: row.string(SessionTags.PidTagSenderEmailAddress),
    deliveryTime: fileTimeToDate(row.value(SessionTags.PidTagMessageDeliveryTime)),
    read: ((row.number(SessionTags.PidTagMessageFlags) ?? 0) & MessageFlag.mfRead) !== 0,
    size: row.number(SessionTags.PidTagMessageSize),
    hasAttachments: row.boolean(SessionTags.PidTagHasAttachments) ?? false,
    properties: row.toMap(),
  };
}
