import { element, type XmlNode } from "../xml/serialize-xml.js";

// BasePathToElementType (MS-OXWSCDATA 2.2.4.x): a property named by FieldURI ("item:Subject",
// "message:IsRead"), by IndexedFieldURI (one entry of a dictionary such as an e-mail address),
// or a MAPI property by ExtendedFieldURI (MS-OXWSXPROP 2.2.4.x PathToExtendedFieldType).

export type MapiPropertyType =
  | "Boolean"
  | "Integer"
  | "Long"
  | "Double"
  | "String"
  | "SystemTime"
  | "Binary"
  | "CLSID"
  | "StringArray"
  | "IntegerArray"
  | "BinaryArray"
  | "Short"
  | "Currency"
  | "ApplicationTime";

export type ExtendedProperty = {
  readonly propertyType: MapiPropertyType;
} & (
  | { readonly propertyTag: number | string }
  | { readonly propertySetId: string; readonly propertyName: string }
  | { readonly propertySetId: string; readonly propertyId: number }
  | { readonly distinguishedPropertySetId: string; readonly propertyName: string }
  | { readonly distinguishedPropertySetId: string; readonly propertyId: number }
);

export type PropertyPath =
  | string
  | { readonly fieldUri: string; readonly fieldIndex: string }
  | { readonly extended: ExtendedProperty };

export function extendedFieldUriAttributes(
  property: ExtendedProperty,
): Record<string, string | number | undefined> {
  const tag =
    "propertyTag" in property
      ? typeof property.propertyTag === "number"
        ? `0x${property.propertyTag.toString(16)}`
        : property.propertyTag
      : undefined;
  return {
    DistinguishedPropertySetId:
      "distinguishedPropertySetId" in property ? property.distinguishedPropertySetId : undefined,
    PropertySetId: "propertySetId" in property ? property.propertySetId : undefined,
    PropertyTag: tag,
    PropertyName: "propertyName" in property ? property.propertyName : undefined,
    PropertyId: "propertyId" in property ? property.propertyId : undefined,
    PropertyType: property.propertyType,
  };
}

export function propertyPathNode(path: PropertyPath): XmlNode {
  if (typeof path === "string") return element("t:FieldURI", { FieldURI: path });
  if ("fieldIndex" in path)
    return element("t:IndexedFieldURI", { FieldURI: path.fieldUri, FieldIndex: path.fieldIndex });
  return element("t:ExtendedFieldURI", extendedFieldUriAttributes(path.extended));
}
