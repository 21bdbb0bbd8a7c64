import type { FixtureAddress } from "@mailwire/fixtures";
import type { MailboxStore, StoreMessage } from "../store/mailbox-store.js";
import { attachmentXml, type ListedAttachment } from "./ews-attachments.js";
import { changeKey, folderIdXml, ROOT_ID } from "./ews-ids.js";
import { meetingFieldsXml, meetingOf } from "./ews-meetings.js";
import { all, attr, type EwsNode, one, text, x } from "./ews-xml.js";

// Renders store folders and messages as t:Folder / t:Message (MS-OXWSFOLD FolderType,
// MS-OXWSMSG MessageType) for a requested shape: IdOnly, Default or AllProperties, plus
// AdditionalProperties and MimeContent.

export interface ItemShapeRequest {
  baseShape: string;
  includeMimeContent: boolean;
  bodyType: string;
  additional: Set<string>;
}

export function readItemShape(shape: EwsNode | undefined): ItemShapeRequest {
  const additional = new Set<string>();
  for (const field of all(one(shape, "AdditionalProperties"), "FieldURI"))
    additional.add(attr(field, "FieldURI") ?? "");
  return {
    baseShape: text(one(shape, "BaseShape")) || "Default",
    includeMimeContent: text(one(shape, "IncludeMimeContent")) === "true",
    bodyType: text(one(shape, "BodyType")) || "Best",
    additional,
  };
}

function mailbox(address: FixtureAddress): string {
  return `<t:Mailbox>${address.name ? `<t:Name>${x(address.name)}</t:Name>` : ""}<t:EmailAddress>${x(address.address)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>OneOff</t:MailboxType></t:Mailbox>`;
}

export function messageXml(
  store: MailboxStore,
  message: StoreMessage,
  shape: ItemShapeRequest,
  options: { withBody: boolean; attachments?: ListedAttachment[] | undefined },
): string {
  const f = message.fixture;
  const attachments =
    options.attachments ??
    f.attachments.map((attachment, index) => ({ id: `${message.id}:${index}`, attachment }));
  const full = shape.baseShape !== "IdOnly";
  const want = (field: string) => full || shape.additional.has(field);
  const parts: string[] = [];
  if (shape.includeMimeContent) {
    parts.push(
      `<t:MimeContent CharacterSet="UTF-8">${Buffer.from(message.raw).toString("base64")}</t:MimeContent>`,
    );
  }
  parts.push(`<t:ItemId Id="${message.id}" ChangeKey="${changeKey(message)}"/>`);
  if (want("item:ParentFolderId")) parts.push(folderIdXml(store, message.folderId, "t:ParentFolderId"));
  const meeting = meetingOf(store, message.id);
  if (want("item:ItemClass")) parts.push(`<t:ItemClass>${meeting?.itemClass ?? "IPM.Note"}</t:ItemClass>`);
  if (want("item:Subject")) parts.push(`<t:Subject>${x(f.subject)}</t:Subject>`);
  if (full) parts.push("<t:Sensitivity>Normal</t:Sensitivity>");
  if ((options.withBody && full) || shape.additional.has("item:Body")) {
    const html = shape.bodyType !== "Text" && f.html !== undefined;
    const body = html ? (f.html ?? "") : (f.text ?? "");
    parts.push(`<t:Body BodyType="${html ? "HTML" : "Text"}">${x(body)}</t:Body>`);
  }
  if ((options.withBody && full) || shape.additional.has("item:Attachments")) {
    if (attachments.length > 0) {
      parts.push(
        `<t:Attachments>${attachments.map((listed) => attachmentXml(listed, false)).join("")}</t:Attachments>`,
      );
    }
  }
  if (want("item:DateTimeReceived")) parts.push(`<t:DateTimeReceived>${iso(f.date)}</t:DateTimeReceived>`);
  if (want("item:Size")) parts.push(`<t:Size>${message.raw.length}</t:Size>`);
  if (want("item:HasAttachments"))
    parts.push(`<t:HasAttachments>${attachments.some((a) => !a.attachment.inline)}</t:HasAttachments>`);
  if (want("item:DateTimeSent")) parts.push(`<t:DateTimeSent>${iso(f.date)}</t:DateTimeSent>`);
  if (want("item:DateTimeCreated")) parts.push(`<t:DateTimeCreated>${iso(f.date)}</t:DateTimeCreated>`);
  if (want("message:ToRecipients") && f.to.length > 0)
    parts.push(`<t:ToRecipients>${f.to.map(mailbox).join("")}</t:ToRecipients>`);
  if (want("message:CcRecipients") && f.cc.length > 0)
    parts.push(`<t:CcRecipients>${f.cc.map(mailbox).join("")}</t:CcRecipients>`);
  if (want("message:From")) parts.push(`<t:From>${mailbox(f.from)}</t:From>`);
  if (want("message:InternetMessageId"))
    parts.push(`<t:InternetMessageId>${x(f.messageId)}</t:InternetMessageId>`);
  if (want("message:IsRead")) parts.push(`<t:IsRead>${message.flags.seen}</t:IsRead>`);
  // Meeting messages (ews-meetings.ts) are MessageType subtypes: their own fields follow.
  if (meeting && full) parts.push(meetingFieldsXml(store, meeting));
  const kind = meeting?.kind ?? "Message";
  return `<t:${kind}>${parts.join("")}</t:${kind}>`;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function folderXml(store: MailboxStore, id: string, baseShape: string): string {
  if (id === ROOT_ID) {
    const children = store.childFolders(undefined).length;
    return `<t:Folder>${folderIdXml(store, id)}${baseShape === "IdOnly" ? "" : `<t:DisplayName>Top of Information Store</t:DisplayName><t:TotalCount>0</t:TotalCount><t:ChildFolderCount>${children}</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount>`}</t:Folder>`;
  }
  const folder = store.folder(id);
  if (baseShape === "IdOnly") return `<t:Folder>${folderIdXml(store, id)}</t:Folder>`;
  const messages = store.messages(id);
  const parent = folder.parentId ?? ROOT_ID;
  return `<t:Folder>${folderIdXml(store, id)}${folderIdXml(store, parent, "t:ParentFolderId")}<t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>${x(folder.displayName)}</t:DisplayName><t:TotalCount>${messages.length}</t:TotalCount><t:ChildFolderCount>${store.childFolders(id).length}</t:ChildFolderCount><t:UnreadCount>${messages.filter((m) => !m.flags.seen).length}</t:UnreadCount></t:Folder>`;
}
