import { describe, expect, it } from "vitest";
import { parseAutoconfig } from "../src/codec/autoconfig.js";
import { autodiscoverV2Path, parseAutodiscoverV2 } from "../src/codec/autodiscover-v2.js";

describe("Autodiscover v2 JSON", () => {
  it("builds the query and reads a URL or an error", () => {
    expect(autodiscoverV2Path("a+b@contoso.com")).toBe(
      "/autodiscover/autodiscover.json?Email=a%2Bb%40contoso.com&Protocol=AutodiscoverV1",
    );
    expect(
      parseAutodiscoverV2(
        '{"Protocol":"AutodiscoverV1","Url":"https://x.contoso.com/autodiscover/autodiscover.xml"}',
      ),
    ).toEqual({
      kind: "url",
      protocol: "AutodiscoverV1",
      url: "https://x.contoso.com/autodiscover/autodiscover.xml",
    });
    expect(parseAutodiscoverV2('{"ErrorCode":"InvalidProtocol","ErrorMessage":"no"}')).toEqual({
      kind: "error",
      errorCode: "InvalidProtocol",
      errorMessage: "no",
    });
  });

  it.each(["", "[]", "null", "{}", '{"Url":5}', "{"])("refuses %j with a ParseError", (body) => {
    expect(() => parseAutodiscoverV2(body)).toThrowError(expect.objectContaining({ code: "MW_PARSE" }));
  });
});

describe("Mozilla autoconfig", () => {
  const document = `<?xml version="1.0"?>
  <clientConfig version="1.1"><emailProvider id="contoso.com"><domain>contoso.com</domain><displayName>Contoso Mail</displayName>
    <incomingServer type="imap"><hostname>imap.contoso.com</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
    <incomingServer type="pop3"><hostname>pop.%EMAILDOMAIN%</hostname><port>110</port><socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username></incomingServer>
    <incomingServer type="imap"><hostname>bad host/name</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <incomingServer type="exchange"><hostname>x.contoso.com</hostname><port>443</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.contoso.com</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>password-encrypted</authentication><authentication>OAuth2</authentication></outgoingServer>
  </emailProvider></clientConfig>`;

  it("lists IMAP, POP3 and SMTP with placeholders substituted and invalid entries dropped", () => {
    expect(parseAutoconfig(document, "alice@contoso.com")).toEqual({
      displayName: "Contoso Mail",
      imap: [
        {
          host: "imap.contoso.com",
          port: 993,
          encryption: "tls",
          source: "autoconfig",
          username: "alice@contoso.com",
          authentication: ["password-cleartext"],
        },
      ],
      pop3: [
        {
          host: "pop.contoso.com",
          port: 110,
          encryption: "starttls",
          source: "autoconfig",
          username: "alice",
        },
      ],
      smtp: [
        {
          host: "smtp.contoso.com",
          port: 587,
          encryption: "starttls",
          source: "autoconfig",
          authentication: ["password-encrypted", "OAuth2"],
        },
      ],
    });
  });

  it("refuses other documents", () => {
    expect(() => parseAutoconfig("<html><body/></html>", "a@b.c")).toThrowError(
      expect.objectContaining({ code: "MW_PARSE" }),
    );
  });
});
