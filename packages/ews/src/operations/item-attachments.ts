import { InvalidArgumentError, ParseError } from "@mailwire/core";
import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import type { ItemId } from "../model/ids.js";
import {
  decodeBase64Text,
  type EwsAttachmentInfo,
  type EwsItem,
  ITEM_ELEMENTS,
  readAttachmentInfo,
  readItem,
} from "../model/item.js";
import {
  calendarItemNode,
  contactNode,
  type NewCalendarItem,
  type NewContact,
  type NewTask,
  taskNode,
} from "../model/pim-items.js";
import { type PropertyPath, propertyPathNode } from "../model/property-path.js";
import { type EwsResult, readResponseMessages, unwrapSingle } from "../soap/parse-response.js";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import { childElement, type XmlElement } from "../xml/xml-element.js";
import { type CreatedAttachment, readAttachmentId } from "./attachments.js";
import { messageNode, type NewMessage } from "./create-item.js";

// Item attachments (MS-OXWSCORE ItemAttachmentType): an item (a message, calendar item, contact
// or task) stored inside another item, as a forwarded message is. CreateAttachment embeds one;
// GetAttachment returns it with its properties (not as bytes, so it is not streamed: the reply
// is read whole, within EwsLimits.maxResponseBytes). File attachments fetched with
// getAttachments come back as bytes; downloadAttachment streams those instead.

/** What to embed: exactly one of the item kinds, described as for CreateItem. */
export type EmbeddedItem =
  | { message: NewMessage }
  | { calendarItem: NewCalendarItem }
  | { contact: NewContact }
  | { task: NewTask };

export interface NewItemAttachment {
  /** The attachment's display name (often the embedded item's subject). */
  name: string;
  item: EmbeddedItem;
  isInline?: boolean | undefined;
}

/** GetAttachment's AttachmentShape (MS-OXWSCORE AttachmentResponseShapeType), for item attachments. */
export interface AttachmentShape {
  includeMimeContent?: boolean | undefined;
  bodyType?: "Best" | "HTML" | "Text" | undefined;
  additionalProperties?: readonly PropertyPath[] | undefined;
}

export type FetchedAttachment =
  | { kind: "file"; info: EwsAttachmentInfo; content: Uint8Array }
  | {
      kind: "item";
      info: EwsAttachmentInfo;
      /** The embedded item, typed as GetItem's are: `item.kind` is Message, CalendarItem, Contact, Task... */
      item: EwsItem;
    };

function embeddedNode(embedded: EmbeddedItem): XmlNode {
  const kinds = Object.keys(embedded ?? {}).filter(
    (key) => (embedded as Record<string, unknown>)[key] !== undefined,
  );
  if (kinds.length !== 1) {
    throw new InvalidArgumentError(
      "an item attachment embeds exactly one of message, calendarItem, contact or task",
    );
  }
  if ("message" in embedded) return messageNode(embedded.message);
  if ("calendarItem" in embedded) return calendarItemNode(embedded.calendarItem);
  if ("contact" in embedded) return contactNode(embedded.contact);
  if ("task" in embedded) return taskNode(embedded.task);
  throw new InvalidArgumentError(`unknown embedded item kind "${kinds[0]}"`);
}

// ItemAttachmentType in schema order: Name, ContentType, ContentId, ContentLocation, Size,
// LastModifiedTime, IsInline, then the item (AttachmentType's fields come first).
function itemAttachmentNode(attachment: NewItemAttachment): XmlNode {
  return element(
    "t:ItemAttachment",
    undefined,
    textElement("t:Name", attachment.name),
    attachment.isInline === undefined ? undefined : textElement("t:IsInline", attachment.isInline),
    embeddedNode(attachment.item),
  );
}

