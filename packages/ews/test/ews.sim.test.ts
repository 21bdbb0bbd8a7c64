import { LimitExceededError, ParseError, ServerBusyError } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EwsClientOptions } from "../src/client/soap-client.js";
import type { EwsClient } from "../src/index.js";
import { EwsResponseError } from "../src/soap/ews-response-error.js";
import { simEwsClient } from "./support/sim-client.js";

// End to end against exchange-sim's EWS endpoint over the shared fixture store: NTLM over TLS,
// the same messages every other protocol sees.

let sim: ExchangeSim;
let client: EwsClient;
const clients: EwsClient[] = [];

function connect(options: Partial<EwsClientOptions> = {}): EwsClient {
  const created = simEwsClient(sim, options);
  clients.push(created);
  return created;
}

beforeAll(async () => {
  sim = await startSim();
  client = connect();
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await sim?.close();
});
beforeEach(() => {
  sim.ews.clear();
  sim.ews.serverVersion = "Exchange2016";
});

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

describe("folders", () => {
  it("GetFolder inbox has the fixture's 127 messages and the store's unread count", async () => {
    const inbox = await client.getFolder("inbox");
    const stored = sim.store.messages(sim.store.specialFolder("inbox").id);
    expect(inbox).toMatchObject({ displayName: "Inbox", totalCount: 127, childFolderCount: 1 });
    expect(inbox.unreadCount).toBe(stored.filter((m) => !m.flags.seen).length);
    expect(client.serverVersion?.version).toBe("Exchange2016");
  });

  it("FindFolder deep from the root lists the whole tree, paged", async () => {
    const folders = await all(client.findFolders("msgfolderroot", { traversal: "Deep", pageSize: 5 }));
    expect(folders.map((f) => f.displayName).sort()).toEqual(
      sim.store
        .folders()
        .map((f) => f.displayName)
        .sort(),
    );
    expect(sim.ews.requests.filter((r) => r.operation === "FindFolder")).toHaveLength(3);
  });

  it("GetFolder batch reports partial success", async () => {
    const results = await client.getFolders(["inbox", { id: "fld-9999" }, { id: "garbage" }]);
    expect(results.map((r) => [r.ok, r.responseCode])).toEqual([
      [true, "NoError"],
      [false, "ErrorFolderNotFound"],
      [false, "ErrorInvalidIdMalformed"],
    ]);
  });

  it("CreateFolder, then a duplicate is ErrorFolderExists; SyncFolderHierarchy sees the new folder", async () => {
    const { syncState } = await client.syncFolderHierarchy();
    const created = await client.createFolder(
      { id: sim.store.specialFolder("inbox").id },
      "Receipts & <Bills>",
    );
    expect(sim.store.folder(created.folderId.id).displayName).toBe("Receipts & <Bills>");
    await expect(client.createFolder("inbox", "Receipts & <Bills>")).rejects.toMatchObject({
      responseCode: "ErrorFolderExists",
    });
    const sync = await client.syncFolderHierarchy({ syncState });
    expect(sync.changes.map((c) => (c.type === "delete" ? "" : c.folder.displayName))).toContain(
      "Receipts & <Bills>",
    );
  });

  it("DeleteFolder of a distinguished folder is a typed per-folder error", async () => {
    const [result] = await client.deleteFolders(["inbox"]);
    expect(result).toMatchObject({ ok: false, responseCode: "ErrorDeleteDistinguishedFolder" });
  });
});

