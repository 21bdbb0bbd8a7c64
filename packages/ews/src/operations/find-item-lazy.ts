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
// frame (envelope, ResponseMessage, RootFolder with the paging attributes) and one markup
// fragment per item (streaming/item-splitter.ts); the frame is parsed and checked as soon as the
// page has ended, and the connection is released. Items are parsed one at a time as the caller
// takes them, so a 1,000-item page never exists as one tree (measured in the README's
// benchmark: the page trees were most of the client's peak heap). An item whose fragment is
// malformed fails the iteration when it is reached, after the items before it.

type Paging = ReturnType<typeof readPaging>;

async function fetchPage(
  soap: SoapClient,
  parent: FolderRef,
  offset: number,
  pageSize: number,
  options: FindItemsOptions,
): Promise<{ fragments: (SplitPiece | undefined)[]; paging: Paging }> {
  const body = findItemBody(parent, options, { offset, pageSize });
  const callOptions = { ...options, idempotent: true };
  return soap.recover("FindItem", callOptions, async () => {
    const release = await soap.acquire(options.signal);
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

/** Every matching item; pages are requested as the caller consumes them. */
export async function* findItemsLazily(
  soap: SoapClient,
  parent: FolderRef,
  options: FindItemsOptions = {},
): AsyncGenerator<EwsItem> {
  const pageSize = checkPageSize(options.pageSize, 100);
  const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  let offset = 0;
  let yielded = 0;
  for (;;) {
    if (yielded >= maxItems) return;
    const { fragments, paging } = await fetchPage(soap, parent, offset, pageSize, options);
    for (let index = 0; index < fragments.length; index++) {
      const element = parseXml(pieceXml(fragments[index] as SplitPiece), soap.limits);
      fragments[index] = undefined; // the fragment's bytes can go as soon as its item is built
      if (!ITEM_ELEMENTS.has(element.name)) continue;
      if (yielded >= maxItems) return;
      yielded++;
      yield readItem(element);
    }
    // A page that makes no progress ends the walk instead of looping on a misbehaving server.
    if (paging.includesLastItemInRange || fragments.length === 0 || paging.nextOffset <= offset) return;
    offset = paging.nextOffset;
  }
}
