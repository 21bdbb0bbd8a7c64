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
});
