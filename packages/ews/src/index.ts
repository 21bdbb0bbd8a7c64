// Public surface of @mailwire/ews. Names are listed explicitly (no `export *`).
export { createEwsClient, EwsClient } from "./client/ews-client.js";
export {
  type EwsClientOptions,
  PAYLOAD_SLOT,
  type SoapCallOptions,
  SoapClient,
  type StreamedRequest,
} from "./client/soap-client.js";
export { EwsLimits, type EwsLimitsShape } from "./limits.js";
export { type EwsFolder, readFolder } from "./model/folder.js";
export {
  DistinguishedFolderName,
  type FolderRef,
  folderIdNode,
  type ItemId,
  itemIdNode,
} from "./model/ids.js";
export {
  decodeBase64Text,
  type EwsAttachmentInfo,
  type EwsBody,
  type EwsExtendedPropertyValue,
  type EwsItem,
  type EwsMailbox,
  readItem,
} from "./model/item.js";
export {
  MEETING_RESPONSE_TYPES,
  type MeetingMessageClass,
  type MeetingMessageDetails,
  type MeetingResponseType,
  meetingMessageClass,
  readMeetingDetails,
} from "./model/meeting-messages.js";
export {
  type CalendarDetails,
  type ContactDetails,
  calendarItemNode,
  contactNode,
  type NewCalendarItem,
  type NewContact,
  type NewTask,
  type OccurrenceInfo,
  readCalendarDetails,
  readContactDetails,
  readTaskDetails,
  type TaskDetails,
  type TaskStatus,
  taskNode,
} from "./model/pim-items.js";
export {
  type ExtendedProperty,
  type MapiPropertyType,
  type PropertyPath,
  propertyPathNode,
} from "./model/property-path.js";
export {
  DAY_OF_WEEK_INDEXES,
  DAYS_OF_WEEK,
  type DayOfWeek,
  type DayOfWeekIndex,
  MONTHS,
  type Month,
  type OtherRecurrencePart,
  RELATIVE_DAYS,
  type Recurrence,
  type RecurrencePattern,
  type RecurrenceRange,
  type RelativeDay,
  readRecurrence,
  recurrenceNode,
} from "./model/recurrence.js";
export {
  type ComparisonOperator,
  type Restriction,
  restrictionNode,
  type SortField,
  sortOrderNode,
} from "./model/restriction.js";
export {
  type BaseShape,
  type FolderShape,
  folderShapeNode,
  type ItemShape,
  itemShapeNode,
} from "./model/shape.js";
export { EventType, type EwsEvent, type EwsNotification } from "./notifications/events.js";
export type { StreamEventsOptions, StreamNotice } from "./notifications/stream-events.js";
export type { PullSubscription, SubscribeOptions } from "./notifications/subscriptions.js";
export type { CreatedAttachment, NewFileAttachment } from "./operations/attachments.js";
export {
  type MessageDisposition,
  messageNode,
  type NewMessage,
  type Recipient,
} from "./operations/create-item.js";
export type {
  DistributionListMember,
  DistributionListRef,
  ExpandDLResult,
} from "./operations/expand-dl.js";
export {
  type ExportedItem,
  exportItemBody,
  type UploadAction,
  type UploadItem,
} from "./operations/export-upload.js";
export type { FindFoldersOptions } from "./operations/find-folder.js";
export { type FindItemsOptions, findItemBody } from "./operations/find-item.js";
export { type DeleteType, getFolderBody } from "./operations/folders.js";
export type { AttachmentDownload } from "./operations/get-attachment.js";
export { getItemBody } from "./operations/get-item.js";
export {
  type Availability,
  type AvailabilityOptions,
  availabilityBody,
  type BusyType,
  type CalendarEvent,
  type FreeBusyView,
} from "./operations/get-user-availability.js";
export {
  type AttachmentShape,
  type EmbeddedItem,
  type FetchedAttachment,
  type NewItemAttachment,
  readFetchedAttachment,
} from "./operations/item-attachments.js";
export type {
  MeetingCancellation,
  MeetingResponse,
  MeetingResponseKind,
} from "./operations/meeting-responses.js";
export type { Page } from "./operations/paging.js";
export type { CalendarViewOptions } from "./operations/pim-operations.js";
export type { Resolution, ResolveNamesResult } from "./operations/resolve-names.js";
export type { FolderChange, SyncFolderHierarchyResult } from "./operations/sync-folder-hierarchy.js";
export {
  type ItemChange,
  type SyncFolderItemsOptions,
  type SyncFolderItemsResult,
  syncFolderItemsBody,
} from "./operations/sync-folder-items.js";
export { type ItemUpdate, itemChangeNode } from "./operations/update-item.js";
export {
  type ConflictResolution,
  calendarItemChangeNode,
  contactChangeNode,
  type PimUpdate,
  taskChangeNode,
} from "./operations/update-pim-items.js";
export { buildEnvelope, type EnvelopeOptions, type Impersonation } from "./soap/envelope.js";
export { EwsResponseError, ewsErrorFor } from "./soap/ews-response-error.js";
export { Namespace } from "./soap/namespaces.js";
export {
  type EwsResult,
  readResponseMessages,
  readSoapResponse,
  type SoapResponse,
} from "./soap/parse-response.js";
export {
  ExchangeVersion,
  negotiateVersion,
  readServerVersion,
  type ServerVersionInfo,
} from "./soap/server-version.js";
export { Base64Decoder } from "./streaming/base64-decoder.js";
export { type ByteSource, base64Chunks } from "./streaming/base64-encoder.js";
export { type StreamedContent, streamContent } from "./streaming/content-stream.js";
export { EnvelopeSplitter } from "./streaming/envelope-splitter.js";
export { parseXml } from "./xml/parse-xml.js";
export {
  element,
  escapeXmlAttribute,
  escapeXmlText,
  type RawXml,
  rawXml,
  serializeXml,
  textElement,
  type XmlNode,
} from "./xml/serialize-xml.js";
export {
  childElement,
  childElements,
  childText,
  pathElement,
  type XmlElement,
} from "./xml/xml-element.js";