describe("items", () => {
  it("pages through the 127-message Inbox lazily, newest first", async () => {
    const items = await all(client.findItems("inbox", { pageSize: 50, shape: { baseShape: "Default" } }));
    expect(items).toHaveLength(127);
    expect(new Set(items.map((i) => i.itemId.id)).size).toBe(127);
    expect(sim.ews.requests.filter((r) => r.operation === "FindItem")).toHaveLength(3);
    const dates = items.map((i) => i.dateTimeReceived ?? "");
    expect([...dates].sort().reverse()).toEqual(dates);
    // maxItems stops early without fetching further pages
    sim.ews.clear();
    expect(await all(client.findItems("inbox", { pageSize: 10, maxItems: 15 }))).toHaveLength(15);
    expect(sim.ews.requests).toHaveLength(2);
  });

  it("restrictions and sort order are sent and honoured", async () => {
    const unread = await all(
      client.findItems("inbox", {
        restriction: { compare: "message:IsRead", operator: "isEqualTo", value: false },
        sortOrder: [{ path: "item:DateTimeReceived", order: "Ascending" }],
        shape: { baseShape: "IdOnly", additionalProperties: ["message:IsRead", "item:DateTimeReceived"] },
      }),
    );
    const stored = sim.store.messages(sim.store.specialFolder("inbox").id).filter((m) => !m.flags.seen);
    expect(unread.map((i) => i.itemId.id).sort()).toEqual(stored.map((m) => m.id).sort());
    expect(unread.every((i) => i.isRead === false)).toBe(true);
  });

  it("GetItem with MimeContent is byte-identical to the fixture's raw message; so is the streamed MIME", async () => {
    const [first] = await all(client.findItems("inbox", { maxItems: 1 }));
    if (!first) throw new Error("no item");
    const item = await client.getItem(first.itemId, {
      shape: { baseShape: "Default", includeMimeContent: true },
    });
    const stored = sim.store.message(first.itemId.id);
    expect(Buffer.from(item.mimeContent ?? [])).toEqual(Buffer.from(stored.raw));
    expect(item.subject).toBe(stored.fixture.subject);
    expect(item.from?.emailAddress).toBe(stored.fixture.from.address);
    const streamed: Buffer[] = [];
    for await (const chunk of await client.downloadMime(first.itemId)) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed)).toEqual(Buffer.from(stored.raw));
  });

  it("streams the 5 MiB message's MIME", async () => {
    const large = sim.store.messages().reduce((a, b) => (b.raw.length > a.raw.length ? b : a));
    const streamed: Buffer[] = [];
    for await (const chunk of await client.downloadMime({ id: large.id })) streamed.push(chunk as Buffer);
    // Buffer#equals: toEqual on 5 MiB compares element by element and takes minutes.
    expect(Buffer.concat(streamed).equals(Buffer.from(large.raw))).toBe(true);
    expect(large.raw.length).toBeGreaterThan(4 * 1024 * 1024);
  });

  it("lists and streams attachments byte-identical to the fixture", async () => {
    const withAttachment = sim.store
      .messages()
      .find((m) => m.fixture.attachments.length > 0 && m.raw.length < 1_000_000);
    if (!withAttachment) throw new Error("fixture has no attachment");
    const item = await client.getItem({ id: withAttachment.id });
    expect(item.attachments?.map((a) => a.name)).toEqual(
      withAttachment.fixture.attachments.map((a) => a.name),
    );
    for (const [index, info] of (item.attachments ?? []).entries()) {
      const download = await client.downloadAttachment(info.attachmentId);
      const parts: Buffer[] = [];
      for await (const chunk of download.content) parts.push(chunk as Buffer);
      expect(download.info.name).toBe(withAttachment.fixture.attachments[index]?.name);
      expect(Buffer.concat(parts)).toEqual(
        Buffer.from(withAttachment.fixture.attachments[index]?.bytes ?? []),
      );
    }
    await expect(client.downloadAttachment("msg-0001:99")).rejects.toBeInstanceOf(EwsResponseError);
  });

  it("GetItem batch: one result per id, errors typed", async () => {
    const results = await client.getItems([{ id: "msg-0001" }, { id: "msg-9999" }, { id: "nonsense" }]);
    expect(results.map((r) => [r.ok, r.responseCode])).toEqual([
      [true, "NoError"],
      [false, "ErrorItemNotFound"],
      [false, "ErrorInvalidIdMalformed"],
    ]);
  });

  it("marks read, moves, copies, deletes (soft and hard), and marks all read", async () => {
    const inbox = sim.store.specialFolder("inbox").id;
    const [a, b, c] = sim.store.messages(inbox).filter((m) => !m.flags.seen);
    if (!a || !b || !c) throw new Error("need three unread messages");
    const [read] = await client.markRead([{ id: a.id }]);
    expect(read?.ok).toBe(true);
    expect(sim.store.message(a.id).flags.seen).toBe(true);

    const archive = sim.store.folderByPath(["Archive"]);
    if (!archive) throw new Error("no Archive");
    const [moved] = await client.moveItems([{ id: a.id }], { id: archive.id });
    expect(moved?.ok && moved.value?.id).toBe(a.id);
    expect(sim.store.message(a.id).folderId).toBe(archive.id);

    const [copied] = await client.copyItems([{ id: b.id }], { id: archive.id });
    if (!copied?.ok || !copied.value) throw new Error("copy failed");
    expect(Buffer.from(sim.store.message(copied.value.id).raw)).toEqual(Buffer.from(b.raw));

    await client.deleteItems([{ id: b.id }]);
    expect(sim.store.message(b.id).folderId).toBe(sim.store.specialFolder("trash").id);
    await client.deleteItems([{ id: c.id }], { deleteType: "HardDelete" });
    expect(sim.store.messages().some((m) => m.id === c.id)).toBe(false);

    await client.markAllItemsAsRead([{ id: archive.id }]);
    expect(sim.store.messages(archive.id).every((m) => m.flags.seen)).toBe(true);
  });

  it("CreateItem saves a draft (fields, escaped) and one from MIME", async () => {
    const [draft] = await client.createMessages([
      {
        subject: "Q3 <numbers> & plans",
        body: { bodyType: "Text", text: "see </t:Body> attached" },
        toRecipients: [{ emailAddress: "a@b.test" }],
      },
    ]);
    if (!draft?.ok || !draft.value) throw new Error("draft failed");
    const stored = sim.store.message(draft.value.id);
    expect(stored.folderId).toBe(sim.store.specialFolder("drafts").id);
    expect(stored.fixture.subject).toBe("Q3 <numbers> & plans");
    const mime = Buffer.from("From: a@b.test\r\nTo: c@d.test\r\nSubject: from mime\r\n\r\nhello\r\n");
    const [fromMime] = await client.createMessages([{ mime }]);
    if (!fromMime?.ok || !fromMime.value) throw new Error("mime failed");
    expect(Buffer.from(sim.store.message(fromMime.value.id).raw)).toEqual(mime);
    const [sent] = await client.createMessages(
      [{ subject: "sent", toRecipients: [{ emailAddress: "x@y.test" }] }],
      {
        disposition: "SendAndSaveCopy",
      },
    );
    expect(sent).toMatchObject({ ok: true });
    expect(
      sim.store.messages(sim.store.specialFolder("sent").id).some((m) => m.fixture.subject === "sent"),
    ).toBe(true);
  });

  it("SyncFolderItems: full sync in pages, then incremental after changes", async () => {
    const folder = sim.store.folderByPath(["Inbox", "Projects"]);
    if (!folder) throw new Error("no folder");
    let syncState: string | undefined;
    const seen = new Set<string>();
    for (let guard = 0; guard < 10; guard++) {
      const result = await client.syncFolderItems({ id: folder.id }, { syncState, maxChangesReturned: 5 });
      for (const change of result.changes) if (change.type === "create") seen.add(change.item.itemId.id);
      syncState = result.syncState;
      if (result.includesLastItemInRange) break;
    }
    expect([...seen].sort()).toEqual(
      sim.store
        .messages(folder.id)
        .map((m) => m.id)
        .sort(),
    );
    const nothing = await client.syncFolderItems({ id: folder.id }, { syncState });
    expect(nothing.changes).toEqual([]);

    const [first, second] = sim.store.messages(folder.id);
    if (!first || !second) throw new Error("need two messages");
    sim.store.markRead(first.id, !first.flags.seen);
    sim.store.moveMessage(second.id, sim.store.specialFolder("inbox").id);
    const incremental = await client.syncFolderItems({ id: folder.id }, { syncState: nothing.syncState });
    expect(
      incremental.changes.map((c) => [
        c.type,
        c.type === "delete" || c.type === "readFlagChange" ? c.itemId.id : c.item.itemId.id,
      ]),
    ).toEqual([
      ["update", first.id],
      ["delete", second.id],
    ]);
    await expect(client.syncFolderItems({ id: folder.id }, { syncState: "bm9wZQ==" })).rejects.toMatchObject({
      responseCode: "ErrorInvalidSyncStateData",
    });
  });

  it("ResolveNames: one match, several (a Warning that still carries them), none", async () => {
    const one = await client.resolveNames("megan.bowen@", { returnFullContactData: true });
    expect(one.responseCode).toBe("NoError");
    expect(one.resolutions).toHaveLength(1);
    expect(one.resolutions[0]?.mailbox).toMatchObject({
      emailAddress: "megan.bowen@mailwire.test",
      routingType: "SMTP",
    });
    expect(one.resolutions[0]?.contact?.displayName).toBeDefined();
    const many = await client.resolveNames("a");
    expect(many.responseCode).toBe("ErrorNameResolutionMultipleResults");
    expect(many.resolutions.length).toBeGreaterThan(1);
    expect((await client.resolveNames("Zoë")).resolutions[0]?.mailbox.name).toBe("Zoë Brønsted");
    expect(await client.resolveNames("zzzz-nobody")).toMatchObject({
      resolutions: [],
      responseCode: "ErrorNameResolutionNoResults",
    });
  });

  it("the raw escape hatch sends any body and returns the parsed response", async () => {
    const response = await client.callRaw(
      "GetFolder",
      '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="drafts"/></m:FolderIds></m:GetFolder>',
    );
    expect(response.body.name).toBe("GetFolderResponse");
  });
});

