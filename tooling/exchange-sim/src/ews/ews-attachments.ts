import type { FixtureAttachment } from "@mailwire/fixtures";
import type { MailboxStore, StoreMessage } from "../store/mailbox-store.js";
import { changeKey, EwsIdError } from "./ews-ids.js";
import { type EwsContext, inDocumentOrder, perItem } from "./ews-operation.js";
import { serializeNode } from "./ews-pim.js";
import {
  all,
  attr,
  type EwsNode,
  errorMessage,
  one,
  operationResponse,
  successMessage,
  text,
  x,
} from "./ews-xml.js";

// Attachments of store messages as EWS sees them (MS-OXWSCORE AttachmentIdType ids
// "<message id>:<n>"): the fixture's attachments, plus those added with CreateAttachment (files,
// and items: a message, calendar item, contact or task embedded as sent), minus
// those removed with DeleteAttachment. The shared store keeps a message's MIME as seeded, so
// attachment changes live here and other protocols do not see them; each change still bumps
// the message's change number through the store (an empty flag update), so change keys and
// SyncFolderItems reflect it.

export interface ListedAttachment {
  id: string;
  attachment: FixtureAttachment;
  /** An item attachment (MS-OXWSCORE ItemAttachmentType): the embedded item's kind and fields as sent. */
  item?: { kind: string; node: EwsNode };
}

/** The item kinds CreateAttachment may embed here, with the ItemClass they are given. */
const EMBEDDED_CLASS: Readonly<Record<string, string>> = {
  Message: "IPM.Note",
  CalendarItem: "IPM.Appointment",
  Contact: "IPM.Contact",
  Task: "IPM.Task",
  Item: "IPM",
};

/**
 * One attachment as a t:FileAttachment or t:ItemAttachment (schema order: AttachmentId, Name,
 * ContentType, ContentId, Size, IsInline, then Content or the embedded item). With `full`, the
 * payload is included, as GetAttachment returns it; without, the summary GetItem lists.
 */
export function attachmentXml(listed: ListedAttachment, full: boolean): string {
  const a = listed.attachment;
  const common = `<t:AttachmentId Id="${x(listed.id)}"/><t:Name>${x(a.name)}</t:Name>${listed.item ? "" : `<t:ContentType>${x(a.contentType)}</t:ContentType>`}${a.contentId ? `<t:ContentId>${x(a.contentId)}</t:ContentId>` : ""}<t:Size>${a.bytes.length}</t:Size><t:IsInline>${a.inline}</t:IsInline>`;
  if (listed.item) {
    const { kind, node } = listed.item;
    const embedded = full
      ? `<t:${kind}><t:ItemClass>${EMBEDDED_CLASS[kind] ?? "IPM"}</t:ItemClass>${serializeNode(node)}</t:${kind}>`
      : "";
    return `<t:ItemAttachment>${common}${embedded}</t:ItemAttachment>`;
  }
  const content = full ? `<t:Content>${Buffer.from(a.bytes).toString("base64")}</t:Content>` : "";
  return `<t:FileAttachment>${common}${content}</t:FileAttachment>`;
}

export class EwsAttachments {
  readonly #added = new Map<string, ListedAttachment[]>();
  readonly #deleted = new Set<string>();
  #next = 1;

