import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ParseError } from "@mailwire/core";
import { type SyncState, type SyncStateStore, validateSyncState } from "./sync-state.js";

/**
 * Keeps sync state in one JSON file. Saving writes a temporary file next to it, flushes it to
 * disk, renames it over the old file and flushes the directory: rename is atomic on POSIX file
 * systems, so a crash at any moment leaves either the old state or the new one, never half.
 */
export class JsonFileSyncStore implements SyncStateStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  async load(): Promise<SyncState | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return undefined;
      throw error;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new ParseError(`Sync state ${this.path} is not valid JSON`, { cause: error });
    }
    return validateSyncState(data);
  }

  async save(state: SyncState): Promise<void> {
    const directory = dirname(this.path);
    const temporary = join(directory, `.${basename(this.path)}.${randomBytes(6).toString("hex")}.tmp`);
    const file = await open(temporary, "wx", 0o600);
    try {
      await file.writeFile(JSON.stringify(state), "utf8");
      await file.sync();
    } catch (error) {
      await file.close();
      await unlink(temporary).catch(() => {});
      throw error;
    }
    await file.close();
    try {
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw error;
    }
    await syncDirectory(directory);
  }
}

/** Makes the rename itself durable; some platforms (Windows) cannot open a directory, which is fine. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch {
    // Best effort: the rename is atomic either way, only its durability across power loss differs.
  } finally {
    await handle?.close();
  }
}
