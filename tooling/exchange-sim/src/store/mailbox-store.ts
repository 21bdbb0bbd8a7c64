import { EventEmitter } from "node:events";
import {
  type FixtureMailbox,
  type FixtureMessage,
  type FixtureSpecialUse,
  folderKey,
} from "@mailwire/fixtures";

// One in-memory mailbox that every protocol module reads and changes. Each change takes the next
// value of a store-wide change number, the way an Exchange store stamps PidTagChangeNumber
// (MS-OXCFXICS 2.2.1.2), so sync endpoints can ask "what changed after N".

export interface StoreFolder {
  id: string;
  parentId: string | undefined;
  displayName: string;
  path: string[];
  specialUse?: FixtureSpecialUse;
  changeNumber: number;
}

export interface StoreMessage {
  id: string;
  folderId: string;
  raw: Uint8Array;
  flags: { seen: boolean; flagged: boolean; answered: boolean };
  changeNumber: number;
  /** The fixture this message was seeded from (subject, addresses, bodies, attachments). */
  fixture: FixtureMessage;
}

export type StoreChange =
  | { kind: "message-created" | "message-updated"; changeNumber: number; messageId: string; folderId: string }
  | { kind: "message-deleted"; changeNumber: number; messageId: string; folderId: string }
  | { kind: "message-moved"; changeNumber: number; messageId: string; folderId: string; fromFolderId: string }
  | { kind: "folder-created" | "folder-updated" | "folder-deleted"; changeNumber: number; folderId: string };

export class StoreError extends Error {
  override name = "StoreError";
  constructor(
    readonly code: "not-found" | "conflict" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

export class MailboxStore {
  readonly user: FixtureMailbox["user"];
  readonly #folders = new Map<string, StoreFolder>();
  readonly #messages = new Map<string, StoreMessage>();
  readonly #changes: StoreChange[] = [];
  readonly #events = new EventEmitter();
  #changeNumber = 0;
  #nextFolder = 1;
  #nextMessage = 1;

  constructor(mailbox: FixtureMailbox) {
    this.user = { ...mailbox.user };
    const byPath = new Map<string, string>();
    for (const folder of mailbox.folders) {
      const parentId = folder.path.length > 1 ? byPath.get(folderKey(folder.path.slice(0, -1))) : undefined;
      const created = this.#addFolder(parentId, folder.path, folder.specialUse);
      byPath.set(folderKey(folder.path), created.id);
    }
    for (const message of mailbox.messages) {
      const folderId = byPath.get(folderKey(message.folder));
      if (!folderId) throw new StoreError("invalid", `fixture message ${message.id} names an unknown folder`);
      this.#messages.set(message.id, {
        id: message.id,
        folderId,
        raw: message.raw,
        flags: { ...message.flags },
        changeNumber: this.#bump(),
        fixture: message,
      });
      this.#nextMessage++;
    }
    // Seeding is not a change anyone syncs from: the log starts empty at the seeded change number.
    this.#changes.length = 0;
  }

  get changeNumber(): number {
    return this.#changeNumber;
  }

