import type { ServerResponse } from "node:http";
import type { RouteContext, Router } from "../http/router.js";
import { attachmentXml, EwsAttachments } from "./ews-attachments.js";
import { archiveItem, exportItems, uploadItems } from "./ews-bulk.js";
import {
  createEwsControl,
  EWS_SCHEMA_VERSIONS,
  type EwsControlInternals,
  type EwsSchemaVersion,
  type EwsSimControl,
} from "./ews-control.js";
import { expandDL } from "./ews-directory.js";
import {
  createFolder,
  deleteFolder,
  emptyFolder,
  findFolder,
  getFolder,
  syncFolderHierarchy,
} from "./ews-folder-ops.js";
import { itemIdsOf, resolveOneFolder } from "./ews-ids.js";
import {
  copyItem,
  createItem,
  deleteItem,
  findItem,
  getItem,
  markAllItemsAsRead,
  moveItem,
  updateItem,
} from "./ews-item-ops.js";
import { EwsMeetings, RESPONSE_OBJECTS } from "./ews-meetings.js";
import { EwsNotifications } from "./ews-notifications.js";
import type { EwsContext, EwsOperation } from "./ews-operation.js";
import { EwsPim, PIM_KINDS } from "./ews-pim.js";
import { resolveNames } from "./ews-resolve-names.js";
import { syncFolderItems } from "./ews-sync-ops.js";
import {
  all,
  attr,
  ENVELOPE_TAIL,
  type EwsNode,
  envelopeHead,
  errorMessage,
  firstElement,
  NS,
  one,
  parseRequest,
  path,
  soapFault,
  successMessage,
  text,
  x,
} from "./ews-xml.js";

// POST /EWS/Exchange.asmx: the operations @mailwire/ews implements, over the shared store, with
// SOAP faults for what EWS answers at the envelope level (schema version, throttling, bad XML).

const OPERATIONS: Readonly<Record<string, EwsOperation>> = {
  GetFolder: getFolder,
  FindFolder: findFolder,
  CreateFolder: createFolder,
  DeleteFolder: deleteFolder,
  EmptyFolder: emptyFolder,
  SyncFolderHierarchy: syncFolderHierarchy,
  FindItem: findItem,
  GetItem: getItem,
  CreateItem: createItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  MoveItem: moveItem,
  CopyItem: copyItem,
  MarkAllItemsAsRead: markAllItemsAsRead,
  SyncFolderItems: syncFolderItems,
  ResolveNames: resolveNames,
  ExpandDL: expandDL,
  UploadItems: uploadItems,
  ArchiveItem: archiveItem,
};

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "text/xml; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

async function write(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (!res.write(chunk)) await new Promise<void>((resolve) => res.once("drain", resolve));
}

/**
 * GetAttachment. One file attachment is streamed: base64 written in slices with backpressure, as
 * a large download would be. Item attachments (the embedded item as markup) and batches are
 * answered in one piece.
 */
async function getAttachment(
  context: EwsContext,
  request: ReturnType<typeof parseRequest>,
  res: ServerResponse,
): Promise<void> {
  const ids = all(one(request, "AttachmentIds"), "AttachmentId").map((node) => attr(node, "Id") ?? "");
  const found = ids.map((id) => context.attachments.find(context.store, id));
  const [id = ""] = ids;
  const attachment = found.length === 1 && found[0]?.item === undefined ? found[0]?.attachment : undefined;
  const open = `${envelopeHead(context.version)}<m:GetAttachmentResponse xmlns:m="${NS.m}" xmlns:t="${NS.t}"><m:ResponseMessages>`;
  const close = `</m:ResponseMessages></m:GetAttachmentResponse>${ENVELOPE_TAIL}`;
  if (attachment === undefined) {
    // Item attachments, several ids, or unknown ids: one buffered reply, a message per id.
    const messages = found.map((listed) =>
      listed === undefined
        ? errorMessage("GetAttachment", "ErrorInvalidIdMalformed", "Id is malformed.", "<m:Attachments/>")
        : successMessage("GetAttachment", `<m:Attachments>${attachmentXml(listed, true)}</m:Attachments>`),
    );
    send(res, 200, `${open}${messages.join("")}${close}`);
    return;
  }
  res.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" });
  await write(
    res,
    `${open}<m:GetAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments><t:FileAttachment><t:AttachmentId Id="${x(id)}"/><t:Name>${x(attachment.name)}</t:Name><t:ContentType>${x(attachment.contentType)}</t:ContentType><t:Size>${attachment.bytes.length}</t:Size><t:IsInline>${attachment.inline}</t:IsInline><t:Content>`,
  );
  const slice = 48 * 1024;
  for (let at = 0; at < attachment.bytes.length; at += slice) {
    await write(res, Buffer.from(attachment.bytes.subarray(at, at + slice)).toString("base64"));
  }
  res.end(`</t:Content></t:FileAttachment></m:Attachments></m:GetAttachmentResponseMessage>${close}`);
}