  list(message: StoreMessage): ListedAttachment[] {
    const seeded = message.fixture.attachments.map((attachment, index) => ({
      id: `${message.id}:${index}`,
      attachment,
    }));
    return [...seeded, ...(this.#added.get(message.id) ?? [])].filter((a) => !this.#deleted.has(a.id));
  }

  find(store: MailboxStore, id: string): ListedAttachment | undefined {
    const [messageId] = id.split(":");
    const message = store.messages().find((m) => m.id === messageId);
    return message === undefined ? undefined : this.list(message).find((a) => a.id === id);
  }

  #add(context: EwsContext, message: StoreMessage, listed: ListedAttachment, element: string): string {
    const added = this.#added.get(message.id) ?? [];
    added.push(listed);
    this.#added.set(message.id, added);
    const changed = context.store.setFlags(message.id, {});
    return successMessage(
      "CreateAttachment",
      `<m:Attachments><t:${element}><t:AttachmentId Id="${listed.id}" RootItemId="${message.id}" RootItemChangeKey="${changeKey(changed)}"/></t:${element}></m:Attachments>`,
    );
  }

  /**
   * An ItemAttachment: the embedded item is kept as sent.
   */
  #createItem(context: EwsContext, parentId: string, node: EwsNode): string {
    return perItem(
      "CreateAttachment",
      () => {
        const message = messageById(context.store, parentId);
        const kind = Object.keys(EMBEDDED_CLASS).find((name) => one(node, name) !== undefined);
        if (kind === undefined) {
          throw new EwsIdError("ErrorInvalidRequest", "The item attachment does not contain an item.");
        }
        const embedded = one(node, kind) as EwsNode;
        const listed: ListedAttachment = {
          id: `${message.id}:a${this.#next++}`,
          attachment: {
            name: text(one(node, "Name")),
            contentType: "",
            // Size: what the embedded item weighs as markup (Exchange reports its own storage size).
            bytes: new Uint8Array(Buffer.from(serializeNode(embedded))),
            inline: text(one(node, "IsInline")) === "true",
          },
          item: { kind, node: embedded },
        };
        return this.#add(context, message, listed, "ItemAttachment");
      },
      "<m:Attachments/>",
    );
  }

  create(context: EwsContext, request: EwsNode): string {
    const parentId = attr(one(request, "ParentItemId"), "Id") ?? "";
    const container = one(request, "Attachments");
    const files = all(container, "FileAttachment");
    const items = all(container, "ItemAttachment").map((node) => this.#createItem(context, parentId, node));
    const fileMessages = files.map((node) =>
      perItem(
        "CreateAttachment",
        () => {
          const message = messageById(context.store, parentId);
          const content = text(one(node, "Content"));
          if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content) || content.length % 4 !== 0) {
            throw new EwsIdError("ErrorInvalidRequest", "The attachment content is not valid base64.");
          }
          const listed: ListedAttachment = {
            id: `${message.id}:a${this.#next++}`,
            attachment: {
              name: text(one(node, "Name")),
              contentType: text(one(node, "ContentType")) || "application/octet-stream",
              bytes: new Uint8Array(Buffer.from(content, "base64")),
              inline: text(one(node, "IsInline")) === "true",
              ...(text(one(node, "ContentId")) ? { contentId: text(one(node, "ContentId")) } : {}),
            },
          };
          return this.#add(context, message, listed, "FileAttachment");
        },
        "<m:Attachments/>",
      ),
    );
    // One response message per attachment, in request order even when files and items are mixed.
    const messages = inDocumentOrder(context.raw, { FileAttachment: fileMessages, ItemAttachment: items });
    return operationResponse(context.version, "CreateAttachment", messages);
  }

  delete(context: EwsContext, request: EwsNode): string {
    const messages = all(one(request, "AttachmentIds"), "AttachmentId").map((node) => {
      const id = attr(node, "Id") ?? "";
      if (this.find(context.store, id) === undefined) {
        return errorMessage(
          "DeleteAttachment",
          "ErrorInvalidAttachmentId",
          "The attachment id is invalid or the attachment no longer exists.",
        );
      }
      this.#deleted.add(id);
      const changed = context.store.setFlags(id.split(":")[0] ?? "", {});
      return successMessage(
        "DeleteAttachment",
        `<m:RootItemId RootItemId="${changed.id}" RootItemChangeKey="${changeKey(changed)}"/>`,
      );
    });
    return operationResponse(context.version, "DeleteAttachment", messages);
  }
}

function messageById(store: MailboxStore, id: string): StoreMessage {
  if (!/^msg-\d{4,}$/.test(id)) throw new EwsIdError("ErrorInvalidIdMalformed", "Id is malformed.");
  try {
    return store.message(id);
  } catch {
    throw new EwsIdError("ErrorItemNotFound", "The specified object was not found in the store.");
  }
}
