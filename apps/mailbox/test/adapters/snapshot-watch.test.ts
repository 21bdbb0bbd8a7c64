import { AuthError, ConnectionError } from "@mailwire/core";
import { describe, expect, it } from "vitest";
import { type FolderSnapshot, snapshotWatch } from "../../src/adapters/shared/snapshot-watch.js";
import type { MailEvent } from "../../src/mailbox.js";

// The folder comparison behind MAPI and POP3 watch: a silent baseline, then one event per
// change, in a fixed order (new and flags in snapshot order, then expunged).

function sequence(...snapshots: FolderSnapshot[]) {
  let index = 0;
  let waits = 0;
  return {
    snapshot: async () => snapshots[Math.min(index++, snapshots.length - 1)] as FolderSnapshot,
    wait: async () => {
      waits += 1;
    },
    waits: () => waits,
  };
}

async function take(iterable: AsyncIterable<MailEvent>, count: number): Promise<MailEvent[]> {
  const out: MailEvent[] = [];
  for await (const event of iterable) {
    out.push(event);
    if (out.length === count) break;
  }
  return out;
}

describe("snapshotWatch", () => {
  it("reports new, changed and vanished messages after a silent baseline", async () => {
    const source = sequence(
      new Map([
        ["a", false],
        ["b", true],
        ["c", false],
      ]),
      new Map([
        ["a", true],
        ["b", true],
        ["d", false],
      ]),
      new Map([
        ["a", true],
        ["b", true],
        ["d", false],
        ["e", undefined],
      ]),
    );
    const events = await take(snapshotWatch({ folderId: "F", ...source }), 4);
    expect(events).toEqual([
      { type: "flags", folderId: "F", messageId: "a" },
      { type: "new", folderId: "F", messageId: "d" },
      { type: "expunged", folderId: "F", messageId: "c" },
      { type: "new", folderId: "F", messageId: "e" },
    ]);
    expect(source.waits()).toBe(2);
  });

  it("ignores read flags a protocol does not have (undefined)", async () => {
    const source = sequence(
      new Map([["a", undefined]]),
      new Map([["a", undefined]]),
      new Map([
        ["a", undefined],
        ["b", undefined],
      ]),
    );
    expect(await take(snapshotWatch({ folderId: "F", ...source }), 1)).toEqual([
      { type: "new", folderId: "F", messageId: "b" },
    ]);
  });

  it("ends with the abort error when the signal fires", async () => {
    const controller = new AbortController();
    const source = sequence(new Map());
    const watch = snapshotWatch({
      folderId: "F",
      signal: controller.signal,
      snapshot: source.snapshot,
      wait: async () => {
        controller.abort();
      },
    });
    await expect(take(watch, 1)).rejects.toMatchObject({ code: "MW_ABORTED" });
  });

  it("survives a dropped connection: the next snapshot is compared with the last good one", async () => {
    const snapshots: (FolderSnapshot | Error)[] = [
      new Map([["a", false]]),
      new ConnectionError("connection reset"),
      new ConnectionError("connection refused"),
      new Map([
        ["a", false],
        ["b", false],
      ]),
    ];
    let index = 0;
    const watch = snapshotWatch({
      folderId: "F",
      backoff: { baseDelayMs: 1, maxDelayMs: 2 },
      snapshot: async () => {
        const next = snapshots[Math.min(index++, snapshots.length - 1)];
        if (next instanceof Error) throw next;
        return next as FolderSnapshot;
      },
      wait: async () => undefined,
    });
    expect(await take(watch, 1)).toEqual([{ type: "new", folderId: "F", messageId: "b" }]);
    expect(index).toBe(4);
  });

  it("throws what retrying cannot fix, and gives up after maxFailures in a row", async () => {
    const refused = snapshotWatch({
      folderId: "F",
      snapshot: async () => new Map(),
      wait: async () => {
        throw new AuthError("password refused");
      },
    });
    await expect(take(refused, 1)).rejects.toMatchObject({ code: "MW_AUTH_FAILED" });
    let attempts = 0;
    const down = snapshotWatch({
      folderId: "F",
      maxFailures: 2,
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
      snapshot: async () => new Map(),
      wait: async () => {
        attempts += 1;
        throw new ConnectionError("down");
      },
    });
    await expect(take(down, 1)).rejects.toMatchObject({ code: "MW_CONNECTION" });
    expect(attempts).toBe(3);
  });
});
