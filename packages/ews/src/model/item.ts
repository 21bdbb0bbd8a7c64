import { ParseError } from "@mailwire/core";
import {
  childBoolean,
  childElement,
  childElements,
  childNumber,
  childText,
  type XmlElement,
} from "../xml/xml-element.js";
import { type ItemId, readChildId, readId } from "./ids.js";

// ItemType and its subtypes (MS-OXWSCORE 2.2.4.x, MS-OXWSMSG 2.2.4.x MessageType): the
// properties most callers need are mapped; `element` keeps the rest.

export interface EwsMailbox {
  name?: string;
  emailAddress?: string;
  routingType?: string;
}

export interface EwsBody {
  bodyType: "HTML" | "Text";
  text: string;
}

export interface EwsAttachmentInfo {
  attachmentId: string;
  kind: "FileAttachment" | "ItemAttachment" | "ReferenceAttachment";
  name?: string;
  contentType?: string;
  size?: number;
  isInline?: boolean;
  contentId?: string;
}

/** An ExtendedProperty returned by the server (MS-OXWSXPROP 2.2.4.x ExtendedPropertyType). */
export interface EwsExtendedPropertyValue {
  /** The ExtendedFieldURI attributes as sent. */
  field: Readonly<Record<string, string>>;
  /** Value, or Values for multi-valued types. */
  value: string | string[];
}

export interface EwsItem {
  /** The element name: Message, CalendarItem, Contact, Task, MeetingRequest, Item... */
  kind: string;
  itemId: ItemId;
  parentFolderId?: ItemId;
  itemClass?: string;
  subject?: string;
  size?: number;
  dateTimeReceived?: string;
  dateTimeSent?: string;
  dateTimeCreated?: string;
  hasAttachments?: boolean;
  isRead?: boolean;
  importance?: string;
  internetMessageId?: string;
  from?: EwsMailbox;
  sender?: EwsMailbox;
  toRecipients?: EwsMailbox[];
  ccRecipients?: EwsMailbox[];
  body?: EwsBody;
  /** Decoded MimeContent bytes (GetItem with includeMimeContent). */
  mimeContent?: Uint8Array;
  attachments?: EwsAttachmentInfo[];
  extendedProperties?: EwsExtendedPropertyValue[];
  element: XmlElement;
}

export const ITEM_ELEMENTS = new Set([
  "Item",
  "Message",
  "CalendarItem",
  "Contact",
  "DistributionList",
  "MeetingMessage",
  "MeetingRequest",
  "MeetingResponse",
  "MeetingCancellation",
  "Task",
  "PostItem",
]);

/**
 * The id of the item a response message returns in its Items (CreateItem, UpdateItem, MoveItem,
 * CopyItem, ArchiveItem); undefined when there is none (e.g. a message sent with SendOnly).
 */
export function readReturnedItemId(message: XmlElement): ItemId | undefined {
  const item = childElement(message, "Items")?.children.find((child) => ITEM_ELEMENTS.has(child.name));
  return readChildId(item, "ItemId");
}

