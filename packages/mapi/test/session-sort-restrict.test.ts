import { describe, expect, it } from "vitest";
import {
  dateToFileTime,
  encodeFolderEntryId,
  fileTimeToDate,
  MapiSession,
  makeId,
  messageSearchRestriction,
  type PropertyTag,
  type RopRequest,
  SessionTags,
  SortOrderDirection,
  SpecialFolderTags,
  StoreObjectType,
  splitId,
} from "../src/index.js";
import { fakeMailbox, INBOX, IPM } from "./fake/fake-mailbox.js";
import { FakeTransport } from "./fake/fake-transport.js";
import { FakeRopEngine } from "./fake/rop-engine.js";

// Server-side sort (RopSortTable) and restriction (RopRestrict) of contents tables, and folder
// roles from the Inbox's special-folder entry ids, against the fake ROP server.

/** The fake logon's ReplGuid (replica 1). */
const FAKE_REPL_GUID = "66666666-7777-8888-9999-000000000000";
const DRAFTS = makeId({ replicaId: 1, globalCounter: 0x60n });
const JUNK = makeId({ replicaId: 1, globalCounter: 0x61n });
const CONTACTS = makeId({ replicaId: 1, globalCounter: 0x62n });

function entryId(folderId: bigint, databaseGuid = FAKE_REPL_GUID): Uint8Array {
  return encodeFolderEntryId({
    flags: 0,
    providerUid: "11111111-2222-3333-4444-555555555555",
    folderType: StoreObjectType.eitLTPrivateFolder,
    databaseGuid,
    globalCounter: splitId(folderId).globalCounter,
  });
}

