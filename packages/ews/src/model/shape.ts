import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import { type PropertyPath, propertyPathNode } from "./property-path.js";

// ItemResponseShapeType / FolderResponseShapeType (MS-OXWSCDATA 2.2.4.x): a base set of
// properties plus AdditionalProperties.

export type BaseShape = "IdOnly" | "Default" | "AllProperties";

export interface ItemShape {
  baseShape?: BaseShape | undefined;
  /** Adds MimeContent (base64 RFC 5322 for messages). */
  includeMimeContent?: boolean | undefined;
  bodyType?: "Best" | "HTML" | "Text" | undefined;
  additionalProperties?: readonly PropertyPath[] | undefined;
}

export interface FolderShape {
  baseShape?: BaseShape | undefined;
  additionalProperties?: readonly PropertyPath[] | undefined;
}

function additional(paths: readonly PropertyPath[] | undefined): XmlNode | undefined {
  if (paths === undefined || paths.length === 0) return undefined;
  return element("t:AdditionalProperties", undefined, ...paths.map(propertyPathNode));
}

export function itemShapeNode(shape: ItemShape = {}, name = "m:ItemShape"): XmlNode {
  return element(
    name,
    undefined,
    textElement("t:BaseShape", shape.baseShape ?? "Default"),
    shape.includeMimeContent === undefined
      ? undefined
      : textElement("t:IncludeMimeContent", shape.includeMimeContent),
    shape.bodyType === undefined ? undefined : textElement("t:BodyType", shape.bodyType),
    additional(shape.additionalProperties),
  );
}

export function folderShapeNode(shape: FolderShape = {}): XmlNode {
  return element(
    "m:FolderShape",
    undefined,
    textElement("t:BaseShape", shape.baseShape ?? "Default"),
    additional(shape.additionalProperties),
  );
}
