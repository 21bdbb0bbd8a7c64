import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type EwsFolder, readFolders } from "../model/folder.js";
import { type FolderRef, folderIdNode } from "../model/ids.js";
import { type FolderShape, folderShapeNode } from "../model/shape.js";
import { readResponseMessages, unwrapSingle } from "../soap/parse-response.js";
import { element } from "../xml/serialize-xml.js";
import { childElement } from "../xml/xml-element.js";
import { checkPageSize, indexedPageViewNode, type Page, readPaging, walkPages } from "./paging.js";

// FindFolder (MS-OXWSSRCH 3.1.4.1): child folders, Shallow or Deep, paged.

export interface FindFoldersOptions extends SoapCallOptions {
  traversal?: "Shallow" | "Deep" | "SoftDeleted" | undefined;
  shape?: FolderShape | undefined;
  pageSize?: number | undefined;
}

export async function findFoldersPage(
  soap: SoapClient,
  parent: FolderRef,
  offset: number,
  options: FindFoldersOptions = {},
): Promise<Page<EwsFolder>> {
  const pageSize = checkPageSize(options.pageSize, 100);
  const body = element(
    "m:FindFolder",
    { Traversal: options.traversal ?? "Shallow" },
    folderShapeNode(options.shape),
    indexedPageViewNode("m:IndexedPageFolderView", pageSize, offset),
    element("m:ParentFolderIds", undefined, folderIdNode(parent)),
  );
  const response = await soap.call("FindFolder", body, { ...options, idempotent: true });
  return unwrapSingle(
    readResponseMessages(response.body, (message) => {
      const root = childElement(message, "RootFolder");
      const items = readFolders(childElement(root, "Folders"));
      return { items, ...readPaging(root, offset, items.length) };
    }),
  );
}

export function findFolders(
  soap: SoapClient,
  parent: FolderRef,
  options: FindFoldersOptions = {},
): AsyncGenerator<EwsFolder> {
  return walkPages((offset) => findFoldersPage(soap, parent, offset, options));
}
