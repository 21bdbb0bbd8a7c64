import { LimitExceededError } from "@mailwire/core";
import { EwsLimits, type EwsLimitsShape } from "../limits.js";
import { readXmlTree } from "./read-xml-tree.js";
import type { XmlElement } from "./xml-element.js";

export type ParseXmlLimits = Pick<
  EwsLimitsShape,
  "maxDepth" | "maxElements" | "maxAttributeLength" | "maxResponseBytes"
>;

/** Parses a complete XML document into its root element; malformed input is a ParseError. */
export function parseXml(xml: string, limits: ParseXmlLimits = EwsLimits): XmlElement {
  if (xml.length > limits.maxResponseBytes) {
    throw new LimitExceededError(`the XML document exceeds ${limits.maxResponseBytes} bytes`, {
      limit: "maxResponseBytes",
      max: limits.maxResponseBytes,
    });
  }
  return readXmlTree(xml, limits);
}
