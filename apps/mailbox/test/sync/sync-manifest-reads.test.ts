import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { ConnectionError } from "@mailwire/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalStore } from "../../src/sync/local-store.js";
import { syncMailbox } from "../../src/sync/sync-mailbox.js";
import { MemoryMailbox, MemoryServer } from "../cli/memory-mailbox.js";

// Regression: syncMailbox read every cached message's attachment manifest on every pass to learn
// whether its attachments were kept (thousands of file reads per pass on a large cache, nothing
// changed). The message file now carries a mark written after the manifest; these tests pin
// that an unchanged pass reads no manifest, and that what was repaired or retried before still is.

// Every readFile the store makes goes through here, so a test can see which files a pass opens.
const fileReads = vi.hoisted(() => ({ paths: [] as string[] }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const readFileCounted = ((path: Parameters<typeof actual.readFile>[0], ...rest: unknown[]) => {
    fileReads.paths.push(String(path));
    return (actual.readFile as (...args: unknown[]) => Promise<unknown>)(path, ...rest);
  }) as typeof actual.readFile;
  return { ...actual, readFile: readFileCounted, default: { ...actual, readFile: readFileCounted } };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mailbox-manifest-reads-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Counts `store.attachments.manifest` calls and the manifest files actually read. */
function watchManifests(store: LocalStore) {
  const calls = { count: 0 };
  const original = store.attachments.manifest.bind(store.attachments);
  store.attachments.manifest = async (messageId) => {
    calls.count += 1;
    return original(messageId);
  };
  return {
    /** Runs one pass and says how many manifests it looked at (calls) and read from disk. */
    async pass(mailbox: MemoryMailbox, options: Parameters<typeof syncMailbox>[2] = {}) {
      calls.count = 0;
      fileReads.paths.length = 0;
      const report = await syncMailbox(mailbox, store, options);
      const manifestFiles = fileReads.paths.filter((p) => p.endsWith("manifest.json")).length;
      return { report, manifestCalls: calls.count, manifestFiles };
    },
  };
}

const withAttachments = (server: MemoryServer) =>
  [...server.messages.values()].filter((m) => m.attachments.length > 0);

/** A mailbox whose attachment downloads fail (the connection lost) while `failing` is set. */
class FlakyMailbox extends MemoryMailbox {
  failing = false;
  override async openAttachment(messageId: string, attachmentId: string): Promise<Readable> {
    if (this.failing) throw new ConnectionError("socket closed", { details: { protocol: "ews" } });
    return super.openAttachment(messageId, attachmentId);
  }
}

/**
 * Eight messages on a fresh store; `early` is the first with an attachment. With `readEarly` it
 * is cached as `read` online leaves it: the detail alone, no attachments kept, no mark.
 */
async function eightMessages<M extends MemoryMailbox = MemoryMailbox>(
  options: { readEarly?: boolean; mailbox?: (server: MemoryServer) => M } = {},
) {
  const server = new MemoryServer(8);
  const mailbox = options.mailbox ? options.mailbox(server) : (new MemoryMailbox(server) as M);
  const store = new LocalStore(dir);
  const early = withAttachments(server)[0]!;
  if (options.readEarly) await store.saveMessage(await mailbox.read(early.id));
  return { server, mailbox, store, early };
}

/** Rewrites every message file as the version before the mark wrote it: the detail alone. */
async function writeAsPreviousVersion(store: LocalStore): Promise<number> {
  const messages = join(store.directory, "messages");
  let stripped = 0;
  for (const name of await readdir(messages)) {
    const path = join(messages, name);
    const { $store, ...detail } = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    if ($store !== undefined) stripped += 1;
    await writeFile(path, JSON.stringify(detail));
  }
  return stripped;
}

describe("syncMailbox reads no attachment manifest for an unchanged message", () => {
  it("a second pass over an unchanged cache reads no manifest and fetches nothing", async () => {
    const server = new MemoryServer(40);
    const mailbox = new MemoryMailbox(server);
    const store = new LocalStore(dir);
    const watch = watchManifests(store);

    const first = await watch.pass(mailbox);
    expect(first.report.downloaded).toBe(40);
    expect(first.report.attachmentsStored).toBe(withAttachments(server).length);
    expect(first.manifestCalls).toBe(0); // nothing was cached, nothing to look up

    const second = await watch.pass(mailbox);
    expect(second.report).toMatchObject({ downloaded: 0, alreadyCached: 40, attachmentsStored: 0 });
    expect(second.manifestCalls).toBe(0);
    expect(second.manifestFiles).toBe(0);
    // Nothing under attachments/ is opened at all.
    expect(fileReads.paths.filter((p) => p.startsWith(store.attachments.directory))).toEqual([]);
    // The marks live in the store only: the detail handed out is the message as read.
    const sample = withAttachments(server)[0]!;
    const cached = await store.message(sample.id);
    expect(cached).not.toHaveProperty("$store");
    expect(await store.cachedMessage(sample.id)).toMatchObject({ attachmentManifest: true });
  });

  it("a flag changed on the server rewrites the message file and keeps the mark", async () => {
    const server = new MemoryServer(8);
    const mailbox = new MemoryMailbox(server);
    const store = new LocalStore(dir);
    const watch = watchManifests(store);
    await watch.pass(mailbox);
    const target = withAttachments(server)[0]!;
    await mailbox.markRead([target.id], true);

    const second = await watch.pass(mailbox);
    expect(second.manifestCalls).toBe(0);
    expect((await store.message(target.id))?.read).toBe(true);
    const third = await watch.pass(mailbox);
    expect(third.manifestCalls).toBe(0);
  });

  it("a message file written without the mark (online read, offline mark-read) costs one manifest read, once", async () => {
    const server = new MemoryServer(8);
    const mailbox = new MemoryMailbox(server);
    const store = new LocalStore(dir);
    const watch = watchManifests(store);
    await watch.pass(mailbox);
    // What `read` online and an offline `mark-read` do: save the detail with no mark.
    const target = withAttachments(server)[0]!;
    await store.saveMessage(await mailbox.read(target.id));

    const second = await watch.pass(mailbox);
    expect(second.manifestCalls).toBe(1);
    expect(second.report.attachmentsStored).toBe(0); // the manifest was there: nothing fetched
    expect((await watch.pass(mailbox)).manifestCalls).toBe(0);
  });
});

describe("syncMailbox still repairs and retries attachments", () => {
  it("a message cached without its attachments (read online) gets them, then is not looked at again", async () => {
    const { server, mailbox, store, early } = await eightMessages({ readEarly: true });
    const watch = watchManifests(store);

    const first = await watch.pass(mailbox);
    expect(first.manifestCalls).toBe(1);
    expect(first.report.attachmentsStored).toBe(withAttachments(server).length);
    expect(await text((await store.attachments.open(early.id, "a1")) as Readable)).toBe(
      `attachment of ${early.subject}`,
    );
    expect((await watch.pass(mailbox)).manifestCalls).toBe(0);
  });

  it("a pass killed between the attachment bytes and their manifest is repaired by the next", async () => {
    const { server, mailbox, store, early } = await eightMessages({ readEarly: true });
    // The process dies right as the manifest is to be written (the bytes are already in place).
    const saveManifest = store.attachments.saveManifest.bind(store.attachments);
    store.attachments.saveManifest = async () => {
      throw new Error("killed");
    };
    await expect(syncMailbox(mailbox, store)).rejects.toThrow("killed");
    expect(await store.attachments.manifest(early.id)).toBeUndefined();
    expect((await store.cachedMessage(early.id))?.attachmentManifest).toBe(false);
    store.attachments.saveManifest = saveManifest;

    const watch = watchManifests(store);
    const repaired = await watch.pass(mailbox);
    expect(repaired.manifestCalls).toBe(1);
    expect(repaired.report.attachmentsStored).toBe(withAttachments(server).length);
    expect(await store.attachments.manifest(early.id)).toMatchObject({ messageId: early.id });
    expect((await watch.pass(mailbox)).manifestCalls).toBe(0);
  });

  it("a pass killed between the manifest and the message file's mark reads that manifest once, fetches nothing", async () => {
    const { server, mailbox, store, early } = await eightMessages({ readEarly: true });
    const saveMessage = store.saveMessage.bind(store);
    store.saveMessage = async () => {
      throw new Error("killed");
    };
    await expect(syncMailbox(mailbox, store)).rejects.toThrow("killed");
    store.saveMessage = saveMessage;
    expect(await store.attachments.manifest(early.id)).toBeDefined();
    expect((await store.cachedMessage(early.id))?.attachmentManifest).toBe(false);

    const watch = watchManifests(store);
    const next = await watch.pass(mailbox);
    expect(next.manifestCalls).toBe(1);
    // Only the messages never saved are fetched; the early one's attachment is not fetched again.
    expect(next.report.attachmentsStored).toBe(withAttachments(server).length - 1);
    expect((await watch.pass(mailbox)).manifestCalls).toBe(0);
  });

  it.each([
    ["a new message", false],
    ["a message cached without its attachments", true],
  ])("%s whose attachment download failed is retried on the next pass", async (_name, cachedEarly) => {
    const { server, mailbox, store, early } = await eightMessages({
      readEarly: cachedEarly,
      mailbox: (s) => new FlakyMailbox(s),
    });
    mailbox.failing = true;
    const watch = watchManifests(store);

    const cut = await watch.pass(mailbox);
    expect(cut.report.interrupted?.code).toBe("MW_CONNECTION");
    expect(cut.report.attachmentsStored).toBe(0);
    expect(await store.attachments.manifest(early.id)).toBeUndefined();

    mailbox.failing = false;
    const retried = await watch.pass(mailbox);
    expect(retried.report.interrupted).toBeUndefined();
    expect(retried.report.attachmentsStored).toBe(withAttachments(server).length);
    expect(await text((await store.attachments.open(early.id, "a1")) as Readable)).toBe(
      `attachment of ${early.subject}`,
    );
    expect((await watch.pass(mailbox)).manifestCalls).toBe(0);
  });

  it("a cache written by the previous version (no marks) loads, is marked on its first pass, and fetches nothing", async () => {
    const server = new MemoryServer(12);
    const mailbox = new MemoryMailbox(server);
    const store = new LocalStore(dir);
    await syncMailbox(mailbox, store);
    expect(await writeAsPreviousVersion(store)).toBe(12);

    const reopened = new LocalStore(dir);
    const sample = withAttachments(server)[0]!;
    const { content: _content, ...expected } = server.messages.get(sample.id)!;
    expect(await reopened.message(sample.id)).toEqual(expected);
    expect((await reopened.cachedMessage(sample.id))?.attachmentManifest).toBe(false);

    const watch = watchManifests(reopened);
    const first = await watch.pass(mailbox);
    expect(first.report).toMatchObject({ downloaded: 0, alreadyCached: 12, attachmentsStored: 0 });
    expect(first.manifestCalls).toBe(withAttachments(server).length);
    expect(await text((await reopened.attachments.open(sample.id, "a1")) as Readable)).toBe(
      `attachment of ${sample.subject}`,
    );
    expect((await watch.pass(mailbox)).manifestCalls).toBe(0);
    // A file with the mark is still the detail for a reader that ignores `$store` (the previous version).
    const raw = JSON.parse(
      await readFile(join(dir, "messages", (await readdir(join(dir, "messages")))[0]!), "utf8"),
    ) as Record<string, unknown>;
    expect(raw).toMatchObject({
      id: expect.any(String),
      subject: expect.any(String),
      attachments: expect.any(Array),
    });
  });
});
