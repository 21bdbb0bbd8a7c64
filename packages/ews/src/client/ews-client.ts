import type { Readable } from "node:stream";
import type { EwsFolder } from "../model/folder.js";
import type { FolderRef, ItemId } from "../model/ids.js";
import type { EwsAttachmentInfo, EwsItem } from "../model/item.js";
import type { NewCalendarItem, NewContact, NewTask } from "../model/pim-items.js";
import type { FolderShape, ItemShape } from "../model/shape.js";
import type { EwsNotification } from "../notifications/events.js";
import { type StreamEventsOptions, type StreamNotice, streamEvents } from "../notifications/stream-events.js";
import {
  getEvents,
  type PullSubscription,
  type SubscribeOptions,
  subscribePull,
  subscribeStreaming,
  unsubscribe,
} from "../notifications/subscriptions.js";
import { archiveItems } from "../operations/archive-item.js";
import {
  type CreatedAttachment,
  createAttachments,
  deleteAttachments,
  type NewFileAttachment,
} from "../operations/attachments.js";
import { createMessages, type MessageDisposition, type NewMessage } from "../operations/create-item.js";
import {
  type DistributionListRef,
  type ExpandDLResult,
  expandDistributionList,
} from "../operations/expand-dl.js";
import {
  type ExportedItem,
  exportItem,
  exportItems,
  type UploadItem,
  uploadItems,
} from "../operations/export-upload.js";
import { type FindFoldersOptions, findFolders, findFoldersPage } from "../operations/find-folder.js";
import { type FindItemsOptions, findItems, findItemsPage } from "../operations/find-item.js";
import {
  createFolders,
  type DeleteType,
  deleteFolders,
  emptyFolders,
  getFolders,
} from "../operations/folders.js";
import { type AttachmentDownload, downloadAttachment, downloadMime } from "../operations/get-attachment.js";
import { getItems } from "../operations/get-item.js";
import {
  type Availability,
  type AvailabilityOptions,
  getUserAvailability,
} from "../operations/get-user-availability.js";
import {
  type AttachmentShape,
  createItemAttachments,
  type FetchedAttachment,
  getAttachments,
  getItemAttachment,
  type NewItemAttachment,
} from "../operations/item-attachments.js";
import { copyItems, deleteItems, markAllItemsAsRead, moveItems } from "../operations/item-mutations.js";
import {
  cancelCalendarItems,
  type MeetingCancellation,
  type MeetingResponse,
  respondToMeetings,
} from "../operations/meeting-responses.js";
import type { Page } from "../operations/paging.js";
import {
  type CalendarViewOptions,
  createCalendarItems,
  createContacts,
  createTasks,
  findCalendarView,
} from "../operations/pim-operations.js";
import { type ResolveNamesResult, resolveNames } from "../operations/resolve-names.js";
import { type SyncFolderHierarchyResult, syncFolderHierarchy } from "../operations/sync-folder-hierarchy.js";
import {
  type SyncFolderItemsOptions,
  type SyncFolderItemsResult,
  syncFolderItems,
} from "../operations/sync-folder-items.js";
import { type ItemUpdate, updateItems } from "../operations/update-item.js";
import {
  type PimUpdate,
  updateCalendarItems,
  updateContacts,
  updateTasks,
} from "../operations/update-pim-items.js";
import { type EwsResult, type SoapResponse, unwrapSingle } from "../soap/parse-response.js";
import type { ExchangeVersion, ServerVersionInfo } from "../soap/server-version.js";
import { type EwsClientOptions, type SoapCallOptions, SoapClient } from "./soap-client.js";

/**
 * An EWS session for one mailbox. Batch methods (plural names) return one typed result per
 * input, so partial success is visible; singular conveniences throw the item's error.
 * Lists are async iterators that fetch pages as they are consumed.
 */
export class EwsClient implements AsyncDisposable {
  readonly soap: SoapClient;

  constructor(options: EwsClientOptions) {
    this.soap = new SoapClient(options);
  }

  /** The schema version requests currently carry (lowered to the server's after the first reply). */
  get version(): ExchangeVersion {
    return this.soap.version;
  }

  get serverVersion(): ServerVersionInfo | undefined {
    return this.soap.serverVersion;
  }

