import type { FixtureMessage } from "@mailwire/fixtures";
import type { MailboxStore, StoreMessage } from "../store/mailbox-store.js";
import { changeKey, EwsIdError, itemIdsOf, ROOT_ID, resolveOneFolder } from "./ews-ids.js";
import { meetingOf } from "./ews-meetings.js";
import { type EwsOperation, perItem } from "./ews-operation.js";
import { messageXml, readItemShape } from "./ews-render.js";
import {
  all,
  attr,
  type EwsNode,
  errorMessage,
  firstElement,
  one,
  operationResponse,
  path,
  successMessage,
  text,
} from "./ews-xml.js";

// FindItem, GetItem, CreateItem, UpdateItem, DeleteItem, MoveItem, CopyItem, MarkAllItemsAsRead
// (MS-OXWSSRCH, MS-OXWSCORE, MS-OXWSMSG) over the store's messages.

function messageOf(store: MailboxStore, id: string): StoreMessage {
  if (!/^msg-\d{4,}$/.test(id)) throw new EwsIdError("ErrorInvalidIdMalformed", "Id is malformed.");
  try {
    return store.message(id);
  } catch {
    throw new EwsIdError("ErrorItemNotFound", "The specified object was not found in the store.");
  }
}

/** A tiny restriction evaluator: IsEqualTo/IsNotEqualTo on message:IsRead, item:Subject, item:ItemClass; Contains; And/Or/Not. */
function matches(
  message: StoreMessage,
  expression: [string, EwsNode] | undefined,
  store?: MailboxStore,
): boolean {
  if (expression === undefined) return true;
  const [kind, node] = expression;
  if (kind === "And")
    return Object.entries(node).every(
      ([k, v]) => !Array.isArray(v) || (v as EwsNode[]).every((n) => matches(message, [k, n], store)),
    );
  if (kind === "Or")
    return Object.entries(node).some(
      ([k, v]) => Array.isArray(v) && (v as EwsNode[]).some((n) => matches(message, [k, n], store)),
    );
  if (kind === "Not") return !matches(message, firstElement(node), store);
  const field = attr(one(node, "FieldURI"), "FieldURI");
  const value =
    field === "message:IsRead"
      ? String(message.flags.seen)
      : field === "item:Subject"
        ? message.fixture.subject
        : field === "item:ItemClass"
          ? ((store && meetingOf(store, message.id)?.itemClass) ?? "IPM.Note")
          : undefined;
  if (value === undefined)
    throw new EwsIdError("ErrorUnsupportedPathForQuery", `The sim cannot restrict on ${field}.`);
  if (kind === "Contains")
    return value.toLowerCase().includes((attr(one(node, "Constant"), "Value") ?? "").toLowerCase());
  const constant = attr(path(node, "FieldURIOrConstant", "Constant"), "Value") ?? "";
  if (kind === "IsEqualTo") return value === constant;
  if (kind === "IsNotEqualTo") return value !== constant;
  throw new EwsIdError("ErrorUnsupportedQueryFilter", `The sim does not evaluate ${kind}.`);
}

export const findItem: EwsOperation = ({ store, version }, request) => {
  const shape = readItemShape(one(request, "ItemShape"));
  const view = one(request, "IndexedPageItemView");
  const offset = Number(attr(view, "Offset") ?? 0);
  const max = Number(attr(view, "MaxEntriesReturned") ?? Number.MAX_SAFE_INTEGER);
  const message = perItem("FindItem", () => {
    const folder = resolveOneFolder(store, one(request, "ParentFolderIds"));
    const restriction = firstElement(one(request, "Restriction"));
    const order = attr(path(request, "SortOrder", "FieldOrder"), "Order") ?? "Descending";
    const messages = (folder === ROOT_ID ? [] : store.messages(folder))
      .filter((m) => matches(m, restriction, store))
      // Exchange's default view order: newest received first; ties by id for a stable paging order.
      .sort(
        (a, b) =>
          (a.fixture.date.getTime() - b.fixture.date.getTime() || a.id.localeCompare(b.id)) *
          (order === "Ascending" ? 1 : -1),
      );
    const page = messages.slice(offset, offset + max);
    const last = offset + page.length >= messages.length;
    return successMessage(
      "FindItem",
      `<m:RootFolder IndexedPagingOffset="${offset + page.length}" TotalItemsInView="${messages.length}" IncludesLastItemInRange="${last}"><t:Items>${page.map((m) => messageXml(store, m, shape, { withBody: false })).join("")}</t:Items></m:RootFolder>`,
    );
  });
  return operationResponse(version, "FindItem", [message]);
};

export const getItem: EwsOperation = ({ store, version, attachments }, request) => {
  const shape = readItemShape(one(request, "ItemShape"));
  const messages = itemIdsOf(one(request, "ItemIds")).map(({ id }) =>
    perItem(
      "GetItem",
      () =>
        successMessage(
          "GetItem",
          `<m:Items>${messageXml(store, messageOf(store, id), shape, {
            withBody: true,
            attachments: attachments.list(messageOf(store, id)),
          })}</m:Items>`,
        ),
      "<m:Items/>",
    ),
  );
  return operationResponse(version, "GetItem", messages);
};