describe("session headers and version negotiation", () => {
  it("sends impersonation and X-AnchorMailbox; replays the back-end cookie with server affinity", async () => {
    const impersonating = connect({
      impersonation: { primarySmtpAddress: "boss@mailwire.test" },
      preferServerAffinity: true,
    });
    await impersonating.getFolder("inbox");
    const [record] = sim.ews.requests;
    expect(record?.impersonation).toBe("boss@mailwire.test");
    expect(record?.headers["x-anchormailbox"]).toBe("boss@mailwire.test");
    expect(record?.headers["x-preferserveraffinity"]).toBe("true");
  });

  it("steps down after ErrorInvalidServerVersion and adopts the server's version", async () => {
    sim.ews.serverVersion = "Exchange2010_SP2";
    const negotiating = connect({ version: "Exchange2016" });
    const inbox = await negotiating.getFolder("inbox");
    expect(inbox.displayName).toBe("Inbox");
    expect(sim.ews.requests.map((r) => r.requestServerVersion)).toEqual([
      "Exchange2016",
      "Exchange2013_SP1",
      "Exchange2013",
      "Exchange2010_SP2",
    ]);
    expect(negotiating.version).toBe("Exchange2010_SP2");
  });

  it("learns an Exchange 2007 server's schema from its build numbers", async () => {
    sim.ews.serverVersion = "Exchange2007_SP1";
    const negotiating = connect({ version: "Exchange2007_SP1" });
    await negotiating.getFolder("inbox");
    expect(negotiating.serverVersion).toMatchObject({ majorVersion: 8, version: "Exchange2007_SP1" });
  });
});