  // Folders (MS-OXWSFOLD)
  getFolders(folders: readonly FolderRef[], options?: SoapCallOptions & { shape?: FolderShape | undefined }) {
    return getFolders(this.soap, folders, options);
  }
  async getFolder(
    folder: FolderRef,
    options?: SoapCallOptions & { shape?: FolderShape | undefined },
  ): Promise<EwsFolder> {
    return unwrapSingle(await getFolders(this.soap, [folder], options));
  }
  findFolders(parent: FolderRef, options?: FindFoldersOptions): AsyncGenerator<EwsFolder> {
    return findFolders(this.soap, parent, options);
  }
  findFoldersPage(parent: FolderRef, offset: number, options?: FindFoldersOptions): Promise<Page<EwsFolder>> {
    return findFoldersPage(this.soap, parent, offset, options);
  }
  syncFolderHierarchy(
    options?: SoapCallOptions & {
      syncState?: string | undefined;
      folder?: FolderRef | undefined;
      shape?: FolderShape | undefined;
    },
  ): Promise<SyncFolderHierarchyResult> {
    return syncFolderHierarchy(this.soap, options);
  }
  createFolders(
    parent: FolderRef,
    displayNames: readonly string[],
    options?: SoapCallOptions & { folderClass?: string },
  ) {
    return createFolders(this.soap, parent, displayNames, options);
  }
  async createFolder(parent: FolderRef, displayName: string, options?: SoapCallOptions): Promise<EwsFolder> {
    return unwrapSingle(await createFolders(this.soap, parent, [displayName], options));
  }
  deleteFolders(folders: readonly FolderRef[], options?: SoapCallOptions & { deleteType?: DeleteType }) {
    return deleteFolders(this.soap, folders, options);
  }
  emptyFolders(
    folders: readonly FolderRef[],
    options?: SoapCallOptions & { deleteType?: DeleteType; deleteSubFolders?: boolean },
  ) {
    return emptyFolders(this.soap, folders, options);
  }

  // Items (MS-OXWSCORE, MS-OXWSMSG, MS-OXWSSRCH, MS-OXWSSYNC)
  findItems(parent: FolderRef, options?: FindItemsOptions): AsyncGenerator<EwsItem> {
    return findItems(this.soap, parent, options);
  }
  findItemsPage(parent: FolderRef, offset: number, options?: FindItemsOptions): Promise<Page<EwsItem>> {
    return findItemsPage(this.soap, parent, offset, options);
  }
  getItems(
    items: readonly ItemId[],
    options?: SoapCallOptions & { shape?: ItemShape | undefined },
  ): Promise<EwsResult<EwsItem>[]> {
    return getItems(this.soap, items, options);
  }
  async getItem(
    item: ItemId,
    options?: SoapCallOptions & { shape?: ItemShape | undefined },
  ): Promise<EwsItem> {
    return unwrapSingle(await getItems(this.soap, [item], options));
  }
  syncFolderItems(folder: FolderRef, options?: SyncFolderItemsOptions): Promise<SyncFolderItemsResult> {
    return syncFolderItems(this.soap, folder, options);
  }
  createMessages(
    messages: readonly NewMessage[],
    options?: SoapCallOptions & { disposition?: MessageDisposition; savedItemFolder?: FolderRef },
  ) {
    return createMessages(this.soap, messages, options);
  }
  updateItems(updates: readonly ItemUpdate[], options?: Parameters<typeof updateItems>[2]) {
    return updateItems(this.soap, updates, options);
  }
  /** Sets or clears the read flag on each item. */
  markRead(items: readonly ItemId[], isRead = true, options?: SoapCallOptions) {
    return updateItems(
      this.soap,
      items.map((itemId) => ({ itemId, set: { isRead } })),
      { ...options, conflictResolution: "AlwaysOverwrite" },
    );
  }
  deleteItems(items: readonly ItemId[], options?: Parameters<typeof deleteItems>[2]) {
    return deleteItems(this.soap, items, options);
  }
  moveItems(items: readonly ItemId[], to: FolderRef, options?: SoapCallOptions) {
    return moveItems(this.soap, items, to, options);
  }
  copyItems(items: readonly ItemId[], to: FolderRef, options?: SoapCallOptions) {
    return copyItems(this.soap, items, to, options);
  }
  markAllItemsAsRead(folders: readonly FolderRef[], options?: Parameters<typeof markAllItemsAsRead>[2]) {
    return markAllItemsAsRead(this.soap, folders, options);
  }
  /** ArchiveItem (Exchange 2013+): moves items from `sourceFolder` into the archive mailbox. */
  archiveItems(items: readonly ItemId[], sourceFolder: FolderRef, options?: SoapCallOptions) {
    return archiveItems(this.soap, items, sourceFolder, options);
  }

