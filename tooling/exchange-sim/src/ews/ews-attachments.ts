import type { FixtureAttachment } from "@mailwire/fixtures";
import type { MailboxStore, StoreMessage } from "../store/mailbox-store.js";
import { changeKey, EwsIdError } from "./ews-ids.js";
import { type EwsContext, perItem } from "./ews-operation.js";
import {
  all,
  attr,
  type EwsNode,
  errorMessage,
  one,
  operationResponse,
  successMessage,
  text,
} from "./ews-xml.js";

// Attachments of store messages as EWS sees them (MS-OXWSCORE AttachmentIdType ids
// "<message id>:<n>"): the fixture's attachments, plus those added with CreateAttachment, minus
// those removed with DeleteAttachment. The shared store keeps a message's MIME as seeded, so
// attachment changes live here and other protocols do not see them; each change still bumps
// the message's change number through the store (an empty flag update), so change keys and
// SyncFolderItems reflect it.

export interface ListedAttachment {
  id: string;
  attachment: FixtureAttachment;
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

  create(context: EwsContext, request: EwsNode): string {
    const parentId = attr(one(request, "ParentItemId"), "Id") ?? "";
    const files = all(one(request, "Attachments"), "FileAttachment");
    const messages = files.map((node) =>
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
          const added = this.#added.get(message.id) ?? [];
          added.push(listed);
          this.#added.set(message.id, added);
          const changed = context.store.setFlags(message.id, {});
          return successMessage(
            "CreateAttachment",
            `<m:Attachments><t:FileAttachment><t:AttachmentId Id="${listed.id}" RootItemId="${message.id}" RootItemChangeKey="${changeKey(changed)}"/></t:FileAttachment></m:Attachments>`,
          );
        },
        "<m:Attachments/>",
      ),
    );
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