describe("faults", () => {
  it("ErrorServerBusy: waits BackOffMilliseconds and retries reads", async () => {
    sim.ews.serverBusy({ count: 2, backOffMs: 40 });
    const started = Date.now();
    const inbox = await client.getFolder("inbox");
    expect(inbox.displayName).toBe("Inbox");
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
    expect(sim.ews.requests.length).toBe(1);
  });

  it("ErrorServerBusy: gives up with ServerBusyError{retryAfterMs}; writes are not repeated", async () => {
    sim.ews.serverBusy({ count: 3, backOffMs: 10 });
    const error = await client.getFolder("inbox").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerBusyError);
    expect((error as ServerBusyError).retryAfterMs).toBe(10);
    sim.ews.serverBusy({ count: 1, backOffMs: 10 });
    await expect(client.moveItems([{ id: "msg-0002" }], "archivemsgfolderroot")).rejects.toBeInstanceOf(
      ServerBusyError,
    );
    sim.ews.clear();
  });

  it("ErrorServerBusy before a streamed download is waited out too", async () => {
    sim.ews.serverBusy({ count: 1, backOffMs: 20 });
    const stored = sim.store.message("msg-0003");
    const parts: Buffer[] = [];
    for await (const chunk of await client.downloadMime({ id: stored.id })) parts.push(chunk as Buffer);
    expect(Buffer.concat(parts).equals(Buffer.from(stored.raw))).toBe(true);
  });

  it("ErrorServerBusy with a back-off longer than allowed fails at once", async () => {
    sim.ews.serverBusy({ count: 1, backOffMs: 600_000 });
    const started = Date.now();
    await expect(client.getFolder("inbox")).rejects.toBeInstanceOf(ServerBusyError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("HTTP 503 with Retry-After goes through core's retry policy", async () => {
    sim.faults.throttle({ count: 1, retryAfterSeconds: 0, path: "/EWS" });
    expect((await client.getFolder("inbox")).displayName).toBe("Inbox");
    sim.faults.throttle({ count: 5, retryAfterSeconds: 0, path: "/EWS" });
    const error = await client.getFolder("inbox").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerBusyError);
    sim.faults.clear();
  });

  it.each([
    [
      "truncated XML",
      `<?xml version="1.0"?><s:Envelope xmlns:s="x"><s:Body><m:GetFolderResponse><m:ResponseMessages>`,
      ParseError,
    ],
    [
      "entity expansion",
      `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><s:Envelope xmlns:s="x"><s:Body>&b;</s:Body></s:Envelope>`,
      ParseError,
    ],
    [
      "external entity",
      `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><s:Envelope xmlns:s="x"><s:Body>&xxe;</s:Body></s:Envelope>`,
      ParseError,
    ],
    ["not XML at all", "<html><body>Service Unavailable", ParseError],
  ])("%s → typed error", async (_name, body, type) => {
    sim.ews.respondRaw(body);
    await expect(client.getFolder("inbox")).rejects.toBeInstanceOf(type);
  });

  it("an HTTP 500 error page that is not SOAP is a ProtocolError with the status", async () => {
    sim.ews.respondRaw("<html><body>Internal Server Error</body></html>", { status: 500 });
    const error = await client.getFolder("inbox").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MW_PROTOCOL", details: { statusCode: 500 } });
  });

  it("a huge response is cut off at the limit", async () => {
    const limited = connect({ limits: { maxResponseBytes: 1024 * 1024 } });
    sim.ews.respondRaw(async function* () {
      yield `<?xml version="1.0"?><s:Envelope xmlns:s="x"><s:Body><t:Subject>`;
      for (let i = 0; i < 64; i++) yield "A".repeat(64 * 1024);
      yield "</t:Subject></s:Body></s:Envelope>";
    });
    await expect(limited.getFolder("inbox")).rejects.toBeInstanceOf(LimitExceededError);
  });

  it("an aborted call rejects with MW_ABORTED", async () => {
    await expect(client.getFolder("inbox", { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "MW_ABORTED",
    });
  });
});