  // Attachments (MS-OXWSCORE)
  /** Adds file attachments to an item; a streamed `content` must be the call's only attachment. */
  createAttachments(
    parent: ItemId,
    attachments: readonly NewFileAttachment[],
    options?: SoapCallOptions,
  ): Promise<EwsResult<CreatedAttachment>[]> {
    return createAttachments(this.soap, parent, attachments, options);
  }
  deleteAttachments(attachmentIds: readonly string[], options?: SoapCallOptions) {
    return deleteAttachments(this.soap, attachmentIds, options);
  }
  /** Embeds items (a message, calendar item, contact or task each) as attachments of `parent`. */
  createItemAttachments(
    parent: ItemId,
    attachments: readonly NewItemAttachment[],
    options?: SoapCallOptions,
  ): Promise<EwsResult<CreatedAttachment>[]> {
    return createItemAttachments(this.soap, parent, attachments, options);
  }
  /** GetAttachment read whole: file attachments as bytes, item attachments as typed items. */
  getAttachments(
    attachmentIds: readonly string[],
    options?: SoapCallOptions & { shape?: AttachmentShape | undefined },
  ): Promise<EwsResult<FetchedAttachment>[]> {
    return getAttachments(this.soap, attachmentIds, options);
  }
  /** The item embedded in an item attachment, typed like getItem's (`item.kind`, `item.element`). */
  getItemAttachment(
    attachmentId: string,
    options?: SoapCallOptions & { shape?: AttachmentShape | undefined },
  ): Promise<{ info: EwsAttachmentInfo; item: EwsItem }> {
    return getItemAttachment(this.soap, attachmentId, options);
  }

  // Bulk transfer (MS-OXWSBTRF)
  /** ExportItems for one item, its data streamed as it arrives. */
  exportItem(item: ItemId, options?: SoapCallOptions): Promise<ExportedItem> {
    return exportItem(this.soap, item, options);
  }
  /** ExportItems one item per request, as typed results; consume each `data` before advancing. */
  exportItems(items: readonly ItemId[], options?: SoapCallOptions): AsyncGenerator<EwsResult<ExportedItem>> {
    return exportItems(this.soap, items, options);
  }
  /** UploadItems from bytes (several per call) or a stream (one per call, sent once). */
  uploadItems(items: readonly UploadItem[], options?: SoapCallOptions) {
    return uploadItems(this.soap, items, options);
  }

  // Streams
  downloadAttachment(attachmentId: string, options?: SoapCallOptions): Promise<AttachmentDownload> {
    return downloadAttachment(this.soap, attachmentId, options);
  }
  downloadMime(item: ItemId, options?: SoapCallOptions): Promise<Readable> {
    return downloadMime(this.soap, item, options);
  }