function readMailbox(element: XmlElement | undefined): EwsMailbox | undefined {
  if (element === undefined) return undefined;
  const mailbox: EwsMailbox = {};
  const name = childText(element, "Name");
  if (name !== undefined) mailbox.name = name;
  const emailAddress = childText(element, "EmailAddress");
  if (emailAddress !== undefined) mailbox.emailAddress = emailAddress;
  const routingType = childText(element, "RoutingType");
  if (routingType !== undefined) mailbox.routingType = routingType;
  return mailbox;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** xs:base64Binary text to bytes; whitespace is allowed, anything else is a ParseError. */
export function decodeBase64Text(text: string): Uint8Array {
  const compact = text.replace(/[\s]+/g, "");
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw new ParseError("invalid base64 content");
  return new Uint8Array(Buffer.from(compact, "base64"));
}

function readAttachments(element: XmlElement | undefined): EwsAttachmentInfo[] | undefined {
  if (element === undefined) return undefined;
  const attachments: EwsAttachmentInfo[] = [];
  for (const child of element.children) {
    if (
      child.name !== "FileAttachment" &&
      child.name !== "ItemAttachment" &&
      child.name !== "ReferenceAttachment"
    )
      continue;
    attachments.push(readAttachmentInfo(child, child.name));
  }
  return attachments;
}

/**
 * The common fields of a FileAttachment / ItemAttachment / ReferenceAttachment element
 * (MS-OXWSCORE AttachmentType), wherever it appears: GetItem's Attachments list, GetAttachment
 * and CreateAttachment replies. `fallbackId` stands in when the element carries no AttachmentId.
 */
export function readAttachmentInfo(
  container: XmlElement | undefined,
  kind: EwsAttachmentInfo["kind"],
  fallbackId = "",
): EwsAttachmentInfo {
  const info: EwsAttachmentInfo = {
    attachmentId: childElement(container, "AttachmentId")?.attributes.Id ?? fallbackId,
    kind,
  };
  const name = childText(container, "Name");
  if (name !== undefined) info.name = name;
  const contentType = childText(container, "ContentType");
  if (contentType !== undefined) info.contentType = contentType;
  const size = childNumber(container, "Size");
  if (size !== undefined) info.size = size;
  const isInline = childBoolean(container, "IsInline");
  if (isInline !== undefined) info.isInline = isInline;
  const contentId = childText(container, "ContentId");
  if (contentId !== undefined) info.contentId = contentId;
  return info;
}

function readExtendedProperties(element: XmlElement): EwsExtendedPropertyValue[] | undefined {
  const properties = childElements(element, "ExtendedProperty");
  if (properties.length === 0) return undefined;
  return properties.map((property) => {
    const values = childElement(property, "Values");
    return {
      field: { ...childElement(property, "ExtendedFieldURI")?.attributes },
      value: values
        ? childElements(values, "Value").map((v) => v.text)
        : (childElement(property, "Value")?.text ?? ""),
    };
  });
}

export function readItem(element: XmlElement): EwsItem {
  // One pass over the children (an AllProperties item has ~30), then lookups by name: the
  // first child of each name, as childElement would find it.
  const first = new Map<string, XmlElement>();
  for (const child of element.children) if (!first.has(child.name)) first.set(child.name, child);
  const text = (name: string) => first.get(name)?.text.trim();
  const item: EwsItem = { kind: element.name, itemId: readId(first.get("ItemId")) ?? { id: "" }, element };
  const parentFolderId = readId(first.get("ParentFolderId"));
  if (parentFolderId) item.parentFolderId = parentFolderId;
  const texts = [
    ["itemClass", "ItemClass"],
    ["subject", "Subject"],
    ["dateTimeReceived", "DateTimeReceived"],
    ["dateTimeSent", "DateTimeSent"],
    ["dateTimeCreated", "DateTimeCreated"],
    ["importance", "Importance"],
    ["internetMessageId", "InternetMessageId"],
  ] as const;
  for (const [key, name] of texts) {
    const value = text(name);
    if (value !== undefined) item[key] = value;
  }
  const sizeText = text("Size");
  const size = sizeText === undefined || sizeText === "" ? Number.NaN : Number(sizeText);
  if (Number.isFinite(size)) item.size = size;
  const flag = (name: string) => {
    const value = text(name);
    return value === "true" || value === "1" ? true : value === "false" || value === "0" ? false : undefined;
  };
  const hasAttachments = flag("HasAttachments");
  if (hasAttachments !== undefined) item.hasAttachments = hasAttachments;
  const isRead = flag("IsRead");
  if (isRead !== undefined) item.isRead = isRead;
  const from = readMailbox(childElement(first.get("From"), "Mailbox"));
  if (from) item.from = from;
  const sender = readMailbox(childElement(first.get("Sender"), "Mailbox"));
  if (sender) item.sender = sender;
  for (const [key, name] of [
    ["toRecipients", "ToRecipients"],
    ["ccRecipients", "CcRecipients"],
  ] as const) {
    const list = first.get(name);
    if (list) item[key] = childElements(list, "Mailbox").map((m) => readMailbox(m) ?? {});
  }
  const body = first.get("Body");
  if (body) item.body = { bodyType: body.attributes.BodyType === "HTML" ? "HTML" : "Text", text: body.text };
  const mime = first.get("MimeContent");
  if (mime) item.mimeContent = decodeBase64Text(mime.text);
  const attachments = readAttachments(first.get("Attachments"));
  if (attachments) item.attachments = attachments;
  if (first.has("ExtendedProperty")) {
    const extended = readExtendedProperties(element);
    if (extended) item.extendedProperties = extended;
  }
  return item;
}

export function readItems(parent: XmlElement | undefined): EwsItem[] {
  return (parent?.children ?? []).filter((child) => ITEM_ELEMENTS.has(child.name)).map(readItem);
}
