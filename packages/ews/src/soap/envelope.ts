import {
  element,
  rawXml,
  serializeXml,
  textElement,
  type XmlChild,
  type XmlNode,
} from "../xml/serialize-xml.js";
import { Namespace } from "./namespaces.js";
import type { ExchangeVersion } from "./server-version.js";

/**
 * ExchangeImpersonation/ConnectingSID (MS-OXWSCDATA 2.2.4.x): act as another mailbox with the
 * ApplicationImpersonation role. Exactly one identifier.
 */
export type Impersonation =
  | { primarySmtpAddress: string }
  | { smtpAddress: string }
  | { principalName: string }
  | { sid: string };

export interface EnvelopeOptions {
  version: ExchangeVersion;
  impersonation?: Impersonation | undefined;
  /** A Windows time zone id (TimeZoneDefinition Id, MS-OXWSCDATA 2.2.4.x TimeZoneContext), e.g. "W. Europe Standard Time". */
  timeZoneId?: string | undefined;
  /** MS-OXWSCDATA DateTimePrecision header (Exchange2010_SP2+): "Seconds" or "Milliseconds". */
  dateTimePrecision?: "Seconds" | "Milliseconds" | undefined;
}

function impersonationNode(impersonation: Impersonation): XmlNode {
  const id =
    "primarySmtpAddress" in impersonation
      ? textElement("t:PrimarySmtpAddress", impersonation.primarySmtpAddress)
      : "smtpAddress" in impersonation
        ? textElement("t:SmtpAddress", impersonation.smtpAddress)
        : "principalName" in impersonation
          ? textElement("t:PrincipalName", impersonation.principalName)
          : textElement("t:SID", impersonation.sid);
  return element("t:ExchangeImpersonation", undefined, element("t:ConnectingSID", undefined, id));
}

/**
 * A complete SOAP 1.1 request: the header carries RequestServerVersion (required since
 * Exchange2007_SP1, MS-OXWSCDATA 2.2.3.x), then impersonation and time zone when asked; the body
 * holds the one operation element. `body` is a node tree or, for the raw escape hatch, markup.
 */
export function buildEnvelope(body: XmlNode | string, options: EnvelopeOptions): string {
  const header: XmlChild[] = [element("t:RequestServerVersion", { Version: options.version })];
  if (options.impersonation !== undefined) header.push(impersonationNode(options.impersonation));
  if (options.timeZoneId !== undefined) {
    header.push(
      element("t:TimeZoneContext", undefined, element("t:TimeZoneDefinition", { Id: options.timeZoneId })),
    );
  }
  if (options.dateTimePrecision !== undefined)
    header.push(textElement("t:DateTimePrecision", options.dateTimePrecision));
  const envelope = element(
    "soap:Envelope",
    { "xmlns:soap": Namespace.soap, "xmlns:t": Namespace.types, "xmlns:m": Namespace.messages },
    element("soap:Header", undefined, ...header),
    element("soap:Body", undefined, typeof body === "string" ? rawXml(body) : body),
  );
  return `<?xml version="1.0" encoding="utf-8"?>${serializeXml(envelope)}`;
}
