import { isMailwireError } from "@mailwire/core";
import type { FolderInfo, Mailbox, MessageDetail, MessageSummary, OutgoingMessage } from "../mailbox.js";
import { DEFAULT_MAX_ATTACHMENT_BYTES, type StoredAttachment } from "./attachment-store.js";
import type { LocalStore } from "./local-store.js";
import { isOfflineError } from "./offline-error.js";
import { replayPending } from "./replay-pending.js";

// One send/receive pass of cached mode: replay what was changed offline, then per folder list
// the server's summaries, drop what the server no longer has, and download only the messages
// the store lacks. Every message is written on its own as it arrives, and a folder's index is
// written whole once listed, so a pass cut at any point (network lost, process killed) keeps
// what it got and the next pass picks up where it stopped: nothing fetched twice, nothing lost.

export type SyncProgress =
  | { readonly type: "replayed"; readonly op: string; readonly ok: boolean }
  | { readonly type: "folders"; readonly count: number }
  | {
      readonly type: "folder";
      readonly folderId: string;
      readonly path: string;
      readonly listed: number;
      readonly missing: number;
    }
  | {
      readonly type: "message";
      readonly folderId: string;
      readonly messageId: string;
      readonly done: number;
      readonly total: number;
    };

export interface SyncOptions {
  /** Folder ids to sync; default every folder. */
  readonly folderIds?: readonly string[] | undefined;
  /** Summaries only, bodies on demand (Outlook's "download headers" on a slow link). */
  readonly headersOnly?: boolean | undefined;
  /**
   * Attachments bigger than this many bytes are not kept (recorded as skipped); 0 keeps none.
   * Default `DEFAULT_MAX_ATTACHMENT_BYTES` (10 MiB).
   */
  readonly maxAttachmentBytes?: number | undefined;
  readonly pageSize?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((event: SyncProgress) => void) | undefined;
  /** How queued sends go out when not through `mailbox.send` (SMTP for IMAP/POP3 accounts). */
  readonly send?: ((message: OutgoingMessage) => Promise<void>) | undefined;
}

export interface SyncInterruption {
  readonly code: string;
  readonly protocol: string | undefined;
  readonly step: string | undefined;
  readonly message: string;
}

export interface SyncReport {
  readonly folders: number;
  /** Summaries listed from the server. */
  readonly listed: number;
  /** Messages downloaded in this pass. */
  downloaded: number;
  /** Messages the store already had (not downloaded again). */
  readonly alreadyCached: number;
  /** Attachments written to the store in this pass. */
  readonly attachmentsStored: number;
  /** Attachments over `maxAttachmentBytes`, recorded as skipped. */
  readonly attachmentsSkipped: number;
  /** Messages gone from the server and dropped from the store. */
  readonly removed: number;
  /** Offline changes sent to the server. */
  readonly replayed: number;
  readonly headersOnly: boolean;
  /** Set when the pass stopped early because the server went away; run again to resume. */
  readonly interrupted?: SyncInterruption | undefined;
}

function interruption(error: unknown): SyncInterruption {
  const details = isMailwireError(error) ? error.details : {};
  return {
    code: isMailwireError(error) ? error.code : "MW_CONNECTION",
    protocol: typeof details.protocol === "string" ? details.protocol : undefined,
    step: typeof details.step === "string" ? details.step : undefined,
    message: error instanceof Error ? error.message : String(error),
  };
}

export async function syncMailbox(
  mailbox: Mailbox,
  store: LocalStore,
  options: SyncOptions = {},
): Promise<SyncReport> {
  const counts = {
    folders: 0,
    listed: 0,
    downloaded: 0,
    alreadyCached: 0,
    attachmentsStored: 0,
    attachmentsSkipped: 0,
    removed: 0,
    replayed: 0,
  };
  const headersOnly = options.headersOnly ?? false;
  const call = { signal: options.signal };
  try {
    counts.replayed = await replayPending(mailbox, store, {
      ...call,
      onProgress: options.onProgress,
      send: options.send,
    });

    const folders = await mailbox.folders(call);
    await store.saveFolders(folders);
    const chosen = options.folderIds ? folders.filter((f) => options.folderIds?.includes(f.id)) : folders;
    options.onProgress?.({ type: "folders", count: chosen.length });

    for (const folder of chosen) {
      counts.folders += 1;
      await syncFolder(mailbox, store, folder, counts, { ...options, headersOnly });
    }
  } catch (error) {
    if (!isOfflineError(error)) throw error;
    return { ...counts, headersOnly, interrupted: interruption(error) };
  }
  return { ...counts, headersOnly };
}

