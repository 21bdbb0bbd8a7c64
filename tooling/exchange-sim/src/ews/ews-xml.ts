import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { EwsSchemaVersion } from "./ews-control.js";

// Request parsing and response writing for the sim. The sim parses with fast-xml-parser, a
// different XML implementation from the client's own reader, so a shared misreading cannot
// hide a bug. Every element is an array of objects (text under "#text", attributes "@Name").

export type EwsNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  alwaysCreateTextNode: true,
  isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
  processEntities: true,
  htmlEntities: false,
});

export function parseRequest(xml: string): EwsNode {
  if (/<!DOCTYPE/i.test(xml)) throw new Error("DTDs are not accepted");
  // The parser alone accepts unclosed tags; Exchange answers those with a schema-validation fault.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`${valid.err.msg} (line ${valid.err.line})`);
  return parser.parse(xml) as EwsNode;
}

export function all(node: EwsNode | undefined, name: string): EwsNode[] {
  const value = node?.[name];
  return Array.isArray(value) ? (value as EwsNode[]) : [];
}

export function one(node: EwsNode | undefined, name: string): EwsNode | undefined {
  return all(node, name)[0];
}

export function path(node: EwsNode | undefined, ...names: string[]): EwsNode | undefined {
  let current = node;
  for (const name of names) current = one(current, name);
  return current;
}

export function text(node: EwsNode | undefined): string {
  const value = node?.["#text"];
  return value === undefined ? "" : String(value);
}

export function attr(node: EwsNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return value === undefined ? undefined : String(value);
}

/** The first element child's name and node (the operation inside soap:Body). */
export function firstElement(node: EwsNode | undefined): [string, EwsNode] | undefined {
  for (const [key, value] of Object.entries(node ?? {})) {
    if (key.startsWith("@") || key === "#text" || !Array.isArray(value)) continue;
    return [key, value[0] as EwsNode];
  }
  return undefined;
}

export function x(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\r/g, "&#13;");
}

export const NS = {
  soap: "http://schemas.xmlsoap.org/soap/envelope/",
  m: "http://schemas.microsoft.com/exchange/services/2006/messages",
  t: "http://schemas.microsoft.com/exchange/services/2006/types",
} as const;

const BUILD: Record<EwsSchemaVersion, [number, number, number]> = {
  Exchange2007: [8, 0, 685],
  Exchange2007_SP1: [8, 3, 83],
  Exchange2010: [14, 0, 639],
  Exchange2010_SP1: [14, 1, 218],
  Exchange2010_SP2: [14, 2, 247],
  Exchange2013: [15, 0, 516],
  Exchange2013_SP1: [15, 0, 847],
  Exchange2016: [15, 1, 2507],
};

export function serverVersionInfo(version: EwsSchemaVersion): string {
  const [major, minor, build] = BUILD[version];
  // Exchange 2007 sends no Version attribute (MS-OXWSCDATA ServerVersionInfo).
  const versionAttribute = major === 8 ? "" : ` Version="${version}"`;
  return `<h:ServerVersionInfo MajorVersion="${major}" MinorVersion="${minor}" MajorBuildNumber="${build}" MinorBuildNumber="0"${versionAttribute} xmlns:h="${NS.t}" xmlns="${NS.t}"/>`;
}

export function envelopeHead(version: EwsSchemaVersion): string {
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}"><s:Header>${serverVersionInfo(version)}</s:Header><s:Body>`;
}

export const ENVELOPE_TAIL = "</s:Body></s:Envelope>";

/** `<m:XResponse><m:ResponseMessages>…` around already-built response messages. */
export function operationResponse(version: EwsSchemaVersion, operation: string, messages: string[]): string {
  return `${envelopeHead(version)}<m:${operation}Response xmlns:m="${NS.m}" xmlns:t="${NS.t}"><m:ResponseMessages>${messages.join("")}</m:ResponseMessages></m:${operation}Response>${ENVELOPE_TAIL}`;
}

export function successMessage(operation: string, inner = ""): string {
  return `<m:${operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${inner}</m:${operation}ResponseMessage>`;
}

export function errorMessage(operation: string, code: string, text: string, inner = ""): string {
  return `<m:${operation}ResponseMessage ResponseClass="Error"><m:MessageText>${x(text)}</m:MessageText><m:ResponseCode>${code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${inner}</m:${operation}ResponseMessage>`;
}

/** A SOAP 1.1 fault as Exchange sends it (HTTP 500), ResponseCode and MessageXml in detail. */
export function soapFault(version: EwsSchemaVersion, code: string, message: string, messageXml = ""): string {
  return `${envelopeHead(version)}<s:Fault><faultcode xmlns:a="${NS.t}">a:${code}</faultcode><faultstring xml:lang="en-US">${x(message)}</faultstring><detail><e:ResponseCode xmlns:e="${NS.t}">${code}</e:ResponseCode><e:Message xmlns:e="${NS.t}">${x(message)}</e:Message>${messageXml}</detail></s:Fault>${ENVELOPE_TAIL}`;
}
