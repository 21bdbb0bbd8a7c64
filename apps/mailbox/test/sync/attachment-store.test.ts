import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalStore } from "../../src/sync/local-store.js";
import { syncMailbox } from "../../src/sync/sync-mailbox.js";
import { MemoryMailbox, MemoryServer } from "../cli/memory-mailbox.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mailbox-attachments-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const chunks =
  (...parts: string[]) =>
  async () =>
    Readable.from(parts.map((p) => Buffer.from(p)));

/** Files under the store's attachments directory (temp files included). */
async function files(store: LocalStore): Promise<string[]> {
  const out: string[] = [];
  for (const sub of await readdir(store.attachments.directory).catch(() => [])) {
    for (const name of await readdir(join(store.attachments.directory, sub))) out.push(name);
  }
  return out;
}

describe("AttachmentStore", () => {
  it("stores within the cap, serves the bytes back, and removes them with the message", async () => {
    const store = new LocalStore(dir);
    const entry = await store.attachments.save(
      "m/1",
      { id: "a 1", name: "x.txt" },
      chunks("hello ", "world"),
      11,
    );
    expect(entry).toEqual({ id: "a 1", name: "x.txt", state: "stored", bytes: 11 });
    await store.attachments.saveManifest({ messageId: "m/1", attachments: [entry] });
    expect(await text((await store.attachments.open("m/1", "a 1")) as Readable)).toBe("hello world");
    await store.removeMessage("m/1");
    expect(await store.attachments.open("m/1", "a 1")).toBeUndefined();
    expect(await files(store)).toEqual([]);
  });

  it("skips without downloading when the announced size is over the cap", async () => {
    const store = new LocalStore(dir);
    let opened = false;
    const entry = await store.attachments.save(
      "m",
      { id: "a", name: "big.bin", size: 5000 },
      async () => {
        opened = true;
        return Readable.from([]);
      },
      1000,
    );
    expect(entry).toMatchObject({ state: "skipped", reason: "too-large", size: 5000, limit: 1000 });
    expect(opened).toBe(false);
  });

  it("cuts a body that runs past the cap although its announced size was small, leaving no file", async () => {
    const store = new LocalStore(dir);
    const entry = await store.attachments.save(
      "m",
      { id: "a", name: "liar.bin", size: 3 },
      chunks("aaaa", "bbbb", "cccc"),
      6,
    );
    expect(entry).toMatchObject({ state: "skipped", limit: 6 });
    expect(await files(store)).toEqual([]);
  });

  it("a stream that fails mid-way propagates its error and leaves no partial file", async () => {
    const store = new LocalStore(dir);
    const failing = async () =>
      Readable.from(
        (async function* () {
          yield Buffer.from("part");
          throw Object.assign(new Error("socket closed"), { code: "ECONNRESET" });
        })(),
      );
    await expect(store.attachments.save("m", { id: "a", name: "x" }, failing, 100)).rejects.toThrow(
      "socket closed",
    );
    expect(await files(store)).toEqual([]);
  });
});

describe("syncMailbox and attachments", () => {
  it("keeps attachments with new messages and fetches them for messages cached without them", async () => {
    const server = new MemoryServer(8);
    const mailbox = new MemoryMailbox(server);
    const store = new LocalStore(dir);
    const withAttachment = [...server.messages.values()].filter((m) => m.attachments.length > 0);
    expect(withAttachment.length).toBeGreaterThan(1);
    // One message read online earlier: its JSON is there, its attachments are not.
    const early = withAttachment[0]!;
    await store.saveMessage(await mailbox.read(early.id));

    const report = await syncMailbox(mailbox, store);
    expect(report.attachmentsStored).toBe(withAttachment.length);
    expect(report.attachmentsSkipped).toBe(0);
    for (const m of withAttachment) {
      const stream = await store.attachments.open(m.id, "a1");
      expect(await text(stream as Readable)).toBe(`attachment of ${m.subject}`);
    }

    // Nothing left to fetch on the next pass.
    const again = await syncMailbox(mailbox, store);
    expect(again.attachmentsStored).toBe(0);
    expect(again.downloaded).toBe(0);
  });

  it("maxAttachmentBytes 0 keeps none and records each as skipped", async () => {
    const server = new MemoryServer(8);
    const store = new LocalStore(dir);
    const report = await syncMailbox(new MemoryMailbox(server), store, { maxAttachmentBytes: 0 });
    const withAttachment = [...server.messages.values()].filter((m) => m.attachments.length > 0);
    expect(report.attachmentsSkipped).toBe(withAttachment.length);
    expect(report.attachmentsStored).toBe(0);
    const manifest = await store.attachments.manifest(withAttachment[0]!.id);
    expect(manifest?.attachments).toEqual([
      expect.objectContaining({ id: "a1", state: "skipped", reason: "too-large", limit: 0 }),
    ]);
  });
});
