import { ParseError } from "@mailwire/core";
import { withoutUndefined } from "./without-undefined.js";
import {
  child,
  childrenNamed,
  childText,
  parseXmlTree,
  type XmlElement,
  type XmlLimits,
} from "./xml-tree.js";

/** Internal/External URL pair of a mapiHttp MailStore or AddressBook (MS-OXDSCLI 2.2.4.1.1.2.2). */
export interface PoxUrlPair {
  internalUrl?: string;
  externalUrl?: string;
}

export interface PoxOwaUrl {
  url: string;
  authenticationMethod?: string;
  location: "internal" | "external";
}

/**
 * One `Protocol` element. `values` holds its simple child elements by name (Server,
 * ServerDN, ASUrl, OABUrl, AuthPackage, SSL, CertPrincipalName, Port, ...) exactly as sent;
 * the typed view is built in settings-from-pox.ts.
 */
export interface PoxProtocol {
  /** The `Type` child (EXCH, EXPR, WEB, IMAP, POP3, SMTP) or the `Type` attribute (mapiHttp, EXHTTP). */
  type: string;
  version?: string;
  values: Readonly<Record<string, string>>;
  mailStore?: PoxUrlPair;
  addressBook?: PoxUrlPair;
  owaUrls: readonly PoxOwaUrl[];
  /** Protocol blocks nested in WEB's Internal/External (EXCH/EXPR with an ASUrl). */
  nested: readonly PoxProtocol[];
}

export interface PoxUser {
  displayName?: string;
  legacyDn?: string;
  autoDiscoverSmtpAddress?: string;
  deploymentId?: string;
}

export type PoxResponse =
  | { kind: "settings"; user: PoxUser; accountType?: string; protocols: readonly PoxProtocol[] }
  | { kind: "redirectAddr"; address: string }
  | { kind: "redirectUrl"; url: string }
  /** MS-OXDSCLI 2.2.4.1.2: e.g. 600 Invalid Request, 601 provider not available, 500 user not found. */
  | { kind: "error"; errorCode: string; message?: string; debugData?: string };

function urlPair(element: XmlElement | undefined): PoxUrlPair | undefined {
  if (element === undefined) return undefined;
  return withoutUndefined({
    internalUrl: childText(element, "InternalUrl"),
    externalUrl: childText(element, "ExternalUrl"),
  });
}

function protocolOf(element: XmlElement, depth: number): PoxProtocol {
  const values: Record<string, string> = {};
  for (const entry of element.children) {
    if (entry.children.length === 0 && entry.text !== "" && !(entry.name in values))
      values[entry.name] = entry.text;
  }
  const type = element.attributes.Type ?? values.Type ?? "";
  const owaUrls: PoxOwaUrl[] = [];
  const nested: PoxProtocol[] = [];
  for (const location of ["Internal", "External"] as const) {
    const section = child(element, location);
    for (const owa of childrenNamed(section, "OWAUrl")) {
      if (owa.text === "") continue;
      const method = owa.attributes.AuthenticationMethod;
      owaUrls.push({
        url: owa.text,
        location: location === "Internal" ? "internal" : "external",
        ...(method === undefined ? {} : { authenticationMethod: method }),
      });
    }
    // WEB nests EXCH/EXPR Protocol blocks once; deeper nesting is not in the schema.
    if (depth === 0)
      for (const inner of childrenNamed(section, "Protocol")) nested.push(protocolOf(inner, depth + 1));
  }
  const mailStore = urlPair(child(element, "MailStore"));
  const addressBook = urlPair(child(element, "AddressBook"));
  const version = element.attributes.Version;
  return {
    type,
    values,
    owaUrls,
    nested,
    ...(version === undefined ? {} : { version }),
    ...(mailStore === undefined ? {} : { mailStore }),
    ...(addressBook === undefined ? {} : { addressBook }),
  };
}

function errorOf(element: XmlElement): PoxResponse {
  return {
    kind: "error",
    errorCode: childText(element, "ErrorCode") ?? "",
    ...withoutUndefined({
      message: childText(element, "Message"),
      debugData: childText(element, "DebugData"),
    }),
  };
}

/**
 * Parses a POX Autodiscover response (MS-OXDSCLI 2.2.4). Elements are matched by local
 * name: servers differ in prefixes, and the MicrosoftDocs examples even changed the
 * namespace URIs to https at one point, so namespace URIs are not compared.
 */
export function parsePoxResponse(input: string | Uint8Array, limits?: XmlLimits): PoxResponse {
  const root = parseXmlTree(input, limits);
  if (root.name !== "Autodiscover")
    throw new ParseError(`expected an Autodiscover document, got <${root.name}>`);
  const response = child(root, "Response");
  if (response === undefined) throw new ParseError("the Autodiscover document has no Response");
  const topError = child(response, "Error");
  if (topError !== undefined) return errorOf(topError);
  const account = child(response, "Account");
  if (account === undefined) throw new ParseError("the Autodiscover response has neither Account nor Error");
  const accountError = child(account, "Error");
  if (accountError !== undefined) return errorOf(accountError);
  const action = childText(account, "Action");
  if (action === "redirectAddr") {
    const address = childText(account, "RedirectAddr");
    if (address === undefined) throw new ParseError("redirectAddr without a RedirectAddr");
    return { kind: "redirectAddr", address };
  }
  if (action === "redirectUrl") {
    const url = childText(account, "RedirectUrl");
    if (url === undefined) throw new ParseError("redirectUrl without a RedirectUrl");
    return { kind: "redirectUrl", url };
  }
  if (action !== "settings")
    throw new ParseError(`unknown Autodiscover Action ${JSON.stringify(action ?? "")}`);
  const userElement = child(response, "User");
  const user: PoxUser = withoutUndefined({
    displayName: childText(userElement, "DisplayName"),
    legacyDn: childText(userElement, "LegacyDN"),
    autoDiscoverSmtpAddress: childText(userElement, "AutoDiscoverSMTPAddress"),
    deploymentId: childText(userElement, "DeploymentId"),
  });
  const accountType = childText(account, "AccountType");
  const protocols = childrenNamed(account, "Protocol").map((element) => protocolOf(element, 0));
  return { kind: "settings", user, protocols, ...(accountType === undefined ? {} : { accountType }) };
}
