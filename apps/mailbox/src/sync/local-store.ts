import { appendFile, mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { FolderInfo, MessageDetail, MessageSummary } from "../mailbox.js";
import { writeFileAtomic } from "../profile/profile-store.js";
import { AttachmentStore } from "./attachment-store.js";
import { storeKey as hash } from "./store-key.js";

// The cached-mode store: plain JSON files, each written whole through a temp file and a rename,
// so a process killed at any instant leaves every file either as it was or as it became, never
// half written (the OST's job in Outlook's cached mode). Layout under the profile's cache dir:
//   folders.json                    the folder list and when it was synced
//   index/<hash(folderId)>.json     one folder's message summaries, newest first
//   messages/<hash(messageId)>.json one message as `read` returned it, plus the store's own
//                                   marks under "$store" (see StoreMarks; absent in older files)
//   attachments/<hash(messageId)>/  its attachment bytes, up to a size cap (attachment-store.ts)
//   pending.jsonl                   changes made offline, replayed in order when back online

export interface FolderIndex {
  readonly folderId: string;
  readonly syncedAt: string;
  /** True when every message of the folder was listed (not just a page). */
  readonly complete: boolean;
  readonly messages: MessageSummary[];
}

/** A change made while offline, applied to the cache at once and to the server at the next sync. */
export type PendingChange =
  | { readonly op: "mark-read"; readonly ids: readonly string[]; readonly read: boolean }
  | { readonly op: "move"; readonly ids: readonly string[]; readonly target: string }
  | { readonly op: "delete"; readonly ids: readonly string[]; readonly hard: boolean }
  | { readonly op: "send"; readonly message: SerializedOutgoing };

export interface SerializedOutgoing {
  readonly [key: string]: unknown;
}

/** JSON has no Date: revive the `date` fields the Mailbox types carry. */
function reviveDates<T extends { date?: Date | undefined }>(value: T): T {
  if (value.date !== undefined && !(value.date instanceof Date)) {
    return { ...value, date: new Date(value.date as unknown as string) };
  }
  return value;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    // A file that does not parse cannot come from writeFileAtomic; treat it as absent.
    return undefined;
  }
}

/**
 * What the store notes beside a message, in the message's own file under `$store` (a key no
 * MessageDetail field has; readers that predate it ignore it). Files written before it existed
 * simply have none, which reads as "nothing noted": the caller then looks, as it always did.
 */
interface StoreMarks {
  /**
   * Its attachment manifest was saved before this file was written, so sync need not read the
   * manifest to learn whether the attachments were kept: the file is renamed into place only
   * after the manifest is, so a set mark always means a manifest on disk.
   */
  readonly attachmentManifest?: true;
}

type MessageFile = MessageDetail & { readonly $store?: StoreMarks };

/** A cached message with what the store noted beside it. */
export interface CachedMessage {
  readonly detail: MessageDetail;
  /** Its attachment manifest is known to be saved (false: unknown, look at the manifest). */
  readonly attachmentManifest: boolean;
}

export interface SaveMessageOptions {
  /** Set only once the message's attachment manifest is saved (`AttachmentStore.saveManifest`). */
  readonly attachmentManifest?: boolean | undefined;
}

export class LocalStore {
  readonly directory: string;
  readonly attachments: AttachmentStore;

  constructor(directory: string) {
    this.directory = directory;
    this.attachments = new AttachmentStore(join(directory, "attachments"));
  }

  async #ensure(sub?: string): Promise<string> {
    const dir = sub ? join(this.directory, sub) : this.directory;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  async saveFolders(folders: readonly FolderInfo[], syncedAt = new Date()): Promise<void> {
    await this.#ensure();
    await writeFileAtomic(
      join(this.directory, "folders.json"),
      JSON.stringify({ syncedAt: syncedAt.toISOString(), folders }),
    );
  }

  async folders(): Promise<{ folders: FolderInfo[]; syncedAt: string } | undefined> {
    return readJson(join(this.directory, "folders.json"));
  }

  async saveIndex(index: FolderIndex): Promise<void> {
    const dir = await this.#ensure("index");
    await writeFileAtomic(join(dir, `${hash(index.folderId)}.json`), JSON.stringify(index));
  }

  async index(folderId: string): Promise<FolderIndex | undefined> {
    const index = await readJson<FolderIndex>(join(this.directory, "index", `${hash(folderId)}.json`));
    return index && { ...index, messages: index.messages.map(reviveDates) };
  }

  async saveMessage(detail: MessageDetail, options: SaveMessageOptions = {}): Promise<void> {
    const dir = await this.#ensure("messages");
    // A detail handed back with marks of its own (a caller spreading a file it read) does not
    // carry them over: only what this call says is noted.
    const { $store: _ignored, ...plain } = detail as MessageFile;
    const file: MessageFile = options.attachmentManifest
      ? { ...plain, $store: { attachmentManifest: true } }
      : plain;
    await writeFileAtomic(join(dir, `${hash(detail.id)}.json`), JSON.stringify(file));
  }

  /** The message with the store's marks; one file read, like `message`. */
  async cachedMessage(messageId: string): Promise<CachedMessage | undefined> {
    const file = await readJson<MessageFile>(join(this.directory, "messages", `${hash(messageId)}.json`));
    if (file === undefined) return undefined;
    const { $store: marks, ...detail } = file;
    return { detail: reviveDates(detail), attachmentManifest: marks?.attachmentManifest === true };
  }

  async message(messageId: string): Promise<MessageDetail | undefined> {
    return (await this.cachedMessage(messageId))?.detail;
  }

  async hasMessage(messageId: string): Promise<boolean> {
    return (await this.message(messageId)) !== undefined;
  }

  async removeMessage(messageId: string): Promise<void> {
    await rm(join(this.directory, "messages", `${hash(messageId)}.json`), { force: true });
    await this.attachments.remove(messageId);
  }

  /** Finds a cached summary by id across the folder indexes this store knows. */
  async findSummary(messageId: string): Promise<MessageSummary | undefined> {
    const folders = (await this.folders())?.folders ?? [];
    for (const folder of folders) {
      const hit = (await this.index(folder.id))?.messages.find((m) => m.id === messageId);
      if (hit) return hit;
    }
    return undefined;
  }

  async queue(change: PendingChange): Promise<void> {
    await this.#ensure();
    // One line per change, appended whole: a crash can cut at most the last line, which
    // pending() then skips.
    await appendFile(join(this.directory, "pending.jsonl"), `${JSON.stringify(change)}\n`, { mode: 0o600 });
  }

  async pending(): Promise<PendingChange[]> {
    let text: string;
    try {
      text = await readFile(join(this.directory, "pending.jsonl"), "utf8");
    } catch {
      return [];
    }
    const out: PendingChange[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        out.push(JSON.parse(line) as PendingChange);
      } catch {
        // a torn last line from a crash mid-append
      }
    }
    return out;
  }

  /** Rewrites the queue with what is left after a replay. */
  async setPending(changes: readonly PendingChange[]): Promise<void> {
    await this.#ensure();
    await writeFileAtomic(
      join(this.directory, "pending.jsonl"),
      changes.map((c) => `${JSON.stringify(c)}\n`).join(""),
    );
  }
}
