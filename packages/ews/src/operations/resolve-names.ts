import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import type { EwsMailbox } from "../model/item.js";
import { readResponseMessages } from "../soap/parse-response.js";
import { element, textElement } from "../xml/serialize-xml.js";
import { childElement, childElements, childText, type XmlElement } from "../xml/xml-element.js";

// ResolveNames (MS-OXWSRSLNM 3.1.4.1): ambiguous name resolution against the directory and/or
// contacts. One match is Success; several are a Warning (ErrorNameResolutionMultipleResults)
// that still carries them; none is ErrorNameResolutionNoResults, returned here as an empty list.

export interface Resolution {
  mailbox: EwsMailbox & { mailboxType?: string };
  contact?: { displayName?: string; companyName?: string };
}

export interface ResolveNamesResult {
  resolutions: Resolution[];
  /** NoError, or ErrorNameResolutionMultipleResults when the entry was ambiguous. */
  responseCode: string;
  includesLastItemInRange: boolean;
}

function readResolution(element: XmlElement): Resolution {
  const mailboxElement = childElement(element, "Mailbox");
  const mailbox: Resolution["mailbox"] = {};
  for (const [key, name] of [
    ["name", "Name"],
    ["emailAddress", "EmailAddress"],
    ["routingType", "RoutingType"],
    ["mailboxType", "MailboxType"],
  ] as const) {
    const value = childText(mailboxElement, name);
    if (value !== undefined) mailbox[key] = value;
  }
  const resolution: Resolution = { mailbox };
  const contactElement = childElement(element, "Contact");
  if (contactElement) {
    const contact: NonNullable<Resolution["contact"]> = {};
    const displayName = childText(contactElement, "DisplayName");
    if (displayName !== undefined) contact.displayName = displayName;
    const companyName = childText(contactElement, "CompanyName");
    if (companyName !== undefined) contact.companyName = companyName;
    resolution.contact = contact;
  }
  return resolution;
}

export async function resolveNames(
  soap: SoapClient,
  entry: string,
  options: SoapCallOptions & {
    returnFullContactData?: boolean | undefined;
    searchScope?:
      | "ActiveDirectory"
      | "ActiveDirectoryContacts"
      | "Contacts"
      | "ContactsActiveDirectory"
      | undefined;
  } = {},
): Promise<ResolveNamesResult> {
  const body = element(
    "m:ResolveNames",
    {
      ReturnFullContactData: options.returnFullContactData ?? false,
      SearchScope: options.searchScope ?? "ActiveDirectoryContacts",
    },
    textElement("m:UnresolvedEntry", entry),
  );
  const response = await soap.call("ResolveNames", body, { ...options, idempotent: true });
  const [result] = readResponseMessages(response.body, (message) => {
    const set = childElement(message, "ResolutionSet");
    return {
      resolutions: childElements(set, "Resolution").map(readResolution),
      includesLastItemInRange: set?.attributes.IncludesLastItemInRange !== "false",
    };
  });
  if (result === undefined)
    return { resolutions: [], responseCode: "NoError", includesLastItemInRange: true };
  if (!result.ok) {
    if (result.responseCode === "ErrorNameResolutionNoResults") {
      return { resolutions: [], responseCode: result.responseCode, includesLastItemInRange: true };
    }
    throw result.error;
  }
  return { ...result.value, responseCode: result.responseCode };
}
