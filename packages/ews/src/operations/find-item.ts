import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type FolderRef, folderIdNode } from "../model/ids.js";
import { type EwsItem, readItems } from "../model/item.js";
import { type Restriction, restrictionNode, type SortField, sortOrderNode } from "../model/restriction.js";
import { type ItemShape, itemShapeNode } from "../model/shape.js";
import { readResponseMessages, unwrapSingle } from "../soap/parse-response.js";
import { element, type XmlNode } from "../xml/serialize-xml.js";
import { childElement } from "../xml/xml-element.js";
import { findItemsLazily } from "./find-item-lazy.js";
import { checkPageSize, indexedPageViewNode, type Page, readPaging } from "./paging.js";

// FindItem (MS-OXWSSRCH 3.1.4.2) with IndexedPageItemView paging; element order follows the
// schema: ItemShape, view, Restriction, SortOrder, ParentFolderIds.

export interface FindItemsOptions extends SoapCallOptions {
  traversal?: "Shallow" | "SoftDeleted" | "Associated" | undefined;
  shape?: ItemShape | undefined;
  restriction?: Restriction | undefined;
  sortOrder?: readonly SortField[] | undefined;
  /** Items per request (default 100, at most 1,000). */
  pageSize?: number | undefined;
  /** Stop after this many items. */
  maxItems?: number | undefined;
  /**
   * Request the next page while the current one is being consumed (default true): the server's
   * time and the parsing overlap. At most one page is ahead; leaving the loop early aborts it.
   */
  prefetch?: boolean | undefined;
}

/** The FindItem request element; without `view` the server returns everything (the documented example). */
export function findItemBody(
  parent: FolderRef,
  options: Pick<FindItemsOptions, "traversal" | "shape" | "restriction" | "sortOrder">,
  view?: { offset: number; pageSize: number },
): XmlNode {
  return element(
    "m:FindItem",
    { Traversal: options.traversal ?? "Shallow" },
    itemShapeNode(options.shape ?? { baseShape: "IdOnly" }),
    view === undefined ? undefined : indexedPageViewNode("m:IndexedPageItemView", view.pageSize, view.offset),
    options.restriction === undefined ? undefined : restrictionNode(options.restriction),
    options.sortOrder === undefined ? undefined : sortOrderNode(options.sortOrder),
    element("m:ParentFolderIds", undefined, folderIdNode(parent)),
  );
}

export async function findItemsPage(
  soap: SoapClient,
  parent: FolderRef,
  offset: number,
  options: FindItemsOptions = {},
): Promise<Page<EwsItem>> {
  const pageSize = checkPageSize(options.pageSize, 100);
  const body = findItemBody(parent, options, { offset, pageSize });
  const response = await soap.call("FindItem", body, { ...options, idempotent: true });
  return unwrapSingle(
    readResponseMessages(response.body, (message) => {
      const root = childElement(message, "RootFolder");
      const items = readItems(childElement(root, "Items"));
      return { items, ...readPaging(root, offset, items.length) };
    }),
  );
}

/**
 * Every matching item, fetched a page at a time as the iterator is consumed; items are parsed one
 * at a time (find-item-lazy.ts), so a page's tree is never built whole.
 */
export function findItems(
  soap: SoapClient,
  parent: FolderRef,
  options: FindItemsOptions = {},
): AsyncGenerator<EwsItem> {
  return findItemsLazily(soap, parent, options);
}
