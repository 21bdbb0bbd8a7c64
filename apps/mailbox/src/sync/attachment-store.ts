import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AttachmentInfo } from "../mailbox.js";
import { writeFileAtomic } from "../profile/profile-store.js";
import { storeKey } from "./store-key.js";

// Attachment bytes in the cached-mode store, so `read --save-attachments` works offline:
//   attachments/<key(messageId)>/manifest.json        what was kept or skipped, and why
//   attachments/<key(messageId)>/<key(attachmentId)>   the bytes
// Each body streams to a temp file renamed into place once complete; a body over the cap is
// cut off as soon as the count passes it (a size the server announced is not trusted) and
// recorded as skipped, so the store never holds more than the cap per attachment.

/** Per-attachment cap while syncing when none is given: 10 MiB. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export type StoredAttachment =
  | { readonly id: string; readonly name: string; readonly state: "stored"; readonly bytes: number }
  | {
      readonly id: string;
      readonly name: string;
      readonly state: "skipped";
      readonly reason: "too-large";
      /** The announced size, or how far the download got before the cap. */
      readonly size: number | undefined;
      readonly limit: number;
    };

export interface AttachmentManifest {
  readonly messageId: string;
  readonly attachments: readonly StoredAttachment[];
}

class OverLimit extends Error {
  constructor(readonly seen: number) {
    super("attachment over the store's size cap");
  }
}

export class AttachmentStore {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = directory;
  }

  #dir(messageId: string): string {
    return join(this.directory, storeKey(messageId));
  }

  /**
   * Downloads one attachment into the store unless it is over `limit` bytes (then only a
   * "skipped" record). Errors from `open` or the stream (the server going away) propagate and
   * leave no partial file.
   */
  async save(
    messageId: string,
    attachment: AttachmentInfo,
    open: () => Promise<Readable>,
    limit: number,
  ): Promise<StoredAttachment> {
    const skipped = (size: number | undefined): StoredAttachment => ({
      id: attachment.id,
      name: attachment.name,
      state: "skipped",
      reason: "too-large",
      size,
      limit,
    });
    if (attachment.size !== undefined && attachment.size > limit) return skipped(attachment.size);
    const dir = this.#dir(messageId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, storeKey(attachment.id));
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > limit) done(new OverLimit(bytes));
        else done(null, chunk);
      },
    });
    const source = await open();
    try {
      await pipeline(source, counter, createWriteStream(temp, { mode: 0o600 }));
    } catch (error) {
      source.destroy();
      await rm(temp, { force: true });
      if (error instanceof OverLimit) return skipped(undefined);
      throw error;
    }
    await rename(temp, path);
    return { id: attachment.id, name: attachment.name, state: "stored", bytes };
  }

  async saveManifest(manifest: AttachmentManifest): Promise<void> {
    const dir = this.#dir(manifest.messageId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(join(dir, "manifest.json"), JSON.stringify(manifest));
  }

  /** What sync kept for this message; undefined when its attachments were never fetched. */
  async manifest(messageId: string): Promise<AttachmentManifest | undefined> {
    try {
      return JSON.parse(
        await readFile(join(this.#dir(messageId), "manifest.json"), "utf8"),
      ) as AttachmentManifest;
    } catch {
      return undefined;
    }
  }

  /** The stored bytes, or undefined when this attachment was skipped or never fetched. */
  async open(messageId: string, attachmentId: string): Promise<Readable | undefined> {
    const entry = (await this.manifest(messageId))?.attachments.find((a) => a.id === attachmentId);
    return this.openEntry(messageId, entry);
  }

  /** As `open`, for an entry of a manifest already read (one read for all of a message's attachments). */
  async openEntry(messageId: string, entry: StoredAttachment | undefined): Promise<Readable | undefined> {
    if (entry?.state !== "stored") return undefined;
    const path = join(this.#dir(messageId), storeKey(entry.id));
    const info = await stat(path).catch(() => undefined);
    if (info?.size !== entry.bytes) return undefined;
    return createReadStream(path);
  }

  async remove(messageId: string): Promise<void> {
    await rm(this.#dir(messageId), { recursive: true, force: true });
  }
}
