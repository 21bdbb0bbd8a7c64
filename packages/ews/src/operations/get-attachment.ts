import type { Readable } from "node:stream";
import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type ItemId, itemIdNode } from "../model/ids.js";
import { type EwsAttachmentInfo, readAttachmentInfo } from "../model/item.js";
import { streamContent } from "../streaming/content-stream.js";
import { element, textElement } from "../xml/serialize-xml.js";
import { childElement } from "../xml/xml-element.js";

// GetAttachment (MS-OXWSCORE 3.1.4.x) and GetItem with MimeContent, streamed: the base64 payload
// is decoded as it arrives (see streaming/content-stream.ts), so a 100 MB attachment never sits
// in memory, neither as base64 nor as bytes.

export interface AttachmentDownload {
  info: EwsAttachmentInfo;
  /** The decoded attachment bytes; consume or destroy it to free the connection. */
  content: Readable;
}

export async function downloadAttachment(
  soap: SoapClient,
  attachmentId: string,
  options: SoapCallOptions = {},
): Promise<AttachmentDownload> {
  const body = element(
    "m:GetAttachment",
    undefined,
    element("m:AttachmentIds", undefined, element("t:AttachmentId", { Id: attachmentId })),
  );
  // ErrorServerBusy and version step-down are recovered before the payload starts flowing.
  const { container, content } = await soap.recover(
    "GetAttachment",
    { ...options, idempotent: true },
    async () => {
      const release = await soap.acquire(options.signal);
      try {
        const response = await soap.post("GetAttachment", body, { ...options, idempotent: true });
        return await streamContent(response.body, {
          element: "Content",
          container: "FileAttachment",
          maxFrameBytes: soap.limits.maxStreamFrameBytes,
          onDone: release,
          explainMissing: (message) =>
            childElement(message, "Attachments")?.children[0]?.name === "ItemAttachment"
              ? "it is an item attachment (no content to stream); use getItemAttachment or getAttachments"
              : undefined,
        });
      } catch (error) {
        release();
        throw error;
      }
    },
  );
  const info = readAttachmentInfo(container, "FileAttachment", attachmentId);
  return { info, content };
}

/** The item's RFC 5322 MIME (MimeContent), streamed. */
export async function downloadMime(
  soap: SoapClient,
  itemId: ItemId,
  options: SoapCallOptions = {},
): Promise<Readable> {
  const body = element(
    "m:GetItem",
    undefined,
    element(
      "m:ItemShape",
      undefined,
      textElement("t:BaseShape", "IdOnly"),
      textElement("t:IncludeMimeContent", true),
    ),
    element("m:ItemIds", undefined, itemIdNode(itemId)),
  );
  return soap.recover("GetItem", { ...options, idempotent: true }, async () => {
    const release = await soap.acquire(options.signal);
    try {
      const response = await soap.post("GetItem", body, { ...options, idempotent: true });
      const { content } = await streamContent(response.body, {
        element: "MimeContent",
        maxFrameBytes: soap.limits.maxStreamFrameBytes,
        onDone: release,
      });
      return content;
    } catch (error) {
      release();
      throw error;
    }
  });
}
