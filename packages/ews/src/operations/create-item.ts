import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type FolderRef, folderIdNode, type ItemId } from "../model/ids.js";
import { readReturnedItemId } from "../model/item.js";
import { type EwsResult, readResponseMessages } from "../soap/parse-response.js";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";

// CreateItem for messages (MS-OXWSMSG 3.1.4.2): MessageDisposition SaveOnly (a draft),
// SendOnly, or SendAndSaveCopy (to SavedItemFolderId, Sent Items by default). A message may be
// given as fields or as a complete RFC 5322 MimeContent.

export interface Recipient {
  name?: string | undefined;
  emailAddress: string;
}

export interface NewMessage {
  subject?: string | undefined;
  body?: { bodyType: "HTML" | "Text"; text: string } | undefined;
  toRecipients?: readonly Recipient[] | undefined;
  ccRecipients?: readonly Recipient[] | undefined;
  bccRecipients?: readonly Recipient[] | undefined;
  isRead?: boolean | undefined;
  /** A whole RFC 5322 message; the server derives the other properties from it. */
  mime?: Uint8Array | undefined;
}

export type MessageDisposition = "SaveOnly" | "SendOnly" | "SendAndSaveCopy";

function recipients(name: string, list: readonly Recipient[] | undefined): XmlNode | undefined {
  if (list === undefined || list.length === 0) return undefined;
  return element(
    name,
    undefined,
    ...list.map((r) =>
      element(
        "t:Mailbox",
        undefined,
        r.name === undefined ? undefined : textElement("t:Name", r.name),
        textElement("t:EmailAddress", r.emailAddress),
      ),
    ),
  );
}

/** A t:Message in schema order (MS-OXWSMSG MessageType: ItemType fields, then message fields). */
export function messageNode(message: NewMessage): XmlNode {
  return element(
    "t:Message",
    undefined,
    message.mime === undefined
      ? undefined
      : textElement("t:MimeContent", Buffer.from(message.mime).toString("base64")),
    message.subject === undefined ? undefined : textElement("t:Subject", message.subject),
    message.body === undefined
      ? undefined
      : element("t:Body", { BodyType: message.body.bodyType }, message.body.text),
    recipients("t:ToRecipients", message.toRecipients),
    recipients("t:CcRecipients", message.ccRecipients),
    recipients("t:BccRecipients", message.bccRecipients),
    message.isRead === undefined ? undefined : textElement("t:IsRead", message.isRead),
  );
}

export async function createMessages(
  soap: SoapClient,
  messages: readonly NewMessage[],
  options: SoapCallOptions & {
    disposition?: MessageDisposition | undefined;
    /** Where SaveOnly puts the draft / SendAndSaveCopy the copy. */
    savedItemFolder?: FolderRef | undefined;
  } = {},
): Promise<EwsResult<ItemId | undefined>[]> {
  const disposition = options.disposition ?? "SaveOnly";
  const body = element(
    "m:CreateItem",
    { MessageDisposition: disposition },
    options.savedItemFolder === undefined
      ? undefined
      : element("m:SavedItemFolderId", undefined, folderIdNode(options.savedItemFolder)),
    element("m:Items", undefined, ...messages.map(messageNode)),
  );
  const response = await soap.call("CreateItem", body, options);
  // SendOnly returns no item: the message is gone from the mailbox (MS-OXWSMSG 3.1.4.2.3.x).
  return readResponseMessages(response.body, readReturnedItemId);
}