export function registerEws(router: Router): EwsSimControl {
  const notifications = new EwsNotifications();
  const pim = new EwsPim();
  const meetings = new EwsMeetings(pim);
  pim.onMeetingSent = (context, id, node, type) => meetings.saveSentRequest(context, id, node, type);
  const attachments = new EwsAttachments();
  /** Calendar/contact/task requests go to ews-pim.ts; undefined means "a message request". */
  const routePim = (context: EwsContext, name: string, request: EwsNode): string | undefined => {
    if (
      name === "CreateItem" &&
      Object.keys(one(request, "Items") ?? {}).some((kind) => RESPONSE_OBJECTS.has(kind))
    ) {
      return meetings.respond(context, request);
    }
    if (
      name === "CreateItem" &&
      Object.keys(one(request, "Items") ?? {}).some((kind) => PIM_KINDS.has(kind))
    ) {
      return pim.create(context, request);
    }
    if (name === "UpdateItem") {
      const ids = all(one(request, "ItemChanges"), "ItemChange").map(
        (change) => attr(one(change, "ItemId"), "Id") ?? "",
      );
      if (ids.length > 0 && ids.every((id) => pim.isPimId(id))) return pim.update(context, request);
    }
    if (name === "GetUserAvailabilityRequest") return pim.availability(context, request);
    if (name === "GetItem" || name === "DeleteItem") {
      const ids = itemIdsOf(one(request, "ItemIds")).map((ref) => ref.id);
      if (ids.length > 0 && ids.every((id) => pim.isPimId(id))) {
        const cancellations = attr(request, "SendMeetingCancellations");
        if (name === "DeleteItem" && cancellations !== undefined && cancellations !== "SendToNone") {
          for (const id of ids)
            meetings.cancelOnDelete(context, id, cancellations === "SendToAllAndSaveCopy");
        }
        return name === "GetItem" ? pim.get(context, ids) : pim.delete(context, ids);
      }
    }
    if (name === "FindItem") {
      try {
        const folder = resolveOneFolder(context.store, one(request, "ParentFolderIds"));
        if (pim.isPimFolder(folder)) return pim.find(context, request, folder);
      } catch {
        return undefined; // the message path reports the folder error
      }
    }
    return undefined;
  };
  const control: EwsControlInternals = createEwsControl(notifications, meetings);
  const handler = async ({ req, res, body, store, user }: RouteContext) => {
    const version = control.serverVersion;
    const injected = control.take();
    if (injected?.kind === "busy") {
      await body();
      const messageXml = `<t:MessageXml xmlns:t="${NS.t}"><t:Value Name="BackOffMilliseconds">${injected.backOffMs ?? 0}</t:Value></t:MessageXml>`;
      send(
        res,
        500,
        soapFault(
          version,
          "ErrorServerBusy",
          "The server cannot service this request right now. Try again later.",
          messageXml,
        ),
      );
      return;
    }
    if (injected?.kind === "raw") {
      await body();
      const raw = injected.body;
      if (typeof raw === "string") send(res, injected.status ?? 200, raw);
      else if (raw !== undefined) {
        res.writeHead(injected.status ?? 200, { "Content-Type": "text/xml; charset=utf-8" });
        for await (const chunk of raw()) await write(res, chunk);
        res.end();
      }
      return;
    }
    let request: ReturnType<typeof parseRequest>;
    let raw = "";
    try {
      raw = (await body()).toString("utf8");
      request = parseRequest(raw);
    } catch (error) {
      send(
        res,
        500,
        soapFault(version, "ErrorSchemaValidation", `The request failed schema validation: ${String(error)}`),
      );
      return;
    }
    const envelope = one(request, "Envelope");
    const requested = attr(path(envelope, "Header", "RequestServerVersion"), "Version");
    const impersonation =
      text(path(envelope, "Header", "ExchangeImpersonation", "ConnectingSID", "PrimarySmtpAddress")) ||
      undefined;
    const operation = firstElement(one(envelope, "Body"));
    control.record({
      operation: operation?.[0] ?? "",
      requestServerVersion: requested,
      impersonation,
      headers: { ...req.headers },
    });
    if (requested !== undefined && !EWS_SCHEMA_VERSIONS.includes(requested as EwsSchemaVersion)) {
      send(
        res,
        500,
        soapFault(version, "ErrorInvalidServerVersion", "The specified server version is invalid."),
      );
      return;
    }
    if (
      requested !== undefined &&
      EWS_SCHEMA_VERSIONS.indexOf(requested as EwsSchemaVersion) > EWS_SCHEMA_VERSIONS.indexOf(version)
    ) {
      send(
        res,
        500,
        soapFault(version, "ErrorInvalidServerVersion", "The specified server version is invalid."),
      );
      return;
    }
    if (operation === undefined) {
      send(res, 500, soapFault(version, "ErrorInvalidRequest", "The request is invalid."));
      return;
    }
    const context: EwsContext = {
      store,
      version,
      address: user?.username.includes("@") ? user.username : store.user.address,
      attachments,
      raw,
    };
    if (operation[0] === "GetAttachment") return getAttachment(context, operation[1], res);
    if (operation[0] === "ExportItems") return exportItems(context, operation[1], res);
    if (operation[0] === "CreateAttachment") return send(res, 200, attachments.create(context, operation[1]));
    if (operation[0] === "DeleteAttachment") return send(res, 200, attachments.delete(context, operation[1]));
    if (operation[0] === "GetStreamingEvents")
      return notifications.getStreamingEvents(context, operation[1], res);
    if (operation[0] === "Subscribe") return send(res, 200, notifications.subscribe(context, operation[1]));
    if (operation[0] === "GetEvents") return send(res, 200, notifications.getEvents(context, operation[1]));
    if (operation[0] === "Unsubscribe")
      return send(res, 200, notifications.unsubscribe(context, operation[1]));
    const pimResponse = routePim(context, operation[0], operation[1]);
    if (pimResponse !== undefined) return send(res, 200, pimResponse);
    const run = OPERATIONS[operation[0]];
    if (run === undefined) {
      send(
        res,
        500,
        soapFault(version, "ErrorInvalidRequest", `The sim does not implement ${operation[0]}.`),
      );
      return;
    }
    send(res, 200, run(context, operation[1]));
  };
  router.add("POST", "/EWS/Exchange.asmx", handler);
  return control;
}

export type { EwsSimControl };
