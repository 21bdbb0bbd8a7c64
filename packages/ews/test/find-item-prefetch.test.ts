import { Readable } from "node:stream";
import { isMailwireError, ParseError } from "@mailwire/core";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEwsClient } from "../src/index.js";

// findItems requests the next page while the caller consumes the current one: every item comes
// once and in order, a prefetched page's error surfaces only when the caller reaches that page,
// and leaving the loop early aborts the prefetch and waits for it, with no request left running
// and no unobserved rejection.

const M = "http://schemas.microsoft.com/exchange/services/2006/messages";
const T = "http://schemas.microsoft.com/exchange/services/2006/types";
const envelope = (body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="0" MajorBuildNumber="847" MinorBuildNumber="0" Version="Exchange2013_SP1" xmlns:h="${T}"/></s:Header><s:Body>${body}</s:Body></s:Envelope>`;

function pageXml(offset: number, pageSize: number, total: number, broken?: number): string {
  const count = Math.max(0, Math.min(pageSize, total - offset));
  const items = Array.from({ length: count }, (_, i) =>
    offset + i === broken
      ? // Subject never closed: the splitter cuts at </t:Message>, the item does not parse.
        `<t:Message><t:ItemId Id="id-${offset + i}" ChangeKey="ck"/><t:Subject>broken</t:Message>`
      : `<t:Message><t:ItemId Id="id-${offset + i}" ChangeKey="ck"/><t:Subject>Grüße — ${offset + i} &amp; co</t:Subject></t:Message>`,
  ).join("\n");
  const last = offset + count >= total;
  return envelope(
    `<m:FindItemResponse xmlns:m="${M}" xmlns:t="${T}"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="${offset + count}" TotalItemsInView="${total}" IncludesLastItemInRange="${last}"><t:Items>${items}</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>`,
  );
}

const errorXml = envelope(
  `<m:FindItemResponse xmlns:m="${M}" xmlns:t="${T}"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Error"><m:MessageText>The folder is gone.</m:MessageText><m:ResponseCode>ErrorFolderNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>`,
);

interface Call {
  offset: number;
  signal: AbortSignal | undefined;
  settled: boolean;
}

/**
 * An HttpClient answering FindItem from a folder of `total` items. `hold(offset)` makes that
 * page's answer wait until released (or until its request is aborted, which rejects it, as the
 * real client does); `fail` answers one offset with an EWS error.
 */
