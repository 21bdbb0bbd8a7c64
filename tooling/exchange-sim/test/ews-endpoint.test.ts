import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExchangeSim, startSim } from "../src/index.js";
import { basic, simRequest, singleConnectionAgent } from "./helpers/https-request.js";

// The EWS endpoint seen from the wire, with hand-written SOAP and no EWS client: response shapes
// (MS-OXWSCDATA ResponseMessages, ServerVersionInfo), faults and authentication.

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 40, largeMessageBytes: 0 } });
});
afterAll(async () => {
  await sim?.close();
});

const T = "http://schemas.microsoft.com/exchange/services/2006/types";
const M = "http://schemas.microsoft.com/exchange/services/2006/messages";
const envelope = (body: string, version = "Exchange2013_SP1") =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="${T}" xmlns:m="${M}"><soap:Header><t:RequestServerVersion Version="${version}"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;

function post(body: string, headers: Record<string, string> = {}) {
  return simRequest(`${sim.url}EWS/Exchange.asmx`, {
    agent: singleConnectionAgent(sim.caPem),
    method: "POST",
    headers: {
      Authorization: basic(sim.credentials.username, sim.credentials.password),
      "Content-Type": "text/xml; charset=utf-8",
      ...headers,
    },
    body,
  });
}

describe("EWS endpoint", () => {
  it("requires authentication", async () => {
    const response = await post(envelope("<m:GetFolder/>"), { Authorization: "" });
    expect(response.status).toBe(401);
  });

  it("answers GetFolder with ServerVersionInfo and a typed response message", async () => {
    const response = await post(
      envelope(
        '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>',
      ),
    );
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/xml/);
    expect(response.body).toMatch(
      /<h:ServerVersionInfo MajorVersion="15" MinorVersion="1" [^>]*Version="Exchange2016"/,
    );
    expect(response.body).toContain(
      '<m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>',
    );
    const inbox = sim.store.specialFolder("inbox");
    expect(response.body).toContain(`<t:FolderId Id="${inbox.id}"`);
    expect(response.body).toContain(`<t:TotalCount>${sim.store.messages(inbox.id).length}</t:TotalCount>`);
  });

  it("escapes store text in responses", async () => {
    const folder = sim.store.createFolder(undefined, 'A & <B> "C"');
    const response = await post(
      envelope(
        `<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:FolderId Id="${folder.id}"/></m:FolderIds></m:GetFolder>`,
      ),
    );
    expect(response.body).toContain("<t:DisplayName>A &amp; &lt;B&gt; &quot;C&quot;</t:DisplayName>");
  });

  it("faults: malformed XML, DTDs, unknown operations, newer schema than the server", async () => {
    for (const [body, code] of [
      ["<soap:Envelope><soap:Body><m:GetFolder>", "ErrorSchemaValidation"],
      ['<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "ErrorSchemaValidation"],
      [envelope("<m:FrobnicateItem/>"), "ErrorInvalidRequest"],
      [envelope("<m:GetFolder/>", "Exchange2099"), "ErrorInvalidServerVersion"],
    ] as const) {
      const response = await post(body);
      expect(response.status).toBe(500);
      expect(response.body).toContain("<s:Fault>");
      expect(response.body).toContain(`<e:ResponseCode xmlns:e="${T}">${code}</e:ResponseCode>`);
    }
    sim.ews.serverVersion = "Exchange2010_SP2";
    expect((await post(envelope("<m:GetFolder/>", "Exchange2013"))).body).toContain(
      "ErrorInvalidServerVersion",
    );
    sim.ews.serverVersion = "Exchange2016";
  });

  it("throttles with ErrorServerBusy and BackOffMilliseconds", async () => {
    sim.ews.serverBusy({ count: 1, backOffMs: 1234 });
    const response = await post(envelope("<m:GetFolder/>"));
    expect(response.status).toBe(500);
    expect(response.body).toContain('<t:Value Name="BackOffMilliseconds">1234</t:Value>');
    expect(response.body).toContain("ErrorServerBusy");
  });

  it("records what clients sent", async () => {
    sim.ews.clear();
    await post(
      envelope(
        '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>',
      ),
      {
        "X-AnchorMailbox": "someone@mailwire.test",
      },
    );
    expect(sim.ews.requests).toMatchObject([
      {
        operation: "FindItem",
        requestServerVersion: "Exchange2013_SP1",
        headers: { "x-anchormailbox": "someone@mailwire.test" },
      },
    ]);
  });
});
