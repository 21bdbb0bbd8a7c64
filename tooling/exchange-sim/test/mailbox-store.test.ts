import { fixtureMailbox } from "@mailwire/fixtures";
import { describe, expect, it } from "vitest";
import { MailboxStore, StoreError } from "../src/store/mailbox-store.js";

const seeded = () => new MailboxStore(fixtureMailbox({ messageCount: 60, largeMessageBytes: 0 }));

describe("MailboxStore", () => {
  it("seeds folders with ids and parents, and every fixture message", () => {
    const store = seeded();
    const alpha = store.folderByPath(["Inbox", "Projects", "Alpha"])!;
    expect(store.folder(alpha.parentId!).path).toEqual(["Inbox", "Projects"]);
    expect(store.specialFolder("inbox").displayName).toBe("Inbox");
    expect(store.messages()).toHaveLength(60);
    expect(store.changesSince(0)).toEqual([]);
  });

  it("marks read, moves, soft- and hard-deletes, with rising change numbers", () => {
    const store = seeded();
    const inbox = store.specialFolder("inbox");
    const trash = store.specialFolder("trash");
    const start = store.changeNumber;
    const [first, second] = store.messages(inbox.id);
    store.markRead(first!.id, false);
    expect(store.message(first!.id).flags.seen).toBe(false);
    const archive = store.folderByPath(["Archive"])!;
    store.moveMessage(first!.id, archive.id);
    expect(store.message(first!.id).folderId).toBe(archive.id);
    store.deleteMessage(second!.id);
    expect(store.message(second!.id).folderId).toBe(trash.id);
    store.deleteMessage(second!.id);
    expect(() => store.message(second!.id)).toThrow(StoreError);

    const changes = store.changesSince(start);
    expect(changes.map((c) => c.kind)).toEqual([
      "message-updated",
      "message-moved",
      "message-moved",
      "message-deleted",
    ]);
    expect(changes.map((c) => c.changeNumber)).toEqual(
      [...changes.map((c) => c.changeNumber)].sort((a, b) => a - b),
    );
    expect(store.changesSince(start, inbox.id)).toHaveLength(3);
    expect(inbox.changeNumber).toBeGreaterThan(start);
  });

  it("creates folders, refusing duplicates, and reports changes to listeners", () => {
    const store = seeded();
    const seen: string[] = [];
    const stop = store.onChange((change) => seen.push(change.kind));
    const inbox = store.specialFolder("inbox");
    const created = store.createFolder(inbox.id, "Receipts – 2025");
    expect(created.path).toEqual(["Inbox", "Receipts – 2025"]);
    expect(() => store.createFolder(inbox.id, "receipts – 2025")).toThrow(/already exists/);
    expect(() => store.createFolder(undefined, "a/b")).toThrow(StoreError);
    stop();
    store.createFolder(undefined, "Later");
    expect(seen).toEqual(["folder-created"]);
  });
});
