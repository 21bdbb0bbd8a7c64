import { ParseError } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EwsClient } from "../src/index.js";
import { simEwsClient } from "./support/sim-client.js";

// GetItem over the wire (exchange-sim, TLS): a subject whose bytes the server writes in pieces
// arrives whole, and a reply that is not UTF-8 is a ParseError, not a subject with U+FFFD in it.

const T = "http://schemas.microsoft.com/exchange/services/2006/types";
const M = "http://schemas.microsoft.com/exchange/services/2006/messages";
const head = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="0" Version="Exchange2016" xmlns:h="${T}" xmlns="${T}"/></s:Header><s:Body><m:GetItemResponse xmlns:m="${M}" xmlns:t="${T}"><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="msg-9601" ChangeKey="ck"/><t:Subject>`;
const tail =
  "</t:Subject></t:Message></m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>";

let sim: ExchangeSim;
let client: EwsClient;

beforeAll(async () => {
  sim = await startSim();
  client = simEwsClient(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});
beforeEach(() => {
  sim.ews.clear();
  sim.ews.serverVersion = "Exchange2016";
});

/** A GetItem reply whose subject is `subject`, written as the given pieces (separate TLS writes). */
function reply(...subject: Uint8Array[]) {
  return async function* () {
    yield head;
    for (const piece of subject) yield Buffer.from(piece);
    yield tail;
  };
}

describe("GetItem response bytes", () => {
  const subject = "Bench message 9601 & <co> — Grüße";
  const escaped = Buffer.from("Bench message 9601 &amp; &lt;co&gt; — Grüße");

  it.each([1, 2])("an em dash written in two pieces (split after byte %i) arrives whole", async (cut) => {
    const at = escaped.indexOf(Buffer.from("—")) + cut;
    sim.ews.respondRaw(reply(escaped.subarray(0, at), escaped.subarray(at)));
    const [result] = await client.getItems([{ id: "msg-9601" }]);
    expect(result?.ok && result.value.subject).toBe(subject);
  });

  it.each([
    ["the em dash without its last byte", Buffer.from([0x61, 0xe2, 0x80, 0x20, 0x62])],
    ["Latin-1 umlauts", Buffer.from("Gr\u00fc\u00dfe", "latin1")],
  ])("%s in a subject is a ParseError (MW_PARSE), not U+FFFD", async (_name, bytes) => {
    sim.ews.respondRaw(reply(bytes));
    const error = await client.getItems([{ id: "msg-9601" }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "MW_PARSE" });
  });

  it("the connection carries the next request after a non-UTF-8 reply", async () => {
    sim.ews.respondRaw(reply(Uint8Array.of(0xff)));
    await expect(client.getItems([{ id: "msg-9601" }])).rejects.toBeInstanceOf(ParseError);
    await expect(client.getFolder("inbox")).resolves.toMatchObject({ displayName: "Inbox" });
  });
});
