import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type ItemId, itemIdNode } from "../model/ids.js";
import type { EwsMailbox } from "../model/item.js";
import { readResponseMessages, unwrapSingle } from "../soap/parse-response.js";
import { element, textElement } from "../xml/serialize-xml.js";
import { childElement, childElements, childText, type XmlElement } from "../xml/xml-element.js";

// ExpandDL (MS-OXWSDLIST): the members of a distribution list, a public
// one by address or a private one (a contact group) by its item id. Members that are lists
// themselves come back with MailboxType PublicDL/PrivateDL and can be expanded in turn.

export interface DistributionListMember extends EwsMailbox {
  /** Mailbox, PublicDL, PrivateDL, Contact, PublicFolder, Unknown, OneOff, GroupMailbox. */
  mailboxType?: string;
  /** For a private list's entries that are contacts or nested groups. */
  itemId?: ItemId;
}

export interface ExpandDLResult {
  members: DistributionListMember[];
  includesLastItemInRange: boolean;
  totalItemsInView?: number;
}

export type DistributionListRef = string | { itemId: ItemId };

function readMember(mailbox: XmlElement): DistributionListMember {
  const member: DistributionListMember = {};
  for (const [key, name] of [
    ["name", "Name"],
    ["emailAddress", "EmailAddress"],
    ["routingType", "RoutingType"],
    ["mailboxType", "MailboxType"],
  ] as const) {
    const value = childText(mailbox, name);
    if (value !== undefined) member[key] = value;
  }
  const id = childElement(mailbox, "ItemId")?.attributes;
  if (id?.Id !== undefined)
    member.itemId = id.ChangeKey === undefined ? { id: id.Id } : { id: id.Id, changeKey: id.ChangeKey };
  return member;
}

export async function expandDistributionList(
  soap: SoapClient,
  list: DistributionListRef,
  options: SoapCallOptions = {},
): Promise<ExpandDLResult> {
  const mailbox =
    typeof list === "string"
      ? element("m:Mailbox", undefined, textElement("t:EmailAddress", list))
      : element("m:Mailbox", undefined, itemIdNode(list.itemId));
  const response = await soap.call("ExpandDL", element("m:ExpandDL", undefined, mailbox), {
    ...options,
    idempotent: true,
  });
  return unwrapSingle(
    readResponseMessages(response.body, (message) => {
      const expansion = childElement(message, "DLExpansion");
      const total = Number(expansion?.attributes.TotalItemsInView);
      const result: ExpandDLResult = {
        members: childElements(expansion, "Mailbox").map(readMember),
        includesLastItemInRange: expansion?.attributes.IncludesLastItemInRange !== "false",
      };
      if (Number.isFinite(total)) result.totalItemsInView = total;
      return result;
    }),
  );
}