  // Calendar, contacts, tasks (MS-OXWSMTGS, MS-OXWSCONT, MS-OXWSTASK); read them with getItem(s)
  // and readCalendarDetails/readContactDetails/readTaskDetails on `item.element`.
  createCalendarItems(
    items: readonly NewCalendarItem[],
    options?: Parameters<typeof createCalendarItems>[2],
  ) {
    return createCalendarItems(this.soap, items, options);
  }
  findCalendarView(folder: FolderRef, options: CalendarViewOptions) {
    return findCalendarView(this.soap, folder, options);
  }
  createContacts(contacts: readonly NewContact[], options?: Parameters<typeof createContacts>[2]) {
    return createContacts(this.soap, contacts, options);
  }
  createTasks(tasks: readonly NewTask[], options?: Parameters<typeof createTasks>[2]) {
    return createTasks(this.soap, tasks, options);
  }
  updateCalendarItems(
    updates: readonly PimUpdate<NewCalendarItem>[],
    options?: Parameters<typeof updateCalendarItems>[2],
  ) {
    return updateCalendarItems(this.soap, updates, options);
  }
  updateContacts(updates: readonly PimUpdate<NewContact>[], options?: Parameters<typeof updateContacts>[2]) {
    return updateContacts(this.soap, updates, options);
  }
  updateTasks(updates: readonly PimUpdate<NewTask>[], options?: Parameters<typeof updateTasks>[2]) {
    return updateTasks(this.soap, updates, options);
  }
  /**
   * Accepts, tentatively accepts or declines meeting requests (AcceptItem, TentativelyAcceptItem,
   * DeclineItem); `disposition` defaults to SendAndSaveCopy.
   */
  respondToMeetings(
    responses: readonly MeetingResponse[],
    options?: Parameters<typeof respondToMeetings>[2],
  ): Promise<EwsResult<ItemId | undefined>[]> {
    return respondToMeetings(this.soap, responses, options);
  }
  /** CancelCalendarItem: the organizer cancels meetings and the attendees are told. */
  cancelCalendarItems(
    cancellations: readonly MeetingCancellation[],
    options?: Parameters<typeof cancelCalendarItems>[2],
  ): Promise<EwsResult<ItemId | undefined>[]> {
    return cancelCalendarItems(this.soap, cancellations, options);
  }
  /** GetUserAvailability (MS-OXWSAVAIL): free/busy per mailbox, one typed result each. */
  getUserAvailability(
    mailboxes: readonly string[],
    options: AvailabilityOptions,
  ): Promise<EwsResult<Availability>[]> {
    return getUserAvailability(this.soap, mailboxes, options);
  }

  /** ResolveNames (MS-OXWSRSLNM): directory and contact matches for a partial name or address. */
  resolveNames(entry: string, options?: Parameters<typeof resolveNames>[2]): Promise<ResolveNamesResult> {
    return resolveNames(this.soap, entry, options);
  }
  /** ExpandDL (MS-OXWSDLIST): a public list by address, or a private list (contact group) by item id. */
  expandDistributionList(list: DistributionListRef, options?: SoapCallOptions): Promise<ExpandDLResult> {
    return expandDistributionList(this.soap, list, options);
  }

  // Notifications (MS-OXWSNTIF)
  subscribePull(
    folders: readonly FolderRef[],
    options?: SubscribeOptions & { watermark?: string | undefined; timeoutMinutes?: number | undefined },
  ): Promise<PullSubscription> {
    return subscribePull(this.soap, folders, options);
  }
  getEvents(subscriptionId: string, watermark: string, options?: SoapCallOptions): Promise<EwsNotification> {
    return getEvents(this.soap, subscriptionId, watermark, options);
  }
  subscribeStreaming(folders: readonly FolderRef[], options?: SubscribeOptions): Promise<string> {
    return subscribeStreaming(this.soap, folders, options);
  }
  unsubscribe(subscriptionId: string, options?: SoapCallOptions): Promise<void> {
    return unsubscribe(this.soap, subscriptionId, options);
  }
  /**
   * Live events over GetStreamingEvents that reconnect by themselves; when the subscription is
   * lost, missed events are recovered from the last watermark, or a "gap" notice says to resync.
   * Stop with `break` or the signal; the subscription is removed.
   */
  streamEvents(folders: readonly FolderRef[], options?: StreamEventsOptions): AsyncGenerator<StreamNotice> {
    return streamEvents(this.soap, folders, options);
  }

  /**
   * The escape hatch: any operation element as markup (with `m:`/`t:` prefixes, which the
   * envelope declares), sent with the session's headers; returns the parsed response element.
   * You are responsible for escaping what you put in `bodyXml`.
   */
  callRaw(operation: string, bodyXml: string, options?: SoapCallOptions): Promise<SoapResponse> {
    return this.soap.call(operation, bodyXml, options);
  }

  close(): Promise<void> {
    return this.soap.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

export function createEwsClient(options: EwsClientOptions): EwsClient {
  return new EwsClient(options);
}