async function setup(count = 40) {
  const mailbox = fakeMailbox(count);
  mailbox.folders.push(
    { id: DRAFTS, parentId: IPM, displayName: "Entwürfe" },
    { id: JUNK, parentId: IPM, displayName: "Junk-E-Mail" },
    { id: CONTACTS, parentId: IPM, displayName: "Kontakte" },
  );
  mailbox.folderProperties = new Map([
    [
      INBOX,
      new Map<PropertyTag, unknown>([
        [SpecialFolderTags.PidTagIpmDraftsEntryId, entryId(DRAFTS)],
        // Another replica's folder: the session cannot map it to a FID without asking, so skips it.
        [
          SpecialFolderTags.PidTagIpmContactEntryId,
          entryId(CONTACTS, "01234567-89ab-cdef-0123-456789abcdef"),
        ],
        // Indexes 0-3 (Conflicts .. Server Failures) empty or malformed, 4 is Junk E-mail.
        [
          SpecialFolderTags.PidTagAdditionalRenEntryIds,
          [new Uint8Array(0), new Uint8Array(3), new Uint8Array(0), new Uint8Array(0), entryId(JUNK)],
        ],
      ]),
    ],
  ]);
  // Subjects that do not sort like delivery times, and some senders to search for.
  mailbox.messages.forEach((message, i) => {
    message.subject = `${String.fromCharCode(97 + ((i * 7) % 26))} message ${i}`;
    if (i % 5 === 0) {
      message.senderName = "Bob Builder";
      message.senderEmailAddress = "bob@example.test";
    }
  });
  const engine = new FakeRopEngine(mailbox);
  const transport = new FakeTransport(engine);
  const session = await MapiSession.open({ transport, mailboxDn: "/o=Fake/cn=Recipients/cn=alice" });
  return { engine, transport, session, mailbox };
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function ropsOf(batch: readonly RopRequest[] | undefined): string[] {
  return (batch ?? []).map((r) => r.rop);
}

describe("MapiSession contents tables: server-side sort and restriction", () => {
  it("sends RopSortTable (delivery time descending) in the first Execute and pages newest first", async () => {
    const { session, transport, engine } = await setup(40);
    const before = transport.executes;
    const messages = await all(session.listMessages(INBOX, { pageSize: 15 }));
    expect(transport.executes - before).toBe(3);
    const first = engine.requests.at(-3);
    expect(ropsOf(first)).toEqual([
      "RopOpenFolder",
      "RopGetContentsTable",
      "RopSetColumns",
      "RopSortTable",
      "RopQueryRows",
    ]);
    expect(first?.find((r) => r.rop === "RopSortTable")).toMatchObject({
      sortOrders: [
        { propertyTag: SessionTags.PidTagMessageDeliveryTime, order: SortOrderDirection.Descending },
      ],
      categorizedCount: 0,
      expandedCount: 0,
    });
    const times = messages.map((m) => m.deliveryTime?.getTime() ?? 0);
    expect(times).toHaveLength(40);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("sorts by the orders the caller gives, across pages", async () => {
    const { session } = await setup(40);
    const messages = await all(
      session.listMessages(INBOX, {
        pageSize: 7,
        sortOrders: [{ propertyTag: SessionTags.PidTagSubject, order: SortOrderDirection.Ascending }],
      }),
    );
    const subjects = messages.map((m) => m.subject);
    expect(subjects).toEqual([...subjects].sort((a, b) => a.localeCompare(b)));
    expect(new Set(subjects).size).toBe(40);
  });

  it("restricts with RopRestrict in the first Execute: only matching rows cross the wire", async () => {
    const { session, engine, mailbox } = await setup(40);
    const restriction = messageSearchRestriction({ from: "BOB@", unread: true });
    const messages = await all(session.listMessages(INBOX, { pageSize: 3, restriction }));
    const expected = mailbox.messages
      .filter((m) => m.senderEmailAddress === "bob@example.test" && !m.read)
      .sort((a, b) => Number(b.deliveryTime - a.deliveryTime))
      .map((m) => m.id);
    expect(expected.length).toBeGreaterThan(2);
    expect(messages.map((m) => m.messageId)).toEqual(expected);
    const first = engine.requests.find((batch) => batch.some((r) => r.rop === "RopRestrict"));
    expect(ropsOf(first)).toEqual([
      "RopOpenFolder",
      "RopGetContentsTable",
      "RopSetColumns",
      "RopRestrict",
      "RopSortTable",
      "RopQueryRows",
    ]);
    // The restriction survived the codec: the server decoded what the client built.
    expect(first?.find((r) => r.rop === "RopRestrict")).toMatchObject({ restrictFlags: 0, restriction });
  });

  it("finds text in the body as well as the subject, and by delivery date range", async () => {
    const { session, mailbox } = await setup(40);
    const body = await all(
      session.listMessages(INBOX, { restriction: messageSearchRestriction({ text: "BODY OF MESSAGE 17" }) }),
    );
    expect(body.map((m) => m.messageId)).toEqual([mailbox.messages[17]?.id]);
    const since = fileTimeToDate(mailbox.messages[10]?.deliveryTime) as Date;
    const before = fileTimeToDate(mailbox.messages[14]?.deliveryTime) as Date;
    const range = await all(
      session.listMessages(INBOX, { restriction: messageSearchRestriction({ since, before }) }),
    );
    expect(range.map((m) => m.subject)).toEqual([13, 12, 11, 10].map((i) => mailbox.messages[i]?.subject));
  });
});

describe("messageSearchRestriction (MS-OXCDATA 2.12)", () => {
  it("asks for nothing when the search is empty", () => {
    expect(messageSearchRestriction({})).toBeUndefined();
  });

  it("builds RES_CONTENT substring/ignore-case, RES_BITMASK and RES_PROPERTY under RES_AND", () => {
    const since = new Date("2026-01-01T00:00:00Z");
    const before = new Date("2026-02-01T00:00:00Z");
    expect(messageSearchRestriction({ subject: "Hi", unread: false, since, before })).toEqual({
      kind: "and",
      restrictions: [
        {
          kind: "content",
          fuzzyLevelLow: 0x0001,
          fuzzyLevelHigh: 0x0001,
          propertyTag: SessionTags.PidTagSubject,
          value: { tag: SessionTags.PidTagSubject, value: "Hi" },
        },
        // Read messages only: MSGFLAG_READ set (BMR_NEZ).
        { kind: "bitMask", bitmapRelOp: 0x01, propertyTag: SessionTags.PidTagMessageFlags, mask: 0x01 },
        {
          kind: "property",
          relOp: 0x03,
          propertyTag: SessionTags.PidTagMessageDeliveryTime,
          value: { tag: SessionTags.PidTagMessageDeliveryTime, value: dateToFileTime(since) },
        },
        {
          kind: "property",
          relOp: 0x00,
          propertyTag: SessionTags.PidTagMessageDeliveryTime,
          value: { tag: SessionTags.PidTagMessageDeliveryTime, value: dateToFileTime(before) },
        },
      ],
    });
  });

  it("makes text an OR of subject and body, and a single condition no AND", () => {
    const text = messageSearchRestriction({ text: "x" });
    expect(text).toMatchObject({
      kind: "or",
      restrictions: [{ propertyTag: SessionTags.PidTagSubject }, { propertyTag: SessionTags.PidTagBody }],
    });
    expect(messageSearchRestriction({ unread: true })).toEqual({
      kind: "bitMask",
      bitmapRelOp: 0x00,
      propertyTag: SessionTags.PidTagMessageFlags,
      mask: 0x01,
    });
  });
});

describe("MapiSession folder roles (MS-OXOSFLD 2.2.3, 2.2.4)", () => {
  it("reads the Inbox's entry ids with the hierarchy table's first Execute and gives folders roles", async () => {
    const { session, transport, engine } = await setup(3);
    const before = transport.executes;
    const folders = await session.listFolders();
    expect(transport.executes - before).toBe(1);
    expect(ropsOf(engine.requests.at(-1)).slice(0, 3)).toEqual([
      "RopOpenFolder",
      "RopGetPropertiesSpecific",
      "RopRelease",
    ]);
    const role = (id: bigint) => folders.find((f) => f.folderId === id)?.role;
    expect(role(INBOX)).toBe("inbox");
    expect(role(DRAFTS)).toBe("drafts");
    expect(role(JUNK)).toBe("junk");
    // Another replica's entry id and the malformed ones are skipped, not guessed.
    expect(role(CONTACTS)).toBeUndefined();
    const roles = await session.folderRoles();
    expect(transport.executes - before).toBe(1); // cached for the logon
    expect([...roles.values()].sort()).toEqual(
      ["deletedItems", "drafts", "inbox", "junk", "outbox", "sentItems"].sort(),
    );
    await session.listFolders();
    expect(ropsOf(engine.requests.at(-1))).not.toContain("RopGetPropertiesSpecific");
  });

  it("falls back to the logon's roles when the server has no entry ids", async () => {
    const { session, mailbox } = await setup(1);
    delete mailbox.folderProperties;
    const roles = await session.folderRoles();
    expect(roles.get(INBOX)).toBe("inbox");
    expect(roles.get(DRAFTS)).toBeUndefined();
  });
});
