import { InvalidArgumentError, ParseError } from "@mailwire/core";
import { AutodiscoverLimits } from "./limits.js";
import { escapeXml } from "./xml-escape.js";
import {
  child,
  childrenNamed,
  childText,
  descend,
  parseXmlTree,
  type XmlElement,
  type XmlLimits,
} from "./xml-tree.js";

/** MS-OXWSADISC 2.2.1: the Autodiscover SOAP namespace and the GetUserSettings action. */
export const SoapAutodiscoverNamespace = {
  autodiscover: "http://schemas.microsoft.com/exchange/2010/Autodiscover",
  addressing: "http://www.w3.org/2005/08/addressing",
  envelope: "http://schemas.xmlsoap.org/soap/envelope/",
  instance: "http://www.w3.org/2001/XMLSchema-instance",
} as const;

export const GET_USER_SETTINGS_ACTION = `${SoapAutodiscoverNamespace.autodiscover}/Autodiscover/GetUserSettings`;

/** The settings discover() asks for: enough to fill ExchangeSettings (MS-OXWSADISC 2.2.4.x UserSettingName). */
export const DEFAULT_USER_SETTINGS = [
  "UserDisplayName",
  "UserDN",
  "UserDeploymentId",
  "AutoDiscoverSMTPAddress",
  "InternalMailboxServer",
  "InternalMailboxServerDN",
  "MailboxDN",
  "ExternalMailboxServer",
  "ExternalMailboxServerRequiresSSL",
  "ExternalMailboxServerAuthenticationMethods",
  "CertPrincipalName",
  "InternalEwsUrl",
  "ExternalEwsUrl",
  "InternalOABUrl",
  "ExternalOABUrl",
  "CasVersion",
  "EwsSupportedSchemas",
] as const;

export interface GetUserSettingsRequestInit {
  mailboxes: readonly string[];
  settings?: readonly string[] | undefined;
  /** The endpoint URL, echoed in WS-Addressing `To`. */
  to: string;
  /** MS-OXWSADISC 2.2.3.4 RequestedServerVersion; Exchange2010 is the first that has GetUserSettings. */
  requestedServerVersion?: string | undefined;
}

/** Builds a GetUserSettings SOAP request for one or more users (MS-OXWSADISC 3.1.4.1). */
export function buildGetUserSettingsRequest(init: GetUserSettingsRequestInit): string {
  if (init.mailboxes.length === 0)
    throw new InvalidArgumentError("GetUserSettings needs at least one mailbox");
  if (init.mailboxes.length > AutodiscoverLimits.maxBatchUsers) {
    throw new InvalidArgumentError(`GetUserSettings takes at most ${AutodiscoverLimits.maxBatchUsers} users`);
  }
  const ns = SoapAutodiscoverNamespace;
  const users = init.mailboxes.map(
    (mailbox) => `<a:User><a:Mailbox>${escapeXml(mailbox)}</a:Mailbox></a:User>`,
  );
  const settings = (init.settings ?? DEFAULT_USER_SETTINGS).map(
    (name) => `<a:Setting>${escapeXml(name)}</a:Setting>`,
  );
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<soap:Envelope xmlns:a="${ns.autodiscover}" xmlns:wsa="${ns.addressing}" xmlns:xsi="${ns.instance}" xmlns:soap="${ns.envelope}">` +
    `<soap:Header>` +
    `<a:RequestedServerVersion>${escapeXml(init.requestedServerVersion ?? "Exchange2010")}</a:RequestedServerVersion>` +
    `<wsa:Action>${GET_USER_SETTINGS_ACTION}</wsa:Action>` +
    `<wsa:To>${escapeXml(init.to)}</wsa:To>` +
    `</soap:Header><soap:Body><a:GetUserSettingsRequestMessage><a:Request>` +
    `<a:Users>${users.join("")}</a:Users>` +
    `<a:RequestedSettings>${settings.join("")}</a:RequestedSettings>` +
    `</a:Request></a:GetUserSettingsRequestMessage></soap:Body></soap:Envelope>`
  );
}

export interface UserSettingError {
  settingName: string;
  errorCode: string;
  errorMessage?: string;
}

export interface UserResponse {
  /** MS-OXWSADISC 2.2.5.1 ErrorCode: NoError, RedirectAddress, RedirectUrl, InvalidUser, ... */
  errorCode: string;
  errorMessage?: string;
  /** Set with RedirectAddress (an SMTP address) or RedirectUrl (an Autodiscover URL). */
  redirectTarget?: string;
  /** StringSetting values by name; collection settings are not flattened here. */
  settings: Readonly<Record<string, string>>;
  settingErrors: readonly UserSettingError[];
}

export interface GetUserSettingsResponse {
  errorCode: string;
  errorMessage?: string;
  users: readonly UserResponse[];
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function userResponseOf(element: XmlElement): UserResponse {
  const settings: Record<string, string> = {};
  for (const setting of childrenNamed(child(element, "UserSettings"), "UserSetting")) {
    const name = childText(setting, "Name");
    const value = child(setting, "Value");
    // Only StringSetting carries a plain Value; collection settings have other children.
    if (name !== undefined && value !== undefined && value.children.length === 0) settings[name] = value.text;
  }
  const settingErrors = childrenNamed(child(element, "UserSettingErrors"), "UserSettingError").map(
    (error) => ({
      settingName: childText(error, "SettingName") ?? "",
      errorCode: childText(error, "ErrorCode") ?? "",
      ...optional("errorMessage", childText(error, "ErrorMessage")),
    }),
  );
  const redirect = child(element, "RedirectTarget");
  const nil = redirect?.attributes.nil === "true";
  return {
    errorCode: childText(element, "ErrorCode") ?? "NoError",
    settings,
    settingErrors,
    ...optional("errorMessage", childText(element, "ErrorMessage")),
    ...optional("redirectTarget", nil || redirect?.text === "" ? undefined : redirect?.text),
  };
}

/** Parses a GetUserSettings SOAP response (MS-OXWSADISC 3.1.4.1.1.2), one UserResponse per requested user, in order. */
export function parseGetUserSettingsResponse(
  input: string | Uint8Array,
  limits?: XmlLimits,
): GetUserSettingsResponse {
  const root = parseXmlTree(input, limits);
  if (root.name !== "Envelope") throw new ParseError(`expected a SOAP Envelope, got <${root.name}>`);
  const body = child(root, "Body");
  const fault = child(body, "Fault");
  if (fault !== undefined) {
    throw new ParseError(
      `SOAP fault: ${childText(fault, "faultstring") ?? childText(fault, "faultcode") ?? "unknown"}`,
    );
  }
  const response = descend(body, "GetUserSettingsResponseMessage", "Response");
  if (response === undefined)
    throw new ParseError("no GetUserSettingsResponseMessage/Response in the SOAP body");
  const users = childrenNamed(child(response, "UserResponses"), "UserResponse");
  if (users.length > AutodiscoverLimits.maxBatchUsers) {
    throw new ParseError(
      `the response has ${users.length} users, more than the ${AutodiscoverLimits.maxBatchUsers} a request may ask for`,
    );
  }
  return {
    errorCode: childText(response, "ErrorCode") ?? "NoError",
    users: users.map(userResponseOf),
    ...optional("errorMessage", childText(response, "ErrorMessage")),
  };
}
