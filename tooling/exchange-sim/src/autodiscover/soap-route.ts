import type { RouteContext } from "../http/router.js";
import type { AutodiscoverControl } from "./autodiscover-control.js";
import { type SimEndpoints, simUrls, xmlText } from "./sim-endpoints.js";

// POST /autodiscover/autodiscover.svc: GetUserSettings (MS-OXWSADISC 3.1.4.1), one
// UserResponse per requested Mailbox, StringSettings for what the sim knows.

function setting(name: string, value: string): string {
  return `<UserSetting i:type="StringSetting"><Name>${name}</Name><Value>${xmlText(value)}</Value></UserSetting>`;
}

function userResponse(control: AutodiscoverControl, endpoints: SimEndpoints, requested: Set<string>): string {
  const answer = control.take();
  if (answer.kind === "redirectAddr" || answer.kind === "redirectUrl") {
    const code = answer.kind === "redirectAddr" ? "RedirectAddress" : "RedirectUrl";
    const target = answer.kind === "redirectAddr" ? answer.address : answer.url;
    return `<UserResponse><ErrorCode>${code}</ErrorCode><ErrorMessage/><RedirectTarget>${xmlText(target)}</RedirectTarget><UserSettingErrors/><UserSettings/></UserResponse>`;
  }
  if (answer.kind === "error") {
    return `<UserResponse><ErrorCode>${xmlText(answer.errorCode)}</ErrorCode><ErrorMessage>${xmlText(answer.message ?? "")}</ErrorMessage><RedirectTarget i:nil="true"/><UserSettingErrors/><UserSettings/></UserResponse>`;
  }
  const urls = simUrls(endpoints);
  const known: Record<string, string> = {
    UserDisplayName: endpoints.displayName,
    UserDN: endpoints.legacyDn,
    UserDeploymentId: endpoints.mailboxGuid,
    InternalMailboxServer: urls.mailboxServer,
    ExternalMailboxServer: endpoints.host,
    ExternalMailboxServerRequiresSSL: "True",
    ExternalMailboxServerAuthenticationMethods: "Ntlm",
    CertPrincipalName: "msstd:localhost",
    InternalEwsUrl: urls.ews,
    ExternalEwsUrl: urls.ews,
    InternalOABUrl: urls.oab,
    ExternalOABUrl: urls.oab,
    CasVersion: "15.02.1544.004",
  };
  const settings: string[] = [];
  const errors: string[] = [];
  for (const name of requested) {
    const value = known[name];
    if (value === undefined) {
      errors.push(
        `<UserSettingError><ErrorCode>SettingIsNotAvailable</ErrorCode><ErrorMessage/><SettingName>${xmlText(name)}</SettingName></UserSettingError>`,
      );
    } else settings.push(setting(name, value));
  }
  return `<UserResponse><ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage><RedirectTarget i:nil="true"/><UserSettingErrors>${errors.join("")}</UserSettingErrors><UserSettings>${settings.join("")}</UserSettings></UserResponse>`;
}

export function soapHandler(control: AutodiscoverControl, endpoints: () => SimEndpoints) {
  return async ({ req, res, body }: RouteContext) => {
    const text = (await body()).toString("utf8");
    const mailboxes = [...text.matchAll(/<(?:\w+:)?Mailbox>([^<]*)<\/(?:\w+:)?Mailbox>/g)].map(
      (match) => match[1] ?? "",
    );
    const requested = new Set(
      [...text.matchAll(/<(?:\w+:)?Setting>([^<]*)<\/(?:\w+:)?Setting>/g)].map((match) => match[1] ?? ""),
    );
    for (const emailAddress of mailboxes)
      control.requests.push({ endpoint: "soap", emailAddress, headers: { ...req.headers } });
    const topError = mailboxes.length === 0 ? "InvalidRequest" : "NoError";
    const users = mailboxes.map(() => userResponse(control, endpoints(), requested)).join("");
    const xml =
      `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing">` +
      `<s:Header><a:Action s:mustUnderstand="1">http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettingsResponse</a:Action></s:Header>` +
      `<s:Body><GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover"><Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
      `<ErrorCode>${topError}</ErrorCode><ErrorMessage/><UserResponses>${users}</UserResponses></Response></GetUserSettingsResponseMessage></s:Body></s:Envelope>`;
    res.writeHead(200, {
      "Content-Type": "text/xml; charset=utf-8",
      "Content-Length": Buffer.byteLength(xml),
    });
    res.end(xml);
  };
}
