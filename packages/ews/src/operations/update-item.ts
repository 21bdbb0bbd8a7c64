import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type ItemId, itemIdNode } from "../model/ids.js";
import { readReturnedItemId } from "../model/item.js";
import {
  type ExtendedProperty,
  extendedFieldUriAttributes,
  type PropertyPath,
  propertyPathNode,
} from "../model/property-path.js";
import { type EwsResult, readResponseMessages } from "../soap/parse-response.js";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";

// UpdateItem (MS-OXWSCORE 3.1.4.9): per item a list of SetItemField/DeleteItemField changes.
// Each SetItemField names the property and carries an item element holding only that property.

export interface ItemUpdate {
  itemId: ItemId;
  set?: {
    isRead?: boolean | undefined;
    subject?: string | undefined;
    importance?: "Low" | "Normal" | "High" | undefined;
    categories?: readonly string[] | undefined;
    extended?: ReadonlyArray<{ property: ExtendedProperty; value: string }> | undefined;
  };
  delete?: readonly PropertyPath[] | undefined;
}

function setField(fieldUri: string, itemElement: string, value: XmlNode): XmlNode {
  return element(
    "t:SetItemField",
    undefined,
    element("t:FieldURI", { FieldURI: fieldUri }),
    element(itemElement, undefined, value),
  );
}

export function itemChangeNode(update: ItemUpdate, itemElement = "t:Message"): XmlNode {
  const changes: XmlNode[] = [];
  const set = update.set ?? {};
  if (set.subject !== undefined)
    changes.push(setField("item:Subject", itemElement, textElement("t:Subject", set.subject)));
  if (set.importance !== undefined)
    changes.push(setField("item:Importance", itemElement, textElement("t:Importance", set.importance)));
  if (set.categories !== undefined) {
    changes.push(
      setField(
        "item:Categories",
        itemElement,
        element("t:Categories", undefined, ...set.categories.map((c) => textElement("t:String", c))),
      ),
    );
  }
  if (set.isRead !== undefined)
    changes.push(setField("message:IsRead", itemElement, textElement("t:IsRead", set.isRead)));
  for (const { property, value } of set.extended ?? []) {
    const attributes = extendedFieldUriAttributes(property);
    changes.push(
      element(
        "t:SetItemField",
        undefined,
        element("t:ExtendedFieldURI", attributes),
        element(
          itemElement,
          undefined,
          element(
            "t:ExtendedProperty",
            undefined,
            element("t:ExtendedFieldURI", attributes),
            textElement("t:Value", value),
          ),
        ),
      ),
    );
  }
  for (const path of update.delete ?? [])
    changes.push(element("t:DeleteItemField", undefined, propertyPathNode(path)));
  return element(
    "t:ItemChange",
    undefined,
    itemIdNode(update.itemId),
    element("t:Updates", undefined, ...changes),
  );
}

export async function updateItems(
  soap: SoapClient,
  updates: readonly ItemUpdate[],
  options: SoapCallOptions & {
    /** Default AutoResolve; AlwaysOverwrite ignores change keys; NeverOverwrite fails on conflict. */
    conflictResolution?: "NeverOverwrite" | "AutoResolve" | "AlwaysOverwrite" | undefined;
    messageDisposition?: "SaveOnly" | "SendOnly" | "SendAndSaveCopy" | undefined;
    suppressReadReceipts?: boolean | undefined;
  } = {},
): Promise<EwsResult<ItemId | undefined>[]> {
  const body = element(
    "m:UpdateItem",
    {
      ConflictResolution: options.conflictResolution ?? "AutoResolve",
      MessageDisposition: options.messageDisposition ?? "SaveOnly",
      SuppressReadReceipts: options.suppressReadReceipts,
    },
    element("m:ItemChanges", undefined, ...updates.map((u) => itemChangeNode(u))),
  );
  const response = await soap.call("UpdateItem", body, options);
  return readResponseMessages(response.body, readReturnedItemId);
}