/** Embeds items as attachments of `parent`; one typed result per attachment, in order. */
export async function createItemAttachments(
  soap: SoapClient,
  parent: ItemId,
  attachments: readonly NewItemAttachment[],
  options: SoapCallOptions = {},
): Promise<EwsResult<CreatedAttachment>[]> {
  if (attachments.length === 0)
    throw new InvalidArgumentError("createItemAttachments needs at least one attachment");
  const body = element(
    "m:CreateAttachment",
    undefined,
    element("m:ParentItemId", { Id: parent.id, ChangeKey: parent.changeKey }),
    element("m:Attachments", undefined, ...attachments.map(itemAttachmentNode)),
  );
  const response = await soap.call("CreateAttachment", body, options);
  return readResponseMessages(response.body, (message) => {
    const created = readAttachmentId(
      childElement(childElement(message, "Attachments")?.children[0], "AttachmentId"),
    );
    return created ?? { attachmentId: "" };
  });
}

/** One GetAttachment response message's attachment; a Success without one is a ParseError. */
export function readFetchedAttachment(message: XmlElement): FetchedAttachment {
  const container = childElement(message, "Attachments")?.children[0];
  if (container?.name === "FileAttachment") {
    const content = childElement(container, "Content");
    return {
      kind: "file",
      info: readAttachmentInfo(container, "FileAttachment"),
      content: content === undefined ? new Uint8Array(0) : decodeBase64Text(content.text),
    };
  }
  if (container?.name === "ItemAttachment") {
    const embedded = container.children.find((child) => ITEM_ELEMENTS.has(child.name));
    if (embedded === undefined)
      throw new ParseError("GetAttachment returned an item attachment without its item");
    return { kind: "item", info: readAttachmentInfo(container, "ItemAttachment"), item: readItem(embedded) };
  }
  throw new ParseError(
    container === undefined
      ? "GetAttachment reported success without an attachment"
      : `GetAttachment returned an unknown attachment element ${container.name}`,
  );
}

function attachmentShapeNode(shape: AttachmentShape | undefined): XmlNode | undefined {
  if (shape === undefined) return undefined;
  const additional = shape.additionalProperties ?? [];
  // AttachmentResponseShapeType: IncludeMimeContent, BodyType, FilterHtmlContent, AdditionalProperties.
  return element(
    "m:AttachmentShape",
    undefined,
    shape.includeMimeContent === undefined
      ? undefined
      : textElement("t:IncludeMimeContent", shape.includeMimeContent),
    shape.bodyType === undefined ? undefined : textElement("t:BodyType", shape.bodyType),
    additional.length === 0
      ? undefined
      : element("t:AdditionalProperties", undefined, ...additional.map(propertyPathNode)),
  );
}

/**
 * GetAttachment, buffered: file attachments as bytes, item attachments as typed items. One result
 * per id, in order. For a large file prefer downloadAttachment, which streams.
 */
export async function getAttachments(
  soap: SoapClient,
  attachmentIds: readonly string[],
  options: SoapCallOptions & { shape?: AttachmentShape | undefined } = {},
): Promise<EwsResult<FetchedAttachment>[]> {
  if (attachmentIds.length === 0) throw new InvalidArgumentError("getAttachments needs at least one id");
  const body = element(
    "m:GetAttachment",
    undefined,
    attachmentShapeNode(options.shape),
    element(
      "m:AttachmentIds",
      undefined,
      ...attachmentIds.map((id) => element("t:AttachmentId", { Id: id })),
    ),
  );
  const response = await soap.call("GetAttachment", body, { ...options, idempotent: true });
  return readResponseMessages(response.body, readFetchedAttachment);
}

/** The embedded item of one item attachment; a file attachment is an InvalidArgumentError. */
export async function getItemAttachment(
  soap: SoapClient,
  attachmentId: string,
  options: SoapCallOptions & { shape?: AttachmentShape | undefined } = {},
): Promise<{ info: EwsAttachmentInfo; item: EwsItem }> {
  const fetched = unwrapSingle(await getAttachments(soap, [attachmentId], options));
  if (fetched.kind !== "item") {
    throw new InvalidArgumentError(
      `attachment ${attachmentId} is a file attachment: use downloadAttachment or getAttachments`,
    );
  }
  return { info: fetched.info, item: fetched.item };
}
