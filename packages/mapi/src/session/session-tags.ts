import { PropertyTags } from "../data/property-tag.js";

/**
 * Property tags the session reads (MS-OXPROPS), beyond the codec's own `PropertyTags`.
 * String properties use PtypString (0x001F) so servers answer in UTF-16.
 */
export const SessionTags = {
  ...PropertyTags,
  PidTagParentFolderId: 0x67490014,
  PidTagContainerClass: 0x3613001f,
  PidTagSenderName: 0x0c1a001f,
  PidTagSenderEmailAddress: 0x0c1f001f,
  PidTagSenderSmtpAddress: 0x5d01001f,
  PidTagMessageSize: 0x0e080003,
  PidTagHasAttachments: 0x0e1b000b,
  PidTagInternetMessageId: 0x1035001f,
  PidTagAttachSize: 0x0e200003,
  PidTagAttachMimeTag: 0x370e001f,
  PidTagAttachContentId: 0x3712001f,
  PidTagAttachMethod: 0x37050003,
  /** MS-OXCMSG 2.2.1.58.4: the RTF body, compressed as MS-OXRTFCP specifies. */
  PidTagRtfCompressed: 0x10090102,
} as const;

/** The hierarchy-table columns `MapiSession.listFolders` asks for. */
export const FOLDER_COLUMNS = [
  SessionTags.PidTagFolderId,
  SessionTags.PidTagParentFolderId,
  SessionTags.PidTagDisplayName,
  SessionTags.PidTagContentCount,
  SessionTags.PidTagContentUnreadCount,
  SessionTags.PidTagSubfolders,
  SessionTags.PidTagContainerClass,
] as const;

/** The contents-table columns a message summary is made of. */
export const MESSAGE_SUMMARY_COLUMNS = [
  SessionTags.PidTagMid,
  SessionTags.PidTagFolderId,
  SessionTags.PidTagSubject,
  SessionTags.PidTagSenderName,
  SessionTags.PidTagSenderEmailAddress,
  SessionTags.PidTagMessageDeliveryTime,
  SessionTags.PidTagMessageFlags,
  SessionTags.PidTagMessageSize,
  SessionTags.PidTagHasAttachments,
] as const;

/** What `openMessage` reads with RopGetPropertiesSpecific. */
export const MESSAGE_CONTENT_COLUMNS = [
  SessionTags.PidTagSubject,
  SessionTags.PidTagSenderName,
  SessionTags.PidTagSenderEmailAddress,
  SessionTags.PidTagMessageDeliveryTime,
  SessionTags.PidTagMessageFlags,
  SessionTags.PidTagInternetMessageId,
  SessionTags.PidTagBody,
  SessionTags.PidTagHtml,
] as const;

/** Attachment-table columns (MS-OXCMSG 2.2.2). */
export const ATTACHMENT_COLUMNS = [
  SessionTags.PidTagAttachNumber,
  SessionTags.PidTagAttachLongFilename,
  SessionTags.PidTagAttachSize,
  SessionTags.PidTagAttachMimeTag,
  SessionTags.PidTagAttachContentId,
  SessionTags.PidTagAttachMethod,
] as const;

/** PidTagMessageFlags bits (MS-OXCMSG 2.2.1.6). */
export const MessageFlag = {
  mfRead: 0x00000001,
  mfUnsent: 0x00000008,
  mfHasAttach: 0x00000010,
} as const;

/** ReadFlags of RopSetReadFlags/RopSetMessageReadFlag (MS-OXCMSG 2.2.3.10.1). */
export const ReadFlags = {
  rfDefault: 0x00,
  rfSuppressReceipt: 0x01,
  rfClearReadFlag: 0x04,
  rfGenerateReceiptOnly: 0x10,
  rfClearNotifyRead: 0x20,
  rfClearNotifyUnread: 0x40,
} as const;

/** Error a GetPropertiesSpecific cell carries when the value exceeds PropertySizeLimit (MS-OXCPRPT 3.2.5.1). */
export const EC_NOT_ENOUGH_MEMORY = 0x8007000e;
