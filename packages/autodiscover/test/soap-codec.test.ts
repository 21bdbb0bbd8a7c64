import { describe, expect, it } from "vitest";
import { settingsFromSoap } from "../src/codec/settings-from-soap.js";
import {
  buildGetUserSettingsRequest,
  GET_USER_SETTINGS_ACTION,
  parseGetUserSettingsResponse,
} from "../src/codec/soap-get-user-settings.js";
import { child, descend, parseXmlTree } from "../src/codec/xml-tree.js";
import { vector } from "./vectors.js";

describe("GetUserSettings request (MS-OXWSADISC 3.1.4.1)", () => {
  it("has the structure of the documented request", () => {
    const settings = [
      "UserDisplayName",
      "UserDN",
      "UserDeploymentId",
      "InternalMailboxServer",
      "MailboxDN",
      "ActiveDirectoryServer",
      "CasVersion",
      "EwsSupportedSchemas",
    ];
    const ours = parseXmlTree(
      buildGetUserSettingsRequest({
        mailboxes: ["UserName@domain.contoso.com"],
        settings,
        to: "https://myserver.contoso.com/autodiscover/autodiscover.svc",
      }),
    );
    const documented = parseXmlTree(vector("soap-getusersettings-request.xml"));
    expect(child(ours, "Header")).toEqual(child(documented, "Header"));
    expect(descend(ours, "Body", "GetUserSettingsRequestMessage", "Request")).toEqual(
      descend(documented, "Body", "GetUserSettingsRequestMessage", "Request"),
    );
    expect(descend(ours, "Header", "Action")?.text).toBe(GET_USER_SETTINGS_ACTION);
  });

  it("batches users and refuses more than 100 or none", () => {
    const mailboxes = Array.from({ length: 3 }, (_, index) => `u${index}@contoso.com`);
    const tree = parseXmlTree(
      buildGetUserSettingsRequest({ mailboxes, to: "https://x/autodiscover/autodiscover.svc" }),
    );
    expect(descend(tree, "Body", "GetUserSettingsRequestMessage", "Request", "Users")?.children).toHaveLength(
      3,
    );
    const many = Array.from({ length: 101 }, (_, index) => `u${index}@contoso.com`);
    expect(() => buildGetUserSettingsRequest({ mailboxes: many, to: "https://x" })).toThrowError(
      expect.objectContaining({ code: "MW_INVALID_ARGUMENT" }),
    );
    expect(() => buildGetUserSettingsRequest({ mailboxes: [], to: "https://x" })).toThrow();
  });
});

describe("GetUserSettings response", () => {
  it("parses the documented response into settings", () => {
    const response = parseGetUserSettingsResponse(vector("soap-getusersettings-response.xml"));
    expect(response.errorCode).toBe("NoError");
    expect(response.users).toHaveLength(1);
    const user = response.users[0];
    if (user === undefined) throw new Error("no user");
    expect(user.errorCode).toBe("NoError");
    expect(user.errorMessage).toBe("No error.");
    expect(user.redirectTarget).toBeUndefined();
    expect(user.settings.CasVersion).toBe("14.00.0478.000");
    const settings = settingsFromSoap("UserName@domain.contoso.com", user);
    expect(settings.user).toEqual({
      displayName: "UserDisplayName",
      legacyDn:
        "/o=First Organization/ou=Exchange Administrative Group (SDASDASDJ)/cn=Recipients/cn=UserDisplayName",
      deploymentId: "a40E2742-21c6-4050-8Ed2-d41f100c22b8",
      mailboxDn:
        "/o=First Organization/ou=Exchange Administrative Group (SDASDASDJ)/cn=Configuration/cn=Servers/cn=server/cn=Contoso Pri MDB",
    });
    expect(settings.rpcHttp?.mailboxServer).toBe("machinename.domain.contoso.com");
    expect(settings.rpcHttp?.serverVersion).toBe("14.00.0478.000");
  });

  it("reads per-user errors and redirect targets in a batch", () => {
    const xml = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
      <GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover">
      <Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><ErrorCode>NoError</ErrorCode><UserResponses>
        <UserResponse><ErrorCode>RedirectAddress</ErrorCode><RedirectTarget>a@other.example</RedirectTarget><UserSettings/></UserResponse>
        <UserResponse><ErrorCode>InvalidUser</ErrorCode><ErrorMessage>Invalid user: 'b@contoso.com'</ErrorMessage><RedirectTarget i:nil="true"/></UserResponse>
        <UserResponse><ErrorCode>NoError</ErrorCode><UserSettingErrors><UserSettingError><ErrorCode>SettingIsNotAvailable</ErrorCode><SettingName>ExternalEwsUrl</SettingName></UserSettingError></UserSettingErrors>
          <UserSettings><UserSetting i:type="StringSetting"><Name>InternalEwsUrl</Name><Value>https://mail.contoso.com/EWS/Exchange.asmx</Value></UserSetting></UserSettings></UserResponse>
      </UserResponses></Response></GetUserSettingsResponseMessage></s:Body></s:Envelope>`;
    const response = parseGetUserSettingsResponse(xml);
    expect(response.users.map((user) => user.errorCode)).toEqual([
      "RedirectAddress",
      "InvalidUser",
      "NoError",
    ]);
    expect(response.users[0]?.redirectTarget).toBe("a@other.example");
    expect(response.users[1]?.redirectTarget).toBeUndefined();
    expect(response.users[2]?.settingErrors).toEqual([
      { settingName: "ExternalEwsUrl", errorCode: "SettingIsNotAvailable" },
    ]);
    expect(response.users[2]?.settings).toEqual({
      InternalEwsUrl: "https://mail.contoso.com/EWS/Exchange.asmx",
    });
  });

  it("a SOAP fault is a ParseError", () => {
    const xml = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>nope</faultstring></s:Fault></s:Body></s:Envelope>`;
    expect(() => parseGetUserSettingsResponse(xml)).toThrowError(
      expect.objectContaining({ code: "MW_PARSE" }),
    );
  });
});
