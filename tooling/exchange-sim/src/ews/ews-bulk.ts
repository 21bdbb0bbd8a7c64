import type { ServerResponse } from "node:http";
import type { MailboxStore, StoreMessage } from "../store/mailbox-store.js";
import { changeKey, EwsIdError, itemIdsOf, ROOT_ID, resolveOneFolder } from "./ews-ids.js";
import { newFixture } from "./ews-item-ops.js";
import { type EwsContext, type EwsOperation, perItem } from "./ews-operation.js";
import {
  all,
  attr,
  ENVELOPE_TAIL,
  type EwsNode,
  envelopeHead,
  errorMessage,
  NS,
  one,
  operationResponse,
  successMessage,
  text,
} from "./ews-xml.js";

// ExportItems / UploadItems (MS-OXWSBTRF) and ArchiveItem. Exchange exports an opaque
// fast-transfer stream; the sim's "opaque" data is the message's MIME, which UploadItems takes
// back. Export responses are written in slices with backpressure, like GetAttachment, so a
// client's streaming is exercised. UploadItems with Update replaces the message in the shared
// store (delete + add, so the id changes — Exchange keeps it). The archive mailbox is modelled
// as a folder "In-Place Archive" under the root of the shared store, created on first use.

function messageOf(store: MailboxStore, id: string): StoreMessage {
  if (!/^msg-\d{4,}$/.test(id)) throw new EwsIdError("ErrorInvalidIdMalformed", "Id is malformed.");
  try {
    return store.message(id);
  } catch {
    throw new EwsIdError("ErrorItemNotFound", "The specified object was not found in the store.");
  }
}

async function write(res: ServerResponse, chunk: string): Promise<void> {
  if (!res.write(chunk)) await new Promise<void>((resolve) => res.once("drain", resolve));
}

export async function exportItems(context: EwsContext, request: EwsNode, res: ServerResponse): Promise<void> {
  res.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" });
  await write(
    res,
    `${envelopeHead(context.version)}<m:ExportItemsResponse xmlns:m="${NS.m}" xmlns:t="${NS.t}"><m:ResponseMessages>`,
  );
  for (const { id } of itemIdsOf(one(request, "ItemIds"))) {
    let message: StoreMessage;
    try {
      message = messageOf(context.store, id);
    } catch (error) {
      const code = error instanceof EwsIdError ? error.responseCode : "ErrorInternalServerError";
      await write(res, errorMessage("ExportItems", code, (error as Error).message));
      continue;
    }
    await write(
      res,
      `<m:ExportItemsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:ItemId Id="${message.id}" ChangeKey="${changeKey(message)}"/><m:Data>`,
    );
    const slice = 48 * 1024;
    for (let at = 0; at < message.raw.length; at += slice) {
      await write(res, Buffer.from(message.raw.subarray(at, at + slice)).toString("base64"));
    }
    await write(res, "</m:Data></m:ExportItemsResponseMessage>");
  }
  res.end(`</m:ResponseMessages></m:ExportItemsResponse>${ENVELOPE_TAIL}`);
}

export const uploadItems: EwsOperation = ({ store, version, address }, request) => {
  const messages = all(one(request, "Items"), "Item").map((node) =>
    perItem("UploadItems", () => {
      const folderId = attr(one(node, "ParentFolderId"), "Id") ?? "";
      let folder: ReturnType<MailboxStore["folder"]>;
      try {
        folder = store.folder(folderId);
      } catch {
        throw new EwsIdError("ErrorFolderNotFound", "The specified folder could not be found in the store.");
      }
      const action = attr(node, "CreateAction") ?? "";
      const itemId = attr(one(node, "ItemId"), "Id");
      const data = text(one(node, "Data"));
      if (data === "" || !/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
        throw new EwsIdError("ErrorInvalidRequest", "Data is not valid base64 item data.");
      }
      if (action === "CreateNew" && itemId !== undefined) {
        throw new EwsIdError("ErrorInvalidRequest", "CreateNew must not carry an ItemId.");
      }
      if (action === "Update" || action === "UpdateOrCreate") {
        if (itemId === undefined) throw new EwsIdError("ErrorInvalidRequest", `${action} needs an ItemId.`);
        const existing = store.messages(folder.id).find((m) => m.id === itemId);
        if (existing === undefined && action === "Update") {
          throw new EwsIdError("ErrorItemNotFound", "The item to update is not in the parent folder.");
        }
        if (existing !== undefined) store.deleteMessage(existing.id, { hard: true });
      } else if (action !== "CreateNew") {
        throw new EwsIdError("ErrorInvalidRequest", `CreateAction ${action} is not valid.`);
      }
      const fixture = newFixture(address, { MimeContent: [{ "#text": data }] }, folder.path);
      const created = store.addMessage(folder.id, fixture);
      return successMessage(
        "UploadItems",
        `<m:ItemId Id="${created.id}" ChangeKey="${changeKey(created)}"/>`,
      );
    }),
  );
  return operationResponse(version, "UploadItems", messages);
};

const ARCHIVE_NAME = "In-Place Archive";

export const archiveItem: EwsOperation = ({ store, version }, request) => {
  const source = one(request, "ArchiveSourceFolderId");
  const messages = itemIdsOf(one(request, "ItemIds")).map(({ id }) =>
    perItem(
      "ArchiveItem",
      () => {
        const message = messageOf(store, id);
        // Archiving takes items from the named folder; the root stands for any folder.
        const sourceFolder = resolveOneFolder(store, source);
        const inSource = sourceFolder === ROOT_ID || message.folderId === sourceFolder;
        if (!inSource) {
          throw new EwsIdError("ErrorItemNotFound", "The item is not in the archive source folder.");
        }
        const archive = store.folderByPath([ARCHIVE_NAME]) ?? store.createFolder(undefined, ARCHIVE_NAME);
        const moved = store.moveMessage(message.id, archive.id);
        return successMessage(
          "ArchiveItem",
          `<m:Items><t:Message><t:ItemId Id="${moved.id}" ChangeKey="${changeKey(moved)}"/></t:Message></m:Items>`,
        );
      },
      "<m:Items/>",
    ),
  );
  return operationResponse(version, "ArchiveItem", messages);
};
