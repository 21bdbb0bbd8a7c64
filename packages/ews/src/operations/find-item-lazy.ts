import { setImmediate as eventLoopTurn } from "node:timers/promises";
import { LimitExceededError } from "@mailwire/core";
import type { SoapClient } from "../client/soap-client.js";
import type { FolderRef } from "../model/ids.js";
import { type EwsItem, ITEM_ELEMENTS, readItem } from "../model/item.js";
import { readResponseMessages, readSoapResponse, unwrapSingle } from "../soap/parse-response.js";
import { ItemSplitter, pieceXml, type SplitPiece } from "../streaming/item-splitter.js";
import { parseXml } from "../xml/parse-xml.js";
import { childElement } from "../xml/xml-element.js";
import { type FindItemsOptions, findItemBody } from "./find-item.js";
import { checkPageSize, readPaging } from "./paging.js";

// The findItems iterator's pages, read for memory: while a page arrives it is split into its
// frame (envelope, ResponseMessage, RootFolder with the paging attributes) and its items' markup
// (streaming/item-splitter.ts), kept as bytes; the frame is parsed and checked as soon as the
// page has ended, and the connection is released. Items are parsed one at a time as the caller
// takes them, so a 1,000-item page never exists as one tree (measured in the README's benchmark:
// the page trees were most of the client's peak heap). An item whose markup is malformed fails
// the iteration when it is reached, after the items before it. (Parsing a few dozen items per
// parseXml call instead was measured and saved no CPU: the per-call setup is not where the time
// goes, and the larger short-lived trees sometimes doubled V8's young generation.)
//
// Prefetch: once a page has arrived, the request for the next one (its offset is the
// IndexedPagingOffset the server just sent, MS-OXWSSRCH 2.2.4.x) goes out while the caller works
// through the current page, so the server's time and ours overlap instead of adding up. Only a
// page the walk will certainly need is requested: not after the last one, not past the
// TotalItemsInView of the page before it, not when maxItems is reached within the current page.
// At most one page is ahead (its bytes, ~1 MB for 1,000 items, are the memory cost). Its errors
// are held until the caller reaches it, and leaving the loop early (break, return, a throw)
// aborts it and waits until it has settled, so no request outlives the iteration.

type Paging = ReturnType<typeof readPaging>;

interface PageContent {
  /** Each element of the list as bytes (items, and anything else the server put there). */
  fragments: (SplitPiece | undefined)[];
  paging: Paging;
}

async function fetchPage(
  soap: SoapClient,
  parent: FolderRef,
  offset: number,
  pageSize: number,
  options: FindItemsOptions,
  signal: AbortSignal,
): Promise<PageContent> {
  const body = findItemBody(parent, options, { offset, pageSize });
  const callOptions = { ...options, signal, idempotent: true };
  return soap.recover("FindItem", callOptions, async () => {
    const release = await soap.acquire(signal);
    try {
      const response = await soap.post("FindItem", body, callOptions);
      // A fault (HTTP 500) is read whole and thrown as its typed error.
      if (response.statusCode !== 200) await soap.readResponse(response);
      const max = soap.limits.maxResponseBytes;
      const splitter = new ItemSplitter({
        maxFrameChars: soap.limits.maxStreamFrameBytes,
        maxItemChars: max,
      });
      const fragments: (SplitPiece | undefined)[] = [];
      let total = 0;
      try {
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          total += chunk.byteLength;
          if (total > max) {
            throw new LimitExceededError(`the EWS response exceeds ${max} bytes`, {
              limit: "maxResponseBytes",
              max,
            });
          }
          for (const piece of splitter.push(chunk)) fragments.push(piece);
        }
      } catch (error) {
        response.body.destroy();
        throw error;
      }
      const frame = readSoapResponse(parseXml(splitter.end(), soap.limits));
      soap.observe(frame);
      const paging = unwrapSingle(
        readResponseMessages(frame.body, (message) =>
          readPaging(childElement(message, "RootFolder"), offset, fragments.length),
        ),
      );
      return { fragments, paging };
    } finally {
      release();
    }
  });
}

/** A page request under way, with its own abort (linked to the caller's signal). */
interface PageRequest {
  offset: number;
  content: Promise<PageContent>;
  /** Aborts the request and resolves once it has settled, whichever way. */
  cancel(): Promise<void>;
}

function requestPage(
  soap: SoapClient,
  parent: FolderRef,
  offset: number,
  pageSize: number,
  options: FindItemsOptions,
): PageRequest {
  const controller = new AbortController();
  const outer = options.signal;
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener("abort", forward, { once: true });
  const content = fetchPage(soap, parent, offset, pageSize, options, controller.signal).finally(() =>
    outer?.removeEventListener("abort", forward),
  );
  // Held, not unobserved: the caller awaits it when it reaches the page, or cancel() does.
  content.catch(() => {});
  return {
    offset,
    content,
    async cancel() {
      controller.abort();
      await content.then(
        () => undefined,
        () => undefined,
      );
    },
  };
}

/** Items between two event-loop turns while a prefetch is under way (see findItemsLazily). */
const TURN_EVERY = 64;

/** Every matching item; pages are requested as the caller consumes them, one page ahead. */
export async function* findItemsLazily(
  soap: SoapClient,
  parent: FolderRef,
  options: FindItemsOptions = {},
): AsyncGenerator<EwsItem> {
  const pageSize = checkPageSize(options.pageSize, 100);
  const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  const prefetch = options.prefetch ?? true;
  if (maxItems <= 0) return;
  let next: PageRequest | undefined = requestPage(soap, parent, 0, pageSize, options);
  let yielded = 0;
  try {
    for (;;) {
      const current: PageRequest = next;
      next = undefined;
      const { fragments, paging } = await current.content;
      const count = fragments.length;
      // A page that makes no progress ends the walk instead of looping on a misbehaving server.
      const last = paging.includesLastItemInRange || count === 0 || paging.nextOffset <= current.offset;
      const beyondTotal = paging.totalItemsInView > 0 && paging.nextOffset >= paging.totalItemsInView;
      // `count` bounds the items in this page, so below maxItems the next page is certainly needed.
      if (prefetch && !last && !beyondTotal && yielded + count < maxItems) {
        next = requestPage(soap, parent, paging.nextOffset, pageSize, options);
      }
      for (let index = 0; index < count; index++) {
        // A caller that takes items as fast as they come never gives the event loop a turn: each
        // item is a resolved promise, and the microtask queue runs dry only at the page's end. The
        // prefetch's request would then sit unsent (the HTTP client dispatches it on a later
        // turn) and nothing would overlap; one turn every TURN_EVERY items lets it go out and
        // its reply be read as it arrives.
        if (next !== undefined && index % TURN_EVERY === 0) await eventLoopTurn();
        const element = parseXml(pieceXml(fragments[index] as SplitPiece), soap.limits);
        fragments[index] = undefined; // the fragment's bytes can go as soon as its item is built
        if (!ITEM_ELEMENTS.has(element.name)) continue;
        if (yielded >= maxItems) return;
        yielded++;
        yield readItem(element);
      }
      if (last || yielded >= maxItems) return;
      next ??= requestPage(soap, parent, paging.nextOffset, pageSize, options);
    }
  } finally {
    await next?.cancel();
  }
}
