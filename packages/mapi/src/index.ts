// Public surface of @mailwire/mapi. Names are listed explicitly (no `export *`) so that
// every addition is a deliberate, reviewable API change.

export {
  AddressBookObjectType,
  AddressBookTags,
  DisplayType,
  NspiErrorCode,
  NspiFlag,
  nspiErrorName,
  ResolveResult,
} from "./addressbook/nspi-constants.js";
export { decodeNspiEntryId, encodeNspiEntryId, type NspiEntryId } from "./addressbook/nspi-entry-id.js";
export {
  CP_WINUNICODE,
  createStat,
  MidPosition,
  readStat,
  SortType,
  STAT_LENGTH,
  type Stat,
  writeStat,
} from "./addressbook/stat.js";
export {
  type AuxBlock,
  AuxType,
  AuxVersion,
  ClientControlFlag,
  decodeAuxBlocks,
  ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT,
  encodeAuxBlocks,
  ServerCapabilityFlag,
} from "./auxiliary/aux-blocks.js";
export { decodeAuxiliaryBuffer, encodeAuxiliaryBuffer } from "./auxiliary/aux-buffer.js";
export {
  type CompressLz77Options,
  compressLz77,
  maxCompressedLz77Size,
} from "./compression/lz77-compress.js";
export { type DecompressLz77Options, decompressLz77 } from "./compression/lz77-decompress.js";
export { XOR_MAGIC, xorMagic } from "./compression/obfuscation.js";
export {
  type DecodedRpcHeaderExtChain,
  type DecodeRpcHeaderExtChainOptions,
  decodeRpcHeaderExt,
  decodeRpcHeaderExtChain,
  type EncodeRpcHeaderExtOptions,
  encodeRpcHeaderExt,
  encodeRpcHeaderExtChain,
  encodeRpcHeaderExtSegment,
  RPC_HEADER_EXT_LENGTH,
  RPC_HEADER_EXT_VERSION,
  type RpcHeaderExt,
  RpcHeaderExtFlag,
} from "./compression/rpc-header-ext.js";
export {
  ADDRESS_BOOK_PROVIDER_UID,
  type AddressBookEntryId,
  AddressBookEntryIdType,
  decodeAddressBookEntryId,
  decodeFolderEntryId,
  decodeMessageEntryId,
  encodeAddressBookEntryId,
  encodeFolderEntryId,
  encodeMessageEntryId,
  FOLDER_ENTRY_ID_LENGTH,
  type FolderEntryId,
  MESSAGE_ENTRY_ID_LENGTH,
  type MessageEntryId,
  StoreObjectType,
} from "./data/entry-id.js";
export { type Guid, guidFromBytes, guidToBytes, readGuid, writeGuid } from "./data/guid.js";
export {
  type FolderId,
  globalCounterBytes,
  globalCounterFromBytes,
  type IdParts,
  LONG_TERM_ID_LENGTH,
  type LongTermId,
  type MessageId,
  makeId,
  readLongTermId,
  splitId,
  writeLongTermId,
} from "./data/ids.js";
export {
  type PropertyName,
  PropertyNameKind,
  PropertySet,
  readPropertyName,
  writePropertyName,
} from "./data/property-name.js";
export {
  type PropertyProblem,
  readPropertyProblems,
  writePropertyProblems,
} from "./data/property-problem.js";
export {
  type PropertyCell,
  type PropertyRow,
  PropertyRowFlag,
  PropertyValueFlag,
  readPropertyRow,
  readPropertyRowSet,
  readPropertyRows,
  rowToMap,
  writePropertyRow,
  writePropertyRowSet,
} from "./data/property-row.js";
export {
  formatPropertyTag,
  isNamedPropertyId,
  type PropertyTag,
  PropertyTags,
  propertyTag,
  propertyTagId,
  propertyTagType,
} from "./data/property-tag.js";
export {
  cellValueType,
  isKnownPropertyType,
  isMultiValuedType,
  MULTI_VALUE_FLAG,
  MULTI_VALUE_INSTANCE_FLAG,
  PropertyType,
  type PropertyTypeCode,
  type PropertyTypeName,
  propertyTypeName,
} from "./data/property-type.js";
export {
  EXTENDED_CONTEXT,
  type MapiValue,
  type PropertyCodecContext,
  ROP_BUFFER_CONTEXT,
  readPropertyValue,
  readTaggedPropertyValue,
  readTypedPropertyValue,
  type TaggedPropertyValue,
  type TypedPropertyValue,
  writePropertyValue,
  writeTaggedPropertyValue,
  writeTypedPropertyValue,
} from "./data/property-value.js";
export {
  RecipientAddressType,
  RecipientFlag,
  type RecipientRow,
  readRecipientRow,
  writeRecipientRow,
} from "./data/recipient-row.js";
export {
  BitmapRelOp,
  FuzzyLevelHigh,
  FuzzyLevelLow,
  RelOp,
  type Restriction,
  RestrictionType,
  readRestriction,
  writeRestriction,
} from "./data/restriction.js";
export {
  type RuleActionBlock,
  type RuleActions,
  readRuleActions,
  writeRuleActions,
} from "./data/rule-action.js";
export {
  readSortOrder,
  readSortOrderSet,
  type SortOrder,
  SortOrderDirection,
  type SortOrderSet,
  writeSortOrder,
  writeSortOrderSet,
} from "./data/sort-order.js";
export { readString8, readUnicodeString, writeString8, writeUnicodeString } from "./data/strings.js";
export { MapiLimits } from "./limits.js";
export type { BackoffRop, RopBackoffResponse, RopBufferTooSmallResponse } from "./rops/errors.js";
export type {
  GhostInfo,
  RopCreateFolderRequest,
  RopMoveCopyMessagesRequest,
  RopOpenFolderRequest,
} from "./rops/folder.js";
export {
  LOGON_FOLDER_ID_COUNT,
  LogonFlags,
  LogonOpenFlags,
  type LogonPrivateMailbox,
  type LogonPublicFolders,
  type LogonRedirect,
  type LogonTime,
  type RopLogonRequest,
  type RopLogonResponse,
} from "./rops/logon.js";
export {
  type ModifyRecipientRow,
  type OpenRecipientRow,
  READ_FLAG_CLIENT_DATA_LENGTH,
  type ReadRecipientRow,
  type RopOpenMessageRequest,
  type RopOpenMessageResponse,
  type TypedString,
  TypedStringType,
} from "./rops/message.js";
export { GetPropertyIdsFromNamesFlags } from "./rops/named-properties.js";
export {
  type NotificationData,
  NotificationType,
  NotificationTypesMask,
  type RopNotifyResponse,
  type RopPendingResponse,
  readNotificationData,
  TableEventType,
  writeNotificationData,
} from "./rops/notification.js";
export {
  type DecodeRopResponseOptions,
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  encodeRopRequestBuffer,
  encodeRopResponseBuffer,
  type RopAnswer,
  type RopRequest,
  type RopRequestBuffer,
  type RopResponse,
  type RopResponseBuffer,
  supportedRops,
} from "./rops/rop-buffer.js";
export type { RopResponseHeader } from "./rops/rop-definition.js";
export { RopId, type RopName, RopReturnValue } from "./rops/rop-id.js";
export { READ_STREAM_USE_MAXIMUM, StreamOpenMode } from "./rops/stream.js";
export {
  BookmarkOrigin,
  QueryRowsFlags,
  type RopFindRowRequest,
  type RopQueryRowsRequest,
  type RopQueryRowsResponse,
  TableFlags,
  TableStatus,
} from "./rops/table.js";
export {
  type CompressedRtfHeader,
  CompressedRtfType,
  type CompressRtfOptions,
  compressRtf,
  type DecompressRtfOptions,
  decompressRtf,
  RTF_PREBUILT_DICTIONARY,
  readCompressedRtfHeader,
} from "./rtf/compressed-rtf.js";
export { type RtfBody, type RtfBodyFormat, readRtfBody } from "./rtf/rtf-body.js";
export { compressedRtfCrc } from "./rtf/rtf-crc.js";
export { MAX_RTF_GROUP_DEPTH, type RtfToken, rtfTokens } from "./rtf/rtf-tokens.js";
export type {
  EmsmdbConnectInfo,
  EmsmdbTransport,
  TransportCallOptions,
} from "./session/emsmdb-transport.js";
export { LogonRedirectError, MapiErrorName, MapiRopError, SessionResetError } from "./session/errors.js";
export { MapiMessage, type MessageContent, type OpenMessageOptions } from "./session/mapi-message.js";
export {
  type CreatedMessage,
  type ListMessagesOptions,
  MapiSession,
  type MapiSessionOptions,
  type MapiSessionStats,
  type SendMessageOptions,
} from "./session/mapi-session.js";
export {
  DraftTags,
  folderServerId,
  type NewAttachment,
  type NewMessage,
  type NewRecipient,
} from "./session/message-draft.js";
export type { MapiNotification, NotificationsOptions } from "./session/notifications.js";
export { NO_HANDLE, RopBatch, RopBatchResult } from "./session/rop-batch.js";
export { dateToFileTime, fileTimeToDate } from "./session/row-values.js";
export { type MessageSearch, messageSearchRestriction, NEWEST_FIRST } from "./session/search-restriction.js";
export { MessageFlag, ReadFlags, SessionTags } from "./session/session-tags.js";
export type {
  AttachmentInfo,
  BodyPart,
  FolderInfo,
  MailboxFolderIds,
  MailboxInfo,
  MessageSummary,
  RecipientInfo,
  RecipientKind,
} from "./session/session-types.js";
export { type MapiFolderRole, SpecialFolderTags } from "./session/special-folders.js";