interface Counts {
  listed: number;
  downloaded: number;
  alreadyCached: number;
  attachmentsStored: number;
  attachmentsSkipped: number;
  removed: number;
}

/**
 * Keeps a message's attachments (each up to the cap) and then their manifest; the manifest is
 * the mark that they are done, so a pass cut short fetches them again next time. The caller
 * then writes the message file with `attachmentManifest` set, which spares later passes from
 * reading the manifest of every cached message to learn that.
 */
async function syncAttachments(
  mailbox: Mailbox,
  detail: MessageDetail,
  store: LocalStore,
  counts: Counts,
  options: SyncOptions,
): Promise<void> {
  const limit = Math.max(0, options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES);
  const kept: StoredAttachment[] = [];
  for (const attachment of detail.attachments) {
    const entry = await store.attachments.save(
      detail.id,
      attachment,
      () => mailbox.openAttachment(detail.id, attachment.id, { signal: options.signal }),
      limit,
    );
    kept.push(entry);
    if (entry.state === "stored") counts.attachmentsStored += 1;
    else counts.attachmentsSkipped += 1;
  }
  await store.attachments.saveManifest({ messageId: detail.id, attachments: kept });
}

async function syncFolder(
  mailbox: Mailbox,
  store: LocalStore,
  folder: FolderInfo,
  counts: Counts,
  options: SyncOptions,
): Promise<void> {
  const listed: MessageSummary[] = [];
  const seen = new Set<string>();
  for await (const summary of mailbox.list(folder.id, {
    signal: options.signal,
    pageSize: options.pageSize,
  })) {
    // A server that shifts pages under us (new mail arriving mid-listing) may repeat an item.
    if (seen.has(summary.id)) continue;
    seen.add(summary.id);
    listed.push(summary);
  }
  counts.listed += listed.length;

  const previous = await store.index(folder.id);
  for (const gone of previous?.messages ?? []) {
    if (!seen.has(gone.id)) {
      await store.removeMessage(gone.id);
      counts.removed += 1;
    }
  }
  await store.saveIndex({
    folderId: folder.id,
    syncedAt: new Date().toISOString(),
    complete: true,
    messages: listed,
  });

  const missing: MessageSummary[] = [];
  // Kept earlier without their attachments (read online, or by an older version, or a pass cut
  // between the attachments and their manifest): those only.
  const lackingAttachments: MessageDetail[] = [];
  for (const summary of listed) {
    const cached = await store.cachedMessage(summary.id);
    if (cached === undefined) {
      missing.push(summary);
      continue;
    }
    counts.alreadyCached += 1;
    const detail = { ...cached.detail, read: summary.read };
    let manifestSaved = cached.attachmentManifest;
    let rewrite = cached.detail.read !== summary.read; // a flag changed without the message changing
    // The message file's mark says the manifest is there; without it (a file written by an older
    // version, by an online read, or a pass cut before the mark) look once, and note what was
    // found so the passes after this one read nothing more than the message file.
    if (!manifestSaved && detail.attachments.length > 0) {
      manifestSaved = (await store.attachments.manifest(detail.id)) !== undefined;
      if (manifestSaved) rewrite = true;
      else lackingAttachments.push(detail);
    }
    if (rewrite) await store.saveMessage(detail, { attachmentManifest: manifestSaved });
  }
  options.onProgress?.({
    type: "folder",
    folderId: folder.id,
    path: folder.path.join("/"),
    listed: listed.length,
    missing: options.headersOnly ? 0 : missing.length,
  });
  if (options.headersOnly) return;

  for (const cached of lackingAttachments) {
    await syncAttachments(mailbox, cached, store, counts, options);
    // After the manifest, never before: a mark always means a manifest on disk.
    await store.saveMessage(cached, { attachmentManifest: true });
  }
  let done = 0;
  for (const summary of missing) {
    const detail = await mailbox.read(summary.id, { signal: options.signal });
    // Attachments before the message: the message file is what marks it done.
    await syncAttachments(mailbox, detail, store, counts, options);
    await store.saveMessage(detail, { attachmentManifest: true });
    counts.downloaded += 1;
    done += 1;
    options.onProgress?.({
      type: "message",
      folderId: folder.id,
      messageId: summary.id,
      done,
      total: missing.length,
    });
  }
}
