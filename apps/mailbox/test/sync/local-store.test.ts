import { appendFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalStore } from "../../src/sync/local-store.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mailbox-store-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("LocalStore", () => {
  it("keeps dates as Dates and leaves no temp files behind", async () => {
    const store = new LocalStore(dir);
    const date = new Date("2026-02-03T04:05:06Z");
    await store.saveIndex({
      folderId: "f/1",
      syncedAt: "now",
      complete: true,
      messages: [{ id: "a/b", folderId: "f/1", subject: "s", to: [], read: false, date }],
    });
    await store.saveMessage({
      id: "a/b",
      folderId: "f/1",
      subject: "s",
      to: [],
      cc: [],
      read: false,
      date,
      headers: [],
      attachments: [],
    });
    expect((await store.index("f/1"))?.messages[0]?.date).toEqual(date);
    expect((await store.message("a/b"))?.date).toEqual(date);
    expect(await store.message("other")).toBeUndefined();
    const files = [...(await readdir(join(dir, "index"))), ...(await readdir(join(dir, "messages")))];
    expect(files.every((f) => f.endsWith(".json"))).toBe(true);
  });

  it("the pending queue survives a line torn by a crash", async () => {
    const store = new LocalStore(dir);
    await store.queue({ op: "mark-read", ids: ["1"], read: true });
    await appendFile(join(dir, "pending.jsonl"), '{"op":"delete","ids":["2"');
    expect(await store.pending()).toEqual([{ op: "mark-read", ids: ["1"], read: true }]);
    await store.setPending([]);
    expect(await store.pending()).toEqual([]);
  });
});