export function newFixture(address: string, node: EwsNode, folder: string[]): FixtureMessage {
  const mime = text(one(node, "MimeContent"));
  const subject = text(one(node, "Subject"));
  const to = all(one(node, "ToRecipients"), "Mailbox").map((m) => ({
    address: text(one(m, "EmailAddress")),
    name: text(one(m, "Name")) || undefined,
  }));
  const body = text(one(node, "Body"));
  const date = new Date();
  const messageId = `<${date.getTime()}.${Math.random().toString(36).slice(2)}@sim.mailwire.test>`;
  const raw = mime
    ? new Uint8Array(Buffer.from(mime, "base64"))
    : new Uint8Array(
        Buffer.from(
          `From: ${address}\r\nTo: ${to.map((r) => r.address).join(", ")}\r\nSubject: ${subject}\r\nDate: ${date.toUTCString()}\r\nMessage-ID: ${messageId}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body.replace(/\r?\n/g, "\r\n")}\r\n`,
        ),
      );
  const headerSubject = /^Subject: (.*)$/im.exec(Buffer.from(raw).toString("utf8"))?.[1]?.trim();
  return {
    id: "",
    folder,
    raw,
    subject: subject || headerSubject || "",
    from: { address },
    to: to.map((r) => (r.name ? { address: r.address, name: r.name } : { address: r.address })),
    date,
    flags: { seen: text(one(node, "IsRead")) === "true", flagged: false, answered: false },
    size: raw.length,
    messageId,
    hasAttachments: false,
    cc: [],
    references: [],
    text: body,
    attachments: [],
    contentType: "text/plain",
  };
}

export const createItem: EwsOperation = ({ store, version, address }, request) => {
  const disposition = attr(request, "MessageDisposition") ?? "SaveOnly";
  const saved = one(request, "SavedItemFolderId");
  const messages = all(one(request, "Items"), "Message").map((node) =>
    perItem("CreateItem", () => {
      if (disposition === "SendOnly") return successMessage("CreateItem", "<m:Items/>");
      const folderId = saved
        ? resolveOneFolder(store, saved)
        : store.specialFolder(disposition === "SaveOnly" ? "drafts" : "sent").id;
      const folder = store.folder(folderId);
      const created = store.addMessage(folderId, newFixture(address, node, folder.path));
      // SendAndSaveCopy returns no item (MS-OXWSMSG 3.1.4.2.x): the copy's id is not known at send time.
      return successMessage(
        "CreateItem",
        disposition === "SaveOnly"
          ? `<m:Items><t:Message><t:ItemId Id="${created.id}" ChangeKey="${changeKey(created)}"/></t:Message></m:Items>`
          : "<m:Items/>",
      );
    }),
  );
  return operationResponse(version, "CreateItem", messages);
};

export const updateItem: EwsOperation = ({ store, version }, request) => {
  const conflict = attr(request, "ConflictResolution") ?? "AutoResolve";
  const messages = all(one(request, "ItemChanges"), "ItemChange").map((change) =>
    perItem("UpdateItem", () => {
      const [ref] = itemIdsOf(change);
      const message = messageOf(store, ref?.id ?? "");
      if (
        conflict === "NeverOverwrite" &&
        ref?.changeKey !== undefined &&
        ref.changeKey !== changeKey(message)
      ) {
        return errorMessage(
          "UpdateItem",
          "ErrorIrresolvableConflict",
          "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
        );
      }
      for (const set of all(one(change, "Updates"), "SetItemField")) {
        const field = attr(one(set, "FieldURI"), "FieldURI");
        const item = one(set, "Message") ?? one(set, "Item");
        if (field === "message:IsRead") store.markRead(message.id, text(one(item, "IsRead")) === "true");
        else return errorMessage("UpdateItem", "ErrorInvalidPropertySet", `The sim cannot set ${field}.`);
      }
      return successMessage(
        "UpdateItem",
        `<m:Items><t:Message><t:ItemId Id="${message.id}" ChangeKey="${changeKey(store.message(message.id))}"/></t:Message></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>`,
      );
    }),
  );
  return operationResponse(version, "UpdateItem", messages);
};

export const deleteItem: EwsOperation = ({ store, version }, request) => {
  const type = attr(request, "DeleteType") ?? "MoveToDeletedItems";
  const messages = itemIdsOf(one(request, "ItemIds")).map(({ id }) =>
    perItem("DeleteItem", () => {
      messageOf(store, id);
      store.deleteMessage(id, { hard: type === "HardDelete" });
      return successMessage("DeleteItem");
    }),
  );
  return operationResponse(version, "DeleteItem", messages);
};

function transfer(operation: "MoveItem" | "CopyItem"): EwsOperation {
  return ({ store, version }, request) => {
    const messages = itemIdsOf(one(request, "ItemIds")).map(({ id }) =>
      perItem(operation, () => {
        const target = resolveOneFolder(store, one(request, "ToFolderId"));
        const message = messageOf(store, id);
        const result =
          operation === "MoveItem"
            ? store.moveMessage(id, target)
            : store.addMessage(target, { ...message.fixture, flags: { ...message.flags } });
        return successMessage(
          operation,
          `<m:Items><t:Message><t:ItemId Id="${result.id}" ChangeKey="${changeKey(result)}"/></t:Message></m:Items>`,
        );
      }),
    );
    return operationResponse(version, operation, messages);
  };
}

export const moveItem = transfer("MoveItem");
export const copyItem = transfer("CopyItem");

export const markAllItemsAsRead: EwsOperation = ({ store, version }, request) => {
  const read = text(one(request, "ReadFlag")) !== "false";
  const container = one(request, "FolderIds");
  const messages: string[] = [];
  for (const [key, nodes] of Object.entries(container ?? {})) {
    if (!Array.isArray(nodes)) continue;
    for (const node of nodes as EwsNode[]) {
      messages.push(
        perItem("MarkAllItemsAsRead", () => {
          const folder = resolveOneFolder(store, { [key]: [node] });
          for (const message of store.messages(folder))
            if (message.flags.seen !== read) store.markRead(message.id, read);
          return successMessage("MarkAllItemsAsRead");
        }),
      );
    }
  }
  return operationResponse(version, "MarkAllItemsAsRead", messages);
};
