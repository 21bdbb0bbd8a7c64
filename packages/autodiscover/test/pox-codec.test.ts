import { describe, expect, it } from "vitest";
import { buildPoxRequest, PoxRequestHeaders } from "../src/codec/pox-request.js";
import { parsePoxResponse } from "../src/codec/pox-response.js";
import { settingsFromPox } from "../src/codec/settings-from-pox.js";
import { parseXmlTree } from "../src/codec/xml-tree.js";
import { vector } from "./vectors.js";

describe("POX request (MS-OXDSCLI 2.2.3)", () => {
  it("carries the same elements as the documented request", () => {
    const documented = parseXmlTree(vector("pox-autodiscover-request.xml"));
    const ours = parseXmlTree(buildPoxRequest({ emailAddress: "user@contoso.com" }));
    expect(ours).toEqual(documented);
  });

  it("escapes the address and adds LegacyDN when given", () => {
    const body = buildPoxRequest({ emailAddress: "a&b@contoso.com", legacyDn: "/o=x<y" });
    expect(body).toContain("<EMailAddress>a&amp;b@contoso.com</EMailAddress>");
    expect(body).toContain("<LegacyDN>/o=x&lt;y</LegacyDN>");
  });

  it("asks for mapiHttp and names what the client can handle", () => {
    expect(PoxRequestHeaders["x-mapihttpcapability"]).toBe("1");
    expect(PoxRequestHeaders["x-clientcanhandle"]).toBe("Negotiate, ExHttpInfo");
  });
});

describe("POX responses from the vectors", () => {
  it("EXCH/EXPR/WEB settings", () => {
    const answer = parsePoxResponse(vector("pox-autodiscover-response-settings-EXCH-EXPR-WEB.xml"));
    if (answer.kind !== "settings") throw new Error(answer.kind);
    expect(answer.accountType).toBe("email");
    expect(answer.protocols.map((protocol) => protocol.type)).toEqual(["EXCH", "EXPR", "WEB"]);
    const settings = settingsFromPox("user@contoso.com", answer);
    expect(settings.user).toEqual({
      displayName: "First Last",
      legacyDn: "/o=contoso/ou=First Administrative Group/cn=Recipients/cn=iuser885646",
      deploymentId: "644560b8-a1ce-429c-8ace-23395843f701",
      mailboxDn:
        "/o=contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=MBX-SERVER/cn=Microsoft Private MDB",
    });
    expect(settings.rpcHttp).toEqual({
      mailboxServer: "MBX-SERVER.mail.internal.contoso.com",
      mailboxServerDn:
        "/o=contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=MBX-SERVER",
      serverVersion: "72008287",
      mdbDn:
        "/o=contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=MBX-SERVER/cn=Microsoft Private MDB",
      proxyServer: "Exchange.contoso.com",
    });
    expect(settings.ews).toEqual({
      internalUrl: "https://mail.contoso.com/ews/exchange.asmx",
      externalUrl: "https://mail.contoso.com/ews/exchange.asmx",
    });
    expect(settings.oab?.internalUrl).toBe(
      "https://mail.contoso.com/OAB/d29844a9-724e-468c-8820-0f7b345b767b/",
    );
    expect(settings.owa).toEqual({ internalUrl: "https://cas-01-server.mail.internal.contoso.com/owa" });
    expect(settings.mapiHttp).toBeUndefined();
    const web = answer.protocols[2];
    expect(web?.owaUrls).toHaveLength(4);
    expect(web?.owaUrls[2]).toEqual({
      url: "https://cas-04-server.mail.internal.contoso.com/owa",
      authenticationMethod: "Basic",
      location: "internal",
    });
  });

  it("MS-OXDSCLI 4.4 mapiHttp block (the spec's https:/ typo kept)", () => {
    const answer = parsePoxResponse(vector("ms-oxdscli-4.4-mapihttp-response.xml"));
    if (answer.kind !== "settings") throw new Error(answer.kind);
    const mapi = answer.protocols[0];
    expect(mapi?.type).toBe("mapiHttp");
    expect(mapi?.version).toBe("1");
    const settings = settingsFromPox("user@Contoso.com", answer);
    expect(settings.user.autoDiscoverSmtpAddress).toBe("user@Contoso.com");
    expect(settings.user.mailboxId).toBe("416c6368-656d-794a-6f45-57615272456e@Contoso.com");
    expect(settings.mapiHttp).toEqual({
      mailStore: {
        internalUrl:
          "https://mail.Contoso.com/mapi/emsmdb/?MailboxId=416c6368-656d-794a-6f45-57615272456e@Contoso.com",
      },
      addressBook: {
        internalUrl:
          "https://mail.Contoso.com/mapi/nspi/?MailboxId=416c6368-656d-794a-6f45-57615272456e@Contoso.com",
      },
    });
    // EXCH and EXPR only appear nested in WEB here: they give the EWS URLs, not RPC settings.
    expect(settings.ews).toEqual({
      internalUrl: "https://mail.Contoso.com/ews/exchange.asmx",
      externalUrl: "https://mail.Contoso.com/ews/exchange.asmx",
    });
    expect(settings.rpcHttp).toBeUndefined();
    expect(settings.owa).toEqual({
      internalUrl: "https:/Internal.mail.Contoso.com/owa",
      externalUrl: "https://mail.Contoso.com/owa",
    });
  });

  it("MS-OXDSCLI 4.2 redirectAddr", () => {
    expect(parsePoxResponse(vector("ms-oxdscli-4.2-redirectAddr-response.xml"))).toEqual({
      kind: "redirectAddr",
      address: "user@subdomain.contoso.com",
    });
  });

  it("error 600 Invalid Request", () => {
    expect(parsePoxResponse(vector("pox-autodiscover-response-error-600.xml"))).toEqual({
      kind: "error",
      errorCode: "600",
      message: "Invalid Request",
    });
  });
});

