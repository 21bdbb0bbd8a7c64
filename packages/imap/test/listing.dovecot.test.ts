import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { connectImap, type ImapConnectOptions, type ImapSession, type MessageSummary } from "../src/index.js";
import { dovecotImapsOptions } from "./support/dovecot-options.js";

// The newest-first listing of a whole mailbox pages by sequence number without a UID SEARCH;
// these tests hold it to the SEARCH-based listing and to changes made by another connection.

function message(n: number): string {
  return `From: a@mailwire.test\r\nTo: b@mailwire.test\r\nSubject: listing ${n}\r\nMessage-ID: <listing-${n}@mailwire.test>\r\n\r\nbody ${n}\r\n`;
}

describeWithDovecot("@mailwire/imap newest-first listing without SEARCH against Dovecot", () => {
  const dovecot = useDovecot({ fixture: { messageCount: 5, largeMessageBytes: 0 } });
  let writer: ImapSession;
  let reader: ImapSession;
  let next = 0;

  const options = (): ImapConnectOptions => dovecotImapsOptions(dovecot(), "second");

  async function appendOne(): Promise<number> {
    next += 1;
    const result = await writer.append("INBOX", message(next));
    return result.uid as number;
  }

  /** Lists INBOX, running `during` once after `after` summaries have been yielded. */
  async function list(pageSize: number, after: number, during: () => Promise<void>): Promise<number[]> {
    const uids: number[] = [];
    for await (const summary of reader.messages("INBOX", { pageSize })) {
      uids.push(summary.uid);
      if (uids.length === after) await during();
    }
    return uids;
  }

  function expectNewestFirstWithoutDuplicates(uids: readonly number[]): void {
    expect(new Set(uids).size).toBe(uids.length);
    for (let index = 1; index < uids.length; index++) {
      expect(uids[index] as number).toBeLessThan(uids[index - 1] as number);
    }
  }

  beforeAll(async () => {
    writer = await connectImap(options());
    reader = await connectImap(options());
    const appended: number[] = [];
    for (let n = 0; n < 60; n++) appended.push(await appendOne());
    // UID gaps, so sequence numbers and UIDs differ.
    await writer.delete(
      "INBOX",
      appended.filter((_, index) => index % 9 === 4),
    );
  });
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    vi.restoreAllMocks();
  });

  it("equals the UID SEARCH-based listing, summary for summary, and sends no SEARCH", async () => {
    const all = await reader.search("INBOX", { all: true });
    const bySearch: MessageSummary[] = [];
    for await (const summary of reader.messages("INBOX", { pageSize: 7, uids: all })) bySearch.push(summary);
    const search = vi.spyOn(reader.client, "search");
    const bySequence: MessageSummary[] = [];
    for await (const summary of reader.messages("INBOX", { pageSize: 7 })) bySequence.push(summary);
    expect(search).not.toHaveBeenCalled();
    search.mockRestore();
    expect(bySequence.length).toBeGreaterThan(50);
    expect(bySequence).toEqual(bySearch);
  });

  it("growing pages (pageSize 3 up to maxPageSize 12) yield every message once, newest first", async () => {
    const all = await reader.search("INBOX", { all: true });
    const fetch = vi.spyOn(reader.client, "fetch");
    const grown: MessageSummary[] = [];
    for await (const summary of reader.messages("INBOX", { pageSize: 3, maxPageSize: 12 }))
      grown.push(summary);
    const ranges = fetch.mock.calls.map((call) => String(call[0]));
    fetch.mockRestore();
    const sizes = ranges.map((range) => {
      const [from, to] = range.split(":").map(Number);
      return (to as number) - (from as number) + 1;
    });
    // Sequence-number pages counted down from EXISTS: 3, 6, 12, 12, ... and the remainder.
    expect(sizes.slice(0, 4)).toEqual([3, 6, 12, 12]);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(all.length);
    expect(grown.map((summary) => summary.uid)).toEqual([...all].reverse());
    const fixed: MessageSummary[] = [];
    for await (const summary of reader.messages("INBOX", { pageSize: 7 })) fixed.push(summary);
    expect(grown).toEqual(fixed);
  });

  it("growing pages by UID (oldest first) yield every message once, in order", async () => {
    const all = await reader.search("INBOX", { all: true });
    const fetch = vi.spyOn(reader.client, "fetch");
    const uids: number[] = [];
    for await (const summary of reader.messages("INBOX", { order: "oldest", pageSize: 2, maxPageSize: 16 })) {
      uids.push(summary.uid);
    }
    const pages = fetch.mock.calls.length;
    fetch.mockRestore();
    expect(uids).toEqual(all);
    // 2 + 4 + 8 + 16 + 16 + ... instead of one FETCH per 2 messages.
    expect(pages).toBe(4 + Math.ceil(Math.max(0, all.length - 30) / 16));
  });

  it("breaking out of the listing early leaves the session usable", async () => {
    const all = await reader.search("INBOX", { all: true });
    for (const pageSize of [5, undefined]) {
      // In the first page, and (growing pages 2, 4, ...) in the middle of the third.
      const stopAfter = pageSize === undefined ? 1 : 9;
      const taken: number[] = [];
      for await (const summary of reader.messages(
        "INBOX",
        pageSize === undefined ? {} : { pageSize: 2, maxPageSize: 64 },
      )) {
        taken.push(summary.uid);
        if (taken.length === stopAfter) break;
      }
      expect(taken).toEqual([...all].reverse().slice(0, stopAfter));
      await reader.noop({ timeoutMs: 10_000 });
      const newest = taken[0] as number;
      const body = await reader.download("INBOX", newest, { timeoutMs: 10_000 });
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString("latin1")).toContain("Subject: listing");
      const again: number[] = [];
      for await (const summary of reader.messages("INBOX", { timeoutMs: 10_000 })) again.push(summary.uid);
      expect(again).toEqual([...all].reverse());
    }
  });

  it("another connection appends one and expunges one mid-listing: nothing lost or repeated", async () => {
    const before = await reader.search("INBOX", { all: true });
    const gone = before[10] as number; // not yet listed when the change happens
    let added = 0;
    const search = vi.spyOn(reader.client, "search");
    const listed = await list(8, 12, async () => {
      added = await appendOne();
      await writer.delete("INBOX", [gone]);
    });
    // The append reaches this session as EXISTS, so the rest came from the UID SEARCH fallback.
    expect(search).toHaveBeenCalledTimes(1);
    search.mockRestore();
    expectNewestFirstWithoutDuplicates(listed);
    const throughout = before.filter((uid) => uid !== gone);
    expect(listed.filter((uid) => uid !== gone).sort((a, b) => a - b)).toEqual(throughout);
    expect(listed).not.toContain(added);
  });

  it("an expunge reported between pages (NOOP) falls back without losing or repeating", async () => {
    const before = await reader.search("INBOX", { all: true });
    const gone = before.slice(0, 3); // the oldest three, listed last
    const search = vi.spyOn(reader.client, "search");
    const listed = await list(5, 6, async () => {
      await writer.delete("INBOX", gone);
      await reader.client.noop(); // the server may now report the EXPUNGEs
    });
    expect(search).toHaveBeenCalledTimes(1); // the fallback's UID SEARCH
    search.mockRestore();
    expectNewestFirstWithoutDuplicates(listed);
    expect(listed.sort((a, b) => a - b)).toEqual(before.filter((uid) => !gone.includes(uid)));
  });

  it("another folder selected between pages: the rest is listed by UID, nothing lost or repeated", async () => {
    const before = await reader.search("INBOX", { all: true });
    const search = vi.spyOn(reader.client, "search");
    const listed = await list(6, 7, async () => {
      await reader.search("Drafts", { all: true });
    });
    expect(search).toHaveBeenCalledTimes(2); // Drafts, then the fallback's UID SEARCH of INBOX
    search.mockRestore();
    expectNewestFirstWithoutDuplicates(listed);
    expect([...listed].sort((a, b) => a - b)).toEqual(before);
  });
});
