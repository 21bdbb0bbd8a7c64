import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode } from "@mailwire/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JsonFileSyncStore, LeaveOnServerSync, MemorySyncStore, validateSyncState } from "../src/index.js";

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "pop3-store-"));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("JsonFileSyncStore", () => {
  it("loads nothing before the first save, then what was saved, leaving no temporary files", async () => {
    const store = new JsonFileSyncStore(join(directory, "state.json"));
    expect(await store.load()).toBeUndefined();
    await store.save({ version: 1, seen: { "uid-1": 1000, "uid-2": 2000 } });
    await store.save({ version: 1, seen: { "uid-1": 1000, "uid-2": 2000, "uid-3": 3000 } });
    expect(await store.load()).toEqual({ version: 1, seen: { "uid-1": 1000, "uid-2": 2000, "uid-3": 3000 } });
    expect(await readdir(directory)).toEqual(["state.json"]);
  });

  it("treats a damaged file as an error, never as an empty state (which would re-deliver everything)", async () => {
    const path = join(directory, "state.json");
    const store = new JsonFileSyncStore(path);
    for (const content of [
      "{",
      "[]",
      '{"version":2,"seen":{}}',
      '{"version":1,"seen":{"bad id":1}}',
      '{"version":1,"seen":{"a":-1}}',
    ]) {
      await writeFile(path, content);
      await expect(store.load(), content).rejects.toMatchObject({ code: ErrorCode.PARSE });
    }
  });

  it("keeps the old state when a save fails half-way (the rename never happened)", async () => {
    const path = join(directory, "state.json");
    const store = new JsonFileSyncStore(path);
    await store.save({ version: 1, seen: { old: 1 } });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.save({ version: 1, seen: cyclic as never })).rejects.toThrow();
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ version: 1, seen: { old: 1 } });
    expect(await readdir(directory)).toEqual(["state.json"]);
  });
});

describe("sync state", () => {
  it("validates what a store returns", () => {
    expect(validateSyncState({ version: 1, seen: { a: 0 } })).toEqual({ version: 1, seen: { a: 0 } });
    expect(() => validateSyncState(null)).toThrow();
    expect(() => validateSyncState({ version: 1, seen: [] })).toThrow();
  });

  it("MemorySyncStore hands out copies", async () => {
    const store = new MemorySyncStore();
    const state = { version: 1 as const, seen: { a: 1 } };
    await store.save(state);
    (state.seen as Record<string, number>).b = 2;
    expect(await store.load()).toEqual({ version: 1, seen: { a: 1 } });
  });

  it("LeaveOnServerSync rejects a negative or non-finite deleteAfterDays", () => {
    const store = new MemorySyncStore();
    expect(() => new LeaveOnServerSync({ store, deleteAfterDays: -1 })).toThrow();
    expect(() => new LeaveOnServerSync({ store, deleteAfterDays: Number.NaN })).toThrow();
  });
});
