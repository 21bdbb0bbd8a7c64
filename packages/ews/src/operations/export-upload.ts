import type { Readable } from "node:stream";
import { InvalidArgumentError } from "@mailwire/core";
import { PAYLOAD_SLOT, type SoapCallOptions, type SoapClient } from "../client/soap-client.js";
import { type FolderRef, type ItemId, itemIdNode, readChildId, readId } from "../model/ids.js";
import { EwsResponseError } from "../soap/ews-response-error.js";
import { type EwsResult, readResponseMessages } from "../soap/parse-response.js";
import { type ByteSource, base64Chunks } from "../streaming/base64-encoder.js";
import { streamContent } from "../streaming/content-stream.js";
import { element, type XmlNode } from "../xml/serialize-xml.js";

// ExportItems and UploadItems (Exchange 2010 SP1+, MS-OXWSBTRF): an item's full-fidelity data as
// an opaque blob (Exchange's fast-transfer stream, not MIME) and the way back in. Export is
// streamed: one request per item, its m:Data decoded as it arrives (streaming/content-stream.ts),
// so an export of large items never holds a whole response. Upload takes bytes or a stream.

export interface ExportedItem {
  itemId: ItemId;
  /** The item's data, decoded as it arrives; consume or destroy it before the next item. */
  data: Readable;
}

export function exportItemBody(items: readonly ItemId[]): XmlNode {
  return element(
    "m:ExportItems",
    undefined,
    element("m:ItemIds", undefined, ...items.map((i) => itemIdNode(i))),
  );
}

/** Exports one item; the stream fails with the item's typed error if the server refuses it. */
export async function exportItem(
  soap: SoapClient,
  itemId: ItemId,
  options: SoapCallOptions = {},
): Promise<ExportedItem> {
  const body = exportItemBody([itemId]);
  return soap.recover("ExportItems", { ...options, idempotent: true }, async () => {
    const release = await soap.acquire(options.signal);
    try {
      const response = await soap.post("ExportItems", body, { ...options, idempotent: true });
      const { container, content } = await streamContent(response.body, {
        element: "Data",
        container: "ExportItemsResponseMessage",
        maxFrameBytes: soap.limits.maxStreamFrameBytes,
        onDone: release,
      });
      return { itemId: readChildId(container, "ItemId") ?? itemId, data: content };
    } catch (error) {
      release();
      throw error;
    }
  });
}

/**
 * Exports items one after another, one request each, as typed results: an item the server
 * refuses (ErrorItemNotFound, ErrorAccessDenied, ...) is an Error result and the walk goes on;
 * failures of the transport end it. Each `data` stream must be consumed before the iterator is
 * advanced (the next request starts only then); one left unread is destroyed.
 */
export async function* exportItems(
  soap: SoapClient,
  items: readonly ItemId[],
  options: SoapCallOptions = {},
): AsyncGenerator<EwsResult<ExportedItem>> {
  for (const itemId of items) {
    let exported: ExportedItem;
    try {
      exported = await exportItem(soap, itemId, options);
    } catch (error) {
      if (!(error instanceof EwsResponseError)) throw error;
      yield { ok: false, responseClass: "Error", responseCode: error.responseCode, error };
      continue;
    }
    yield { ok: true, responseClass: "Success", responseCode: "NoError", value: exported };
    if (!exported.data.readableEnded) exported.data.destroy();
  }
}

export type UploadAction = "CreateNew" | "Update" | "UpdateOrCreate";

export interface UploadItem {
  /** The folder to create the item in, or that holds the item to update. */
  parentFolder: FolderRef;
  /** Data from ExportItems: bytes, or a stream (then it must be the only item of the call). */
  data: ByteSource;
  /** Default CreateNew; Update and UpdateOrCreate need `itemId`. */
  createAction?: UploadAction | undefined;
  itemId?: ItemId | undefined;
  /** A folder-associated (hidden) item. */
  isAssociated?: boolean | undefined;
}

function uploadItemNode(item: UploadItem, data: XmlNode["children"]): XmlNode {
  const action = item.createAction ?? "CreateNew";
  if (action === "CreateNew" && item.itemId !== undefined) {
    throw new InvalidArgumentError("UploadItems with CreateNew must not name an itemId");
  }
  if (action !== "CreateNew" && item.itemId === undefined) {
    throw new InvalidArgumentError(`UploadItems with ${action} needs the itemId to update`);
  }
  // UploadItemType (types schema): ParentFolderId, ItemId, Data.
  return element(
    "t:Item",
    { CreateAction: action, IsAssociated: item.isAssociated },
    element("t:ParentFolderId", { Id: folderId(item.parentFolder) }),
    item.itemId === undefined ? undefined : itemIdNode(item.itemId),
    element("t:Data", undefined, ...(data ?? [])),
  );
}

// UploadItemType's ParentFolderId is a FolderIdType (an id, not a distinguished name).
function folderId(folder: FolderRef): string {
  if (typeof folder === "object" && "id" in folder) return folder.id;
  throw new InvalidArgumentError(
    "UploadItems needs a folder id (getFolder(name).folderId), not a distinguished folder name",
  );
}

export async function uploadItems(
  soap: SoapClient,
  items: readonly UploadItem[],
  options: SoapCallOptions = {},
): Promise<EwsResult<ItemId | undefined>[]> {
  if (items.length === 0) throw new InvalidArgumentError("uploadItems needs at least one item");
  const streamed = items.some((item) => !(item.data instanceof Uint8Array));
  if (streamed && items.length > 1) {
    throw new InvalidArgumentError("an item uploaded from a stream must be the only one in its call");
  }
  const read = (body: Parameters<typeof readResponseMessages>[0]) =>
    readResponseMessages(body, (message) => readId(message.children.find((c) => c.name === "ItemId")));
  const [first] = items;
  if (streamed && first !== undefined) {
    const node = element(
      "m:UploadItems",
      undefined,
      element("m:Items", undefined, uploadItemNode(first, [PAYLOAD_SLOT])),
    );
    return read((await soap.send("UploadItems", { node, payload: base64Chunks(first.data) }, options)).body);
  }
  const node = element(
    "m:UploadItems",
    undefined,
    element(
      "m:Items",
      undefined,
      ...items.map((item) => uploadItemNode(item, [Buffer.from(item.data as Uint8Array).toString("base64")])),
    ),
  );
  return read((await soap.call("UploadItems", node, options)).body);
}
