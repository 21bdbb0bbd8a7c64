import type { RouteContext } from "../http/router.js";
import type { AutodiscoverControl } from "./autodiscover-control.js";
import { elementText, type SimEndpoints, simUrls, xmlText } from "./sim-endpoints.js";

// POST /autodiscover/autodiscover.xml (MS-OXDSCLI 2.2.3 request, 2.2.4 response), with the
// mapiHttp block only when the client sent X-MapiHttpCapability (MS-OXDSCLI 2.2.2.1).

const ENVELOPE = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
const OUTLOOK = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

function wrap(inner: string, namespace = OUTLOOK): string {
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${ENVELOPE}"><Response xmlns="${namespace}">${inner}</Response></Autodiscover>`;
}

function settingsXml(endpoints: SimEndpoints, emailAddress: string, mapiHttp: boolean): string {
  const urls = simUrls(endpoints);
  const mapi = mapiHttp
    ? `<Protocol Type="mapiHttp" Version="1"><MailStore><InternalUrl>${xmlText(urls.mapiMailStore)}</InternalUrl><ExternalUrl>${xmlText(urls.mapiMailStore)}</ExternalUrl></MailStore>` +
      `<AddressBook><InternalUrl>${xmlText(urls.mapiAddressBook)}</InternalUrl><ExternalUrl>${xmlText(urls.mapiAddressBook)}</ExternalUrl></AddressBook></Protocol>`
    : "";
  return wrap(
    `<User><DisplayName>${xmlText(endpoints.displayName)}</DisplayName><LegacyDN>${xmlText(endpoints.legacyDn)}</LegacyDN>` +
      `<AutoDiscoverSMTPAddress>${xmlText(emailAddress)}</AutoDiscoverSMTPAddress><DeploymentId>${endpoints.mailboxGuid}</DeploymentId></User>` +
      `<Account><AccountType>email</AccountType><Action>settings</Action>${mapi}` +
      `<Protocol><Type>EXCH</Type><Server>${xmlText(urls.mailboxServer)}</Server><ServerVersion>73C18880</ServerVersion>` +
      `<ASUrl>${xmlText(urls.ews)}</ASUrl><EwsUrl>${xmlText(urls.ews)}</EwsUrl><OABUrl>${xmlText(urls.oab)}</OABUrl></Protocol>` +
      `<Protocol><Type>EXPR</Type><Server>${xmlText(endpoints.host)}</Server><SSL>On</SSL><AuthPackage>Ntlm</AuthPackage>` +
      `<CertPrincipalName>msstd:localhost</CertPrincipalName><ASUrl>${xmlText(urls.ews)}</ASUrl><OABUrl>${xmlText(urls.oab)}</OABUrl></Protocol>` +
      `<Protocol><Type>WEB</Type><External><OWAUrl AuthenticationMethod="Ntlm">${xmlText(urls.owa)}</OWAUrl></External></Protocol>` +
      `</Account>`,
  );
}

export function poxHandler(control: AutodiscoverControl, endpoints: () => SimEndpoints) {
  return async ({ req, res, body }: RouteContext) => {
    const text = (await body()).toString("utf8");
    const emailAddress = elementText(text, "EMailAddress") ?? "";
    control.requests.push({ endpoint: "pox", emailAddress, headers: { ...req.headers } });
    const answer = control.take();
    let xml: string;
    if (emailAddress === "") {
      xml = wrap(
        `<Error><ErrorCode>600</ErrorCode><Message>Invalid Request</Message><DebugData /></Error>`,
        ENVELOPE,
      );
    } else if (answer.kind === "settings") {
      xml = settingsXml(endpoints(), emailAddress, req.headers["x-mapihttpcapability"] !== undefined);
    } else if (answer.kind === "redirectAddr") {
      xml = wrap(
        `<Account><Action>redirectAddr</Action><RedirectAddr>${xmlText(answer.address)}</RedirectAddr></Account>`,
      );
    } else if (answer.kind === "redirectUrl") {
      xml = wrap(
        `<Account><Action>redirectUrl</Action><RedirectUrl>${xmlText(answer.url)}</RedirectUrl></Account>`,
      );
    } else {
      xml = wrap(
        `<Error><ErrorCode>${xmlText(answer.errorCode)}</ErrorCode><Message>${xmlText(answer.message ?? "")}</Message><DebugData /></Error>`,
        ENVELOPE,
      );
    }
    res.writeHead(200, {
      "Content-Type": "text/xml; charset=utf-8",
      "Content-Length": Buffer.byteLength(xml),
    });
    res.end(xml);
  };
}