function fakeServer(total: number, setup: { hold?: number[]; fail?: number; broken?: number } = {}) {
  const calls: Call[] = [];
  const held = new Map<number, () => void>();
  const http = {
    async request({ body, signal }: { body: string; signal?: AbortSignal }) {
      const offset = Number(/Offset="(\d+)"/.exec(body)?.[1] ?? 0);
      const pageSize = Number(/MaxEntriesReturned="(\d+)"/.exec(body)?.[1] ?? 100);
      const call: Call = { offset, signal, settled: false };
      calls.push(call);
      try {
        if (setup.hold?.includes(offset)) {
          await new Promise<void>((resolve, reject) => {
            held.set(offset, resolve);
            const abort = () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
            if (signal?.aborted) abort();
            signal?.addEventListener("abort", abort, { once: true });
          });
        }
        const xml = offset === setup.fail ? errorXml : pageXml(offset, pageSize, total, setup.broken);
        const bytes = Buffer.from(xml);
        const chunks: Buffer[] = [];
        for (let at = 0; at < bytes.length; at += 700) chunks.push(bytes.subarray(at, at + 700));
        return { statusCode: 200, headers: {}, body: Readable.from(chunks) };
      } finally {
        call.settled = true;
      }
    },
    async close() {},
    async destroy() {},
    async [Symbol.asyncDispose]() {},
  };
  const client = createEwsClient({ url: "https://ews.invalid/EWS/Exchange.asmx", http: http as never });
  return { client, calls, release: (offset: number) => held.get(offset)?.() };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
});
afterEach(async () => {
  // Let any stray rejection reach the handler before checking.
  await new Promise((resolve) => setTimeout(resolve, 20));
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

describe("findItems prefetch", () => {
  it("every item once and in order; one request per page, none past the last", async () => {
    const { client, calls } = fakeServer(23);
    const ids: string[] = [];
    for await (const item of client.findItems("inbox", { pageSize: 5 })) ids.push(item.itemId.id);
    expect(ids).toEqual(Array.from({ length: 23 }, (_, i) => `id-${i}`));
    expect(calls.map((call) => call.offset)).toEqual([0, 5, 10, 15, 20]);
  });

  it("requests the next page before the caller has finished the current one", async () => {
    const { client, calls, release } = fakeServer(10, { hold: [5] });
    const iterator = client.findItems("inbox", { pageSize: 5 });
    const first = await iterator.next();
    expect(first.value?.itemId.id).toBe("id-0");
    // Page 2 was asked for while page 1 is still being consumed.
    await vi.waitFor(() => expect(calls.map((call) => call.offset)).toEqual([0, 5]), { timeout: 10_000 });
    for (let i = 1; i < 5; i++) expect((await iterator.next()).value?.itemId.id).toBe(`id-${i}`);
    release(5);
    const rest: string[] = [];
    for await (const item of { [Symbol.asyncIterator]: () => iterator }) rest.push(item.itemId.id);
    expect(rest).toEqual(["id-5", "id-6", "id-7", "id-8", "id-9"]);
    expect(calls).toHaveLength(2);
  });

  it("prefetch: false asks for a page only when the caller reaches it", async () => {
    const { client, calls } = fakeServer(10);
    const iterator = client.findItems("inbox", { pageSize: 5, prefetch: false });
    for (let i = 0; i < 5; i++) await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.map((call) => call.offset)).toEqual([0]);
    expect((await iterator.next()).value?.itemId.id).toBe("id-5");
    expect(calls.map((call) => call.offset)).toEqual([0, 5]);
    await iterator.return(undefined);
  });

  it("an early break aborts the prefetched request and waits until it has settled", async () => {
    const { client, calls } = fakeServer(20, { hold: [5] });
    const ids: string[] = [];
    for await (const item of client.findItems("inbox", { pageSize: 5 })) {
      ids.push(item.itemId.id);
      if (ids.length === 2) {
        await vi.waitFor(() => expect(calls).toHaveLength(2), { timeout: 10_000 });
        break;
      }
    }
    expect(ids).toEqual(["id-0", "id-1"]);
    expect(calls.map((call) => call.offset)).toEqual([0, 5]);
    const prefetched = calls[1] as Call;
    expect(prefetched.signal?.aborted).toBe(true);
    expect(prefetched.settled).toBe(true);
  });

  it("no prefetch when maxItems ends within the current page or the page is the last", async () => {
    const within = fakeServer(20);
    const ids: string[] = [];
    for await (const item of within.client.findItems("inbox", { pageSize: 5, maxItems: 5 }))
      ids.push(item.itemId.id);
    expect(ids).toHaveLength(5);
    expect(within.calls.map((call) => call.offset)).toEqual([0]);
    const across = fakeServer(20);
    const some: string[] = [];
    for await (const item of across.client.findItems("inbox", { pageSize: 5, maxItems: 7 }))
      some.push(item.itemId.id);
    expect(some).toEqual(["id-0", "id-1", "id-2", "id-3", "id-4", "id-5", "id-6"]);
    expect(across.calls.map((call) => call.offset)).toEqual([0, 5]);
    const single = fakeServer(3);
    for await (const _ of single.client.findItems("inbox", { pageSize: 5 })) {
      // consume
    }
    expect(single.calls).toHaveLength(1);
  });

  it("a prefetched page's error surfaces after every item of the page before it", async () => {
    const { client, calls } = fakeServer(20, { fail: 5 });
    const ids: string[] = [];
    let caught: unknown;
    const iterator = client.findItems("inbox", { pageSize: 5 });
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        ids.push(next.value.itemId.id);
        // The failing page has been fetched (and failed) while page 1 is still being consumed.
        if (ids.length === 1) {
          await vi.waitFor(() => expect(calls[1]?.settled).toBe(true), { timeout: 10_000 });
          // A slow caller: the rejection sits unobserved by the caller for a while.
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    } catch (error) {
      caught = error;
    }
    expect(ids).toEqual(["id-0", "id-1", "id-2", "id-3", "id-4"]);
    expect(isMailwireError(caught)).toBe(true);
    expect((caught as { details: { responseCode?: string } }).details.responseCode).toBe(
      "ErrorFolderNotFound",
    );
    expect(calls.map((call) => call.offset)).toEqual([0, 5]);
  });

  it("a malformed item fails the walk after the items before it and aborts the prefetch", async () => {
    const { client, calls } = fakeServer(20, { hold: [5], broken: 3 });
    const ids: string[] = [];
    let caught: unknown;
    try {
      for await (const item of client.findItems("inbox", { pageSize: 5 })) ids.push(item.itemId.id);
    } catch (error) {
      caught = error;
    }
    expect(ids).toEqual(["id-0", "id-1", "id-2"]);
    expect(caught).toBeInstanceOf(ParseError);
    expect(calls.map((call) => call.offset)).toEqual([0, 5]);
    expect(calls[1]?.signal?.aborted).toBe(true);
    expect(calls[1]?.settled).toBe(true);
  });

  it("any folder size, page size, maxItems and stopping point: a prefix of the items in order, each once, nothing left running", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.integer({ min: 0, max: 45 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 45 }), { nil: undefined }),
        async (total, pageSize, maxItems, stopAt) => {
          const { client, calls } = fakeServer(total);
          const ids: string[] = [];
          for await (const item of client.findItems("inbox", { pageSize, maxItems })) {
            ids.push(item.itemId.id);
            if (ids.length === stopAt) break;
          }
          const expected = Math.min(total, maxItems ?? total, stopAt ?? total);
          expect(ids).toEqual(Array.from({ length: expected }, (_, i) => `id-${i}`));
          // Pages in order, each asked for once, none beyond the folder's end.
          const offsets = calls.map((call) => call.offset);
          expect(offsets).toEqual(offsets.map((_, i) => i * pageSize));
          expect(offsets.every((offset) => offset === 0 || offset < total)).toBe(true);
          // At most one page beyond the ones the caller reached.
          expect(offsets.length).toBeLessThanOrEqual(Math.floor(Math.max(expected - 1, 0) / pageSize) + 2);
          expect(calls.every((call) => call.settled)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("the caller's signal aborts the prefetched request too", async () => {
    const { client, calls } = fakeServer(20, { hold: [5] });
    const controller = new AbortController();
    const ids: string[] = [];
    let caught: unknown;
    try {
      for await (const item of client.findItems("inbox", { pageSize: 5, signal: controller.signal })) {
        ids.push(item.itemId.id);
        if (ids.length === 1) {
          await vi.waitFor(() => expect(calls).toHaveLength(2), { timeout: 10_000 });
          controller.abort();
        }
      }
    } catch (error) {
      caught = error;
    }
    // The items already read are still delivered; the walk stops where the aborted page begins.
    expect(ids).toHaveLength(5);
    expect(caught).toBeDefined();
    expect(calls[1]?.signal?.aborted).toBe(true);
    expect(calls[1]?.settled).toBe(true);
  });
});
