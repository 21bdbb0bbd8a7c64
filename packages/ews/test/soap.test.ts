import { ServerBusyError } from "@mailwire/core";
import { describe, expect, it } from "vitest";
import { buildEnvelope } from "../src/soap/envelope.js";
import { EwsResponseError } from "../src/soap/ews-response-error.js";
import { readResponseMessages, readSoapResponse } from "../src/soap/parse-response.js";
import {
  negotiateVersion,
  olderVersion,
  readServerVersion,
  versionFromBuild,
} from "../src/soap/server-version.js";
import { parseXml } from "../src/xml/parse-xml.js";
import { element } from "../src/xml/serialize-xml.js";
import { childElement, pathElement } from "../src/xml/xml-element.js";

const SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
const T = "http://schemas.microsoft.com/exchange/services/2006/types";
const M = "http://schemas.microsoft.com/exchange/services/2006/messages";

describe("envelope", () => {
  it("declares soap/t/m, RequestServerVersion, impersonation and time zone", () => {
    const xml = buildEnvelope(element("m:GetFolder"), {
      version: "Exchange2010_SP2",
      impersonation: { primarySmtpAddress: "a&b@contoso.com" },
      timeZoneId: "W. Europe Standard Time",
    });
    expect(xml).toContain(`xmlns:soap="${SOAP}"`);
    expect(xml).toContain(`xmlns:t="${T}"`);
    expect(xml).toContain(`xmlns:m="${M}"`);
    const envelope = parseXml(xml);
    const header = childElement(envelope, "Header");
    expect(childElement(header, "RequestServerVersion")?.attributes.Version).toBe("Exchange2010_SP2");
    expect(pathElement(header, "ExchangeImpersonation", "ConnectingSID", "PrimarySmtpAddress")?.text).toBe(
      "a&b@contoso.com",
    );
    expect(pathElement(header, "TimeZoneContext", "TimeZoneDefinition")?.attributes.Id).toBe(
      "W. Europe Standard Time",
    );
    expect(pathElement(envelope, "Body", "GetFolder")).toBeDefined();
  });

  it.each([
    [{ smtpAddress: "x@y" }, "SmtpAddress"],
    [{ principalName: "x@y" }, "PrincipalName"],
    [{ sid: "S-1-5-21" }, "SID"],
  ] as const)("impersonation by %o", (impersonation, name) => {
    const envelope = parseXml(buildEnvelope(element("m:X"), { version: "Exchange2013", impersonation }));
    expect(pathElement(envelope, "Header", "ExchangeImpersonation", "ConnectingSID", name)).toBeDefined();
  });
});

describe("server version", () => {
  it("derives the schema from build numbers when Version is absent (Exchange 2007)", () => {
    expect(versionFromBuild(8, 0, 685)).toBe("Exchange2007");
    expect(versionFromBuild(8, 3, 0)).toBe("Exchange2007_SP1");
    expect(versionFromBuild(14, 3, 0)).toBe("Exchange2010_SP2");
    expect(versionFromBuild(15, 0, 847)).toBe("Exchange2013_SP1");
    expect(versionFromBuild(15, 20, 0)).toBe("Exchange2016");
  });

  it("reads the Version attribute, and treats Exchange Online's V20xx values as newest", () => {
    const envelope = (version: string) =>
      parseXml(
        `<s:Envelope xmlns:s="${SOAP}"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="20" MajorBuildNumber="1" MinorBuildNumber="2" Version="${version}" xmlns:h="${T}"/></s:Header><s:Body/></s:Envelope>`,
      );
    expect(readServerVersion(envelope("Exchange2013_SP1"))?.version).toBe("Exchange2013_SP1");
    expect(readServerVersion(envelope("V2018_01_08"))?.version).toBe("Exchange2016");
  });

  it("negotiates down, never up", () => {
    const info = { majorVersion: 14, minorVersion: 3, majorBuildNumber: 0, minorBuildNumber: 0 };
    expect(negotiateVersion("Exchange2013_SP1", { ...info, version: "Exchange2010_SP2" })).toBe(
      "Exchange2010_SP2",
    );
    expect(negotiateVersion("Exchange2010", { ...info, version: "Exchange2016" })).toBe("Exchange2010");
    expect(olderVersion("Exchange2010")).toBe("Exchange2007_SP1");
    expect(olderVersion("Exchange2007")).toBeUndefined();
  });
});

const fault = (code: string, extra = "") =>
  `<s:Envelope xmlns:s="${SOAP}"><s:Body><s:Fault><faultcode xmlns:a="${T}">a:${code}</faultcode><faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring><detail><e:ResponseCode xmlns:e="${T}">${code}</e:ResponseCode><e:Message xmlns:e="${T}">Busy</e:Message>${extra}</detail></s:Fault></s:Body></s:Envelope>`;

describe("faults and response classes", () => {
  it("ErrorServerBusy fault → ServerBusyError with BackOffMilliseconds", () => {
    const xml = fault(
      "ErrorServerBusy",
      `<t:MessageXml xmlns:t="${T}"><t:Value Name="BackOffMilliseconds">1234</t:Value></t:MessageXml>`,
    );
    let caught: unknown;
    try {
      readSoapResponse(parseXml(xml));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ServerBusyError);
    expect((caught as ServerBusyError).retryAfterMs).toBe(1234);
    expect((caught as ServerBusyError).details.responseCode).toBe("ErrorServerBusy");
    expect((caught as ServerBusyError).code).toBe("MW_SERVER_BUSY");
  });

  it("other faults → EwsResponseError with the ResponseCode", () => {
    expect(() => readSoapResponse(parseXml(fault("ErrorSchemaValidation")))).toThrow(EwsResponseError);
    try {
      readSoapResponse(parseXml(fault("ErrorInvalidServerVersion")));
    } catch (error) {
      expect((error as EwsResponseError).responseCode).toBe("ErrorInvalidServerVersion");
      expect((error as EwsResponseError).code).toBe("MW_PROTOCOL");
    }
  });

  it("a batch reports partial success per item", () => {
    const xml = `<s:Envelope xmlns:s="${SOAP}"><s:Body><m:DeleteItemResponse xmlns:m="${M}"><m:ResponseMessages>
      <m:DeleteItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:DeleteItemResponseMessage>
      <m:DeleteItemResponseMessage ResponseClass="Error"><m:MessageText>gone</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode></m:DeleteItemResponseMessage>
      <m:DeleteItemResponseMessage ResponseClass="Warning"><m:MessageText>meh</m:MessageText><m:ResponseCode>ErrorBatchProcessingStopped</m:ResponseCode></m:DeleteItemResponseMessage>
      </m:ResponseMessages></m:DeleteItemResponse></s:Body></s:Envelope>`;
    const results = readResponseMessages(readSoapResponse(parseXml(xml)).body, () => true);
    expect(results.map((r) => [r.ok, r.responseClass, r.responseCode])).toEqual([
      [true, "Success", "NoError"],
      [false, "Error", "ErrorItemNotFound"],
      [true, "Warning", "ErrorBatchProcessingStopped"],
    ]);
    const failed = results[1];
    if (failed?.ok !== false) throw new Error("unreachable");
    expect(failed.error.message).toContain("gone");
  });
});
