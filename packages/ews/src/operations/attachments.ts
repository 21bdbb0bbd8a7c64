import { InvalidArgumentError } from "@mailwire/core";
import { PAYLOAD_SLOT, type SoapCallOptions, type SoapClient } from "../client/soap-client.js";
import type { ItemId } from "../model/ids.js";
import { type EwsResult, readResponseMessages } from "../soap/parse-response.js";
import { type ByteSource, base64Chunks } from "../streaming/base64-encoder.js";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import { childElement, type XmlElement } from "../xml/xml-element.js";

// CreateAttachment and DeleteAttachment (MS-OXWSCORE 3.1.4.1 / 3.1.4.2 in the attachment
// operations section): file attachments added to an existing item, one response message per
// attachment, each naming the new AttachmentId and the root item's new change key.

export interface NewFileAttachment {
  name: string;
  contentType?: string | undefined;
  /** Bytes, or a stream of bytes (then it must be the only attachment of the call; see below). */
  content: ByteSource;
  contentId?: string | undefined;
  isInline?: boolean | undefined;
}

export interface CreatedAttachment {
  attachmentId: string;
  /** The item the attachment belongs to, with its change key after the change. */
  rootItemId?: ItemId;
}

/** AttachmentId's RootItemId/RootItemChangeKey attributes (MS-OXWSCORE AttachmentIdType). */
export function readAttachmentId(element: XmlElement | undefined): CreatedAttachment | undefined {
  const attributes = element?.attributes;
  if (attributes?.Id === undefined) return undefined;
  const created: CreatedAttachment = { attachmentId: attributes.Id };
  if (attributes.RootItemId !== undefined) {
    created.rootItemId =
      attributes.RootItemChangeKey === undefined
        ? { id: attributes.RootItemId }
        : { id: attributes.RootItemId, changeKey: attributes.RootItemChangeKey };
  }
  return created;
}

// FileAttachmentType in schema order: Name, ContentType, ContentId, …, IsInline, …, Content.
function fileAttachmentNode(attachment: NewFileAttachment, content: XmlNode["children"]): XmlNode {
  return element(
    "t:FileAttachment",
    undefined,
    textElement("t:Name", attachment.name),
    textElement("t:ContentType", attachment.contentType ?? "application/octet-stream"),
    attachment.contentId === undefined ? undefined : textElement("t:ContentId", attachment.contentId),
    attachment.isInline === undefined ? undefined : textElement("t:IsInline", attachment.isInline),
    element("t:Content", undefined, ...(content ?? [])),
  );
}

/**
 * Adds file attachments to `parent`. Byte arrays are encoded into the request; a stream is
 * encoded as it is sent (memory stays flat for a large file), which allows one attachment per
 * call and no retry, since a stream can be read only once.
 */
export async function createAttachments(
  soap: SoapClient,
  parent: ItemId,
  attachments: readonly NewFileAttachment[],
  options: SoapCallOptions = {},
): Promise<EwsResult<CreatedAttachment>[]> {
  if (attachments.length === 0)
    throw new InvalidArgumentError("createAttachments needs at least one attachment");
  const streamed = attachments.filter((a) => !(a.content instanceof Uint8Array));
  if (streamed.length > 0 && attachments.length > 1) {
    throw new InvalidArgumentError("an attachment streamed from a source must be the only one in its call");
  }
  const node = (children: (a: NewFileAttachment) => XmlNode["children"]) =>
    element(
      "m:CreateAttachment",
      undefined,
      element("m:ParentItemId", { Id: parent.id, ChangeKey: parent.changeKey }),
      element("m:Attachments", undefined, ...attachments.map((a) => fileAttachmentNode(a, children(a)))),
    );
  const read = (response: { body: XmlElement }) =>
    readResponseMessages(response.body, (message) => {
      const attachment = childElement(message, "Attachments")?.children[0];
      const created = readAttachmentId(childElement(attachment, "AttachmentId"));
      if (created === undefined) return { attachmentId: "" };
      return created;
    });
  const [first] = attachments;
  if (streamed.length > 0 && first !== undefined) {
    const response = await soap.send(
      "CreateAttachment",
      { node: node(() => [PAYLOAD_SLOT]), payload: base64Chunks(first.content) },
      options,
    );
    return read(response);
  }
  const response = await soap.call(
    "CreateAttachment",
    node((a) => [Buffer.from(a.content as Uint8Array).toString("base64")]),
    options,
  );
  return read(response);
}

export async function deleteAttachments(
  soap: SoapClient,
  attachmentIds: readonly string[],
  options: SoapCallOptions = {},
): Promise<EwsResult<{ rootItemId?: ItemId }>[]> {
  const body = element(
    "m:DeleteAttachment",
    undefined,
    element(
      "m:AttachmentIds",
      undefined,
      ...attachmentIds.map((id) => element("t:AttachmentId", { Id: id })),
    ),
  );
  const response = await soap.call("DeleteAttachment", body, options);
  // RootItemId (MS-OXWSCORE RootItemIdType) carries the parent's new change key.
  return readResponseMessages(response.body, (message) => {
    const root = childElement(message, "RootItemId")?.attributes;
    if (root?.RootItemId === undefined) return {};
    return {
      rootItemId:
        root.RootItemChangeKey === undefined
          ? { id: root.RootItemId }
          : { id: root.RootItemId, changeKey: root.RootItemChangeKey },
    };
  });
}