  #bump(): number {
    this.#changeNumber += 1;
    return this.#changeNumber;
  }

  #record(change: StoreChange): void {
    this.#changes.push(change);
    this.#events.emit("change", change);
  }

  #addFolder(parentId: string | undefined, path: string[], specialUse?: FixtureSpecialUse): StoreFolder {
    const folder: StoreFolder = {
      id: `fld-${String(this.#nextFolder++).padStart(4, "0")}`,
      parentId,
      displayName: path[path.length - 1] ?? "",
      path,
      ...(specialUse === undefined ? {} : { specialUse }),
      changeNumber: this.#bump(),
    };
    this.#folders.set(folder.id, folder);
    return folder;
  }

  /** Listen for changes (for notifications); returns the function that stops listening. */
  onChange(listener: (change: StoreChange) => void): () => void {
    this.#events.on("change", listener);
    return () => this.#events.off("change", listener);
  }

  folders(): StoreFolder[] {
    return [...this.#folders.values()];
  }

  folder(id: string): StoreFolder {
    const folder = this.#folders.get(id);
    if (!folder) throw new StoreError("not-found", `no folder ${id}`);
    return folder;
  }

  folderByPath(path: readonly string[]): StoreFolder | undefined {
    const key = folderKey(path);
    return this.folders().find((f) => folderKey(f.path) === key);
  }

  specialFolder(use: FixtureSpecialUse): StoreFolder {
    const folder = this.folders().find((f) => f.specialUse === use);
    if (!folder) throw new StoreError("not-found", `no ${use} folder`);
    return folder;
  }

  childFolders(parentId: string | undefined): StoreFolder[] {
    return this.folders().filter((f) => f.parentId === parentId);
  }

  createFolder(parentId: string | undefined, displayName: string): StoreFolder {
    if (displayName === "" || displayName.includes("/"))
      throw new StoreError("invalid", "folder names are non-empty and have no '/'");
    const parentPath = parentId === undefined ? [] : this.folder(parentId).path;
    if (this.childFolders(parentId).some((f) => f.displayName.toLowerCase() === displayName.toLowerCase())) {
      throw new StoreError("conflict", `a folder named ${displayName} already exists there`);
    }
    const folder = this.#addFolder(parentId, [...parentPath, displayName]);
    this.#record({ kind: "folder-created", changeNumber: folder.changeNumber, folderId: folder.id });
    return folder;
  }

  messages(folderId?: string): StoreMessage[] {
    const all = [...this.#messages.values()];
    return folderId === undefined ? all : all.filter((m) => m.folderId === folderId);
  }

  message(id: string): StoreMessage {
    const message = this.#messages.get(id);
    if (!message) throw new StoreError("not-found", `no message ${id}`);
    return message;
  }

  setFlags(id: string, flags: Partial<StoreMessage["flags"]>): StoreMessage {
    const message = this.message(id);
    message.flags = { ...message.flags, ...flags };
    message.changeNumber = this.#bump();
    this.#touch(message.folderId);
    this.#record({
      kind: "message-updated",
      changeNumber: message.changeNumber,
      messageId: id,
      folderId: message.folderId,
    });
    return message;
  }

  markRead(id: string, seen = true): StoreMessage {
    return this.setFlags(id, { seen });
  }

  moveMessage(id: string, toFolderId: string): StoreMessage {
    const message = this.message(id);
    this.folder(toFolderId);
    const fromFolderId = message.folderId;
    message.folderId = toFolderId;
    message.changeNumber = this.#bump();
    this.#touch(fromFolderId);
    this.#touch(toFolderId);
    this.#record({
      kind: "message-moved",
      changeNumber: message.changeNumber,
      messageId: id,
      folderId: toFolderId,
      fromFolderId,
    });
    return message;
  }

  /** Soft delete moves to Deleted Items (Exchange's MoveToDeletedItems); hard delete, or deleting from there, removes. */
  deleteMessage(id: string, options: { hard?: boolean } = {}): void {
    const message = this.message(id);
    const trash = this.specialFolder("trash");
    if (!options.hard && message.folderId !== trash.id) {
      this.moveMessage(id, trash.id);
      return;
    }
    this.#messages.delete(id);
    this.#touch(message.folderId);
    this.#record({
      kind: "message-deleted",
      changeNumber: this.#bump(),
      messageId: id,
      folderId: message.folderId,
    });
  }

  /** Adds a message (a send, a saved draft, an append); `fixture` carries the parsed view if the caller has one. */
  addMessage(folderId: string, fixture: FixtureMessage): StoreMessage {
    this.folder(folderId);
    const id = `msg-${String(this.#nextMessage++).padStart(4, "0")}`;
    const message: StoreMessage = {
      id,
      folderId,
      raw: fixture.raw,
      flags: { ...fixture.flags },
      changeNumber: this.#bump(),
      fixture,
    };
    this.#messages.set(id, message);
    this.#touch(folderId);
    this.#record({ kind: "message-created", changeNumber: message.changeNumber, messageId: id, folderId });
    return message;
  }

  /** Changes after `changeNumber`, oldest first, optionally only those touching one folder. */
  changesSince(changeNumber: number, folderId?: string): StoreChange[] {
    return this.#changes.filter(
      (c) =>
        c.changeNumber > changeNumber &&
        (folderId === undefined ||
          c.folderId === folderId ||
          ("fromFolderId" in c && c.fromFolderId === folderId)),
    );
  }

  #touch(folderId: string): void {
    const folder = this.#folders.get(folderId);
    if (folder) folder.changeNumber = this.#changeNumber;
  }
}