describe("POX responses built for the other cases", () => {
  const wrap = (account: string) =>
    `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">${account}</Response></Autodiscover>`;

  it("redirectUrl", () => {
    const xml = wrap(
      "<Account><Action>redirectUrl</Action><RedirectUrl>https://mail.contoso.com/autodiscover/autodiscover.xml</RedirectUrl></Account>",
    );
    expect(parsePoxResponse(xml)).toEqual({
      kind: "redirectUrl",
      url: "https://mail.contoso.com/autodiscover/autodiscover.xml",
    });
  });

  it("an Error inside Account", () => {
    const xml = wrap(
      "<Account><Error><ErrorCode>500</ErrorCode><Message>The e-mail address cannot be found.</Message></Error></Account>",
    );
    expect(parsePoxResponse(xml)).toMatchObject({ kind: "error", errorCode: "500" });
  });

  it("EXPR with Outlook Anywhere details and IMAP/POP3/SMTP blocks", () => {
    const xml = wrap(
      "<Account><Action>settings</Action>" +
        "<Protocol><Type>EXPR</Type><Server>mail.contoso.com</Server><SSL>On</SSL><AuthPackage>Ntlm</AuthPackage><CertPrincipalName>msstd:mail.contoso.com</CertPrincipalName></Protocol>" +
        "<Protocol><Type>IMAP</Type><Server>imap.contoso.com</Server><Port>993</Port><SSL>on</SSL><SPA>off</SPA><LoginName>user</LoginName></Protocol>" +
        "<Protocol><Type>POP3</Type><Server>pop.contoso.com</Server><Port>110</Port><Encryption>TLS</Encryption></Protocol>" +
        "<Protocol><Type>SMTP</Type><Server>smtp.contoso.com</Server><Port>587</Port><Encryption>TLS</Encryption><SPA>on</SPA></Protocol>" +
        "</Account>",
    );
    const answer = parsePoxResponse(xml);
    if (answer.kind !== "settings") throw new Error(answer.kind);
    const settings = settingsFromPox("user@contoso.com", answer);
    expect(settings.rpcHttp).toEqual({
      proxyServer: "mail.contoso.com",
      sslRequired: true,
      authPackage: "Ntlm",
      certPrincipalName: "msstd:mail.contoso.com",
    });
    expect(settings.imap).toEqual([
      { host: "imap.contoso.com", port: 993, encryption: "tls", source: "pox", username: "user" },
    ]);
    expect(settings.pop3).toEqual([
      { host: "pop.contoso.com", port: 110, encryption: "starttls", source: "pox" },
    ]);
    expect(settings.smtp).toEqual([
      { host: "smtp.contoso.com", port: 587, encryption: "starttls", source: "pox", authentication: ["spa"] },
    ]);
  });

  it("an unknown Action is a ParseError", () => {
    expect(() => parsePoxResponse(wrap("<Account><Action>explode</Action></Account>"))).toThrowError(
      expect.objectContaining({ code: "MW_PARSE" }),
    );
  });
});
