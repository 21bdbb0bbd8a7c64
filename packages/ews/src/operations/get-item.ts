import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type ItemId, itemIdNode } from "../model/ids.js";
import { type EwsItem, readItems } from "../model/item.js";
import { type ItemShape, itemShapeNode } from "../model/shape.js";
import { type EwsResult, readResponseMessages } from "../soap/parse-response.js";
import { element, type XmlNode } from "../xml/serialize-xml.js";
import { childElement } from "../xml/xml-element.js";

// GetItem (MS-OXWSCORE 3.1.4.4): one response message per requested id, in request order.

export function getItemBody(items: readonly ItemId[], shape?: ItemShape): XmlNode {
  return element(
    "m:GetItem",
    undefined,
    itemShapeNode(shape),
    element("m:ItemIds", undefined, ...items.map((i) => itemIdNode(i))),
  );
}

export async function getItems(
  soap: SoapClient,
  items: readonly ItemId[],
  options: SoapCallOptions & { shape?: ItemShape | undefined } = {},
): Promise<EwsResult<EwsItem>[]> {
  const response = await soap.call("GetItem", getItemBody(items, options.shape), {
    ...options,
    idempotent: true,
  });
  return readResponseMessages(
    response.body,
    (message) => readItems(childElement(message, "Items"))[0] as EwsItem,
  );
}
