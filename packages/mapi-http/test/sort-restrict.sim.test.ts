import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createHttpClient, type HttpClient } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import {
  MapiRopError,
  MapiSession,
  type MessageSummary,
  messageSearchRestriction,
  SessionTags,
  SortOrderDirection,
} from "@mailwire/mapi";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MapiHttpMailboxTransport } from "../src/index.js";

// End to end over MAPI/HTTP against exchange-sim: contents tables sorted (RopSortTable) and
// restricted (RopRestrict) by the server, and folder roles from the Inbox's special-folder
// entry ids (MS-OXOSFLD 2.2.3, 2.2.4), compared with the fixture store they come from.

let sim: ExchangeSim;
let http: HttpClient;

function userDn(): string {
  return `/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${sim.credentials.username}`;
}

async function open(): Promise<{ session: MapiSession; transport: MapiHttpMailboxTransport }> {
  const transport = new MapiHttpMailboxTransport({
    url: `${sim.origin}/mapi/emsmdb/?MailboxId=${encodeURIComponent(sim.credentials.email)}`,
    userDn: userDn(),
    http,
  });
  return { session: await MapiSession.open({ transport, mailboxDn: userDn() }), transport };
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** The ROP names of every Execute `run` makes, from the session's diagnostics channel. */
async function executes<T>(run: () => Promise<T>): Promise<{ value: T; batches: string[][] }> {
  const batches: string[][] = [];
  const listener = (message: unknown) => batches.push([...(message as { rops: string[] }).rops]);
  subscribe("mailwire:mapi:execute", listener);
  try {
    return { value: await run(), batches };
  } finally {
    unsubscribe("mailwire:mapi:execute", listener);
  }
}

/** The store's Inbox, newest first; ties keep the store's order, as the sim's stable sort does. */
function inboxNewestFirst() {
  return sim.store
    .messages(sim.store.specialFolder("inbox").id)
    .map((message, index) => ({ message, index }))
    .sort((a, b) => b.message.fixture.date.getTime() - a.message.fixture.date.getTime() || a.index - b.index)
    .map(({ message }) => message);
}

function subjects(messages: readonly MessageSummary[]): string[] {
  return messages.map((m) => m.subject);
}

beforeAll(async () => {
  sim = await startSim();
  http = createHttpClient({
    credentials: {
      username: sim.credentials.username,
      password: sim.credentials.password,
      domain: sim.credentials.domain,
    },
    tls: { ca: sim.caPem },
  });
});

afterAll(async () => {
  await http?.close();
  await sim?.close();
});

describe("MapiSession sort and restriction over MAPI/HTTP against exchange-sim", () => {
  it("lists the Inbox newest first, sorted by the server in the first Execute", async () => {
    const { session } = await open();
    const inbox = session.mailbox.folders.inbox;
    const { value: messages, batches } = await executes(() =>
      all(session.listMessages(inbox, { pageSize: 40 })),
    );
    expect(batches[0]).toEqual([
      "RopOpenFolder",
      "RopGetContentsTable",
      "RopSetColumns",
      "RopSortTable",
      "RopQueryRows",
    ]);
    expect(batches.slice(1).every((batch) => batch[0] === "RopQueryRows")).toBe(true);
    expect(subjects(messages)).toEqual(inboxNewestFirst().map((m) => m.fixture.subject));
    await session.close();
  });

  it("reads only the first page when the caller stops: the 10 newest cost one Execute", async () => {
    const { session } = await open();
    const { value: newest, batches } = await executes(async () => {
      const out: MessageSummary[] = [];
      for await (const m of session.listMessages(session.mailbox.folders.inbox, { pageSize: 10 })) {
        out.push(m);
        if (out.length === 10) break;
      }
      return out;
    });
    expect(batches).toHaveLength(1);
    expect(subjects(newest)).toEqual(
      inboxNewestFirst()
        .slice(0, 10)
        .map((m) => m.fixture.subject),
    );
    await session.close();
  });

  it("any search finds exactly what filtering the store finds (property test)", async () => {
    const { session } = await open();
    const stored = inboxNewestFirst();
    const words = [
      ...new Set(stored.flatMap((m) => m.fixture.subject.split(/\s+/)).filter((w) => w.length >= 3)),
    ];
    const senders = [...new Set(stored.map((m) => m.fixture.from.address.split("@")[0] ?? ""))];
    const dates = stored.map((m) => m.fixture.date);
    const contains = (haystack: string | undefined, needle: string) =>
      (haystack ?? "").toLowerCase().includes(needle.toLowerCase());
    const search = fc.record(
      {
        subject: fc.constantFrom(...words.slice(0, 40)),
        text: fc.constantFrom(...words.slice(0, 40)),
        from: fc.constantFrom(...senders),
        unread: fc.boolean(),
        since: fc.constantFrom(...dates),
        before: fc.constantFrom(...dates),
      },
      { requiredKeys: [] },
    );
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(search, async (query) => {
        const expected = stored.filter((m) => {
          const f = m.fixture;
          if (query.subject !== undefined && !contains(f.subject, query.subject)) return false;
          if (query.text !== undefined && !contains(f.subject, query.text) && !contains(f.text, query.text))
            return false;
          if (
            query.from !== undefined &&
            !contains(f.from.name ?? f.from.address, query.from) &&
            !contains(f.from.address, query.from)
          )
            return false;
          if (query.unread !== undefined && m.flags.seen === query.unread) return false;
          if (query.since !== undefined && f.date < query.since) return false;
          if (query.before !== undefined && f.date >= query.before) return false;
          return true;
        });
        const found = await all(
          session.listMessages(session.mailbox.folders.inbox, {
            pageSize: 20,
            restriction: messageSearchRestriction(query),
          }),
        );
        expect(subjects(found)).toEqual(expected.map((m) => m.fixture.subject));
        if (found.length > 0) nonEmpty += 1;
      }),
      { numRuns: 30 },
    );
    // Not only empty answers: with every field optional, many searches match something.
    expect(nonEmpty).toBeGreaterThan(0);
    await session.close();
  });

  it("sorts by subject ascending when asked", async () => {
    const { session } = await open();
    const messages = await all(
      session.listMessages(session.mailbox.folders.inbox, {
        pageSize: 50,
        sortOrders: [{ propertyTag: SessionTags.PidTagSubject, order: SortOrderDirection.Ascending }],
      }),
    );
    const lower = subjects(messages).map((s) => s.toLowerCase());
    expect(lower).toEqual([...lower].sort());
    expect(messages).toHaveLength(sim.store.messages(sim.store.specialFolder("inbox").id).length);
    await session.close();
  });

  it("restricts by subject substring ignoring case: only the matches cross the wire, in pages", async () => {
    const { session, transport } = await open();
    const stored = inboxNewestFirst();
    // A word from a subject, upper-cased: FL_IGNORECASE must find it.
    const word = (stored[3]?.fixture.subject.split(/\s+/).find((w) => w.length >= 4) ?? "").toUpperCase();
    expect(word.length).toBeGreaterThanOrEqual(4);
    const expected = stored.filter((m) => m.fixture.subject.toUpperCase().includes(word));
    const before = transport.stats.requests;
    const { value: messages, batches } = await executes(() =>
      all(
        session.listMessages(session.mailbox.folders.inbox, {
          pageSize: 2,
          restriction: messageSearchRestriction({ subject: word }),
        }),
      ),
    );
    expect(batches[0]).toContain("RopRestrict");
    expect(subjects(messages)).toEqual(expected.map((m) => m.fixture.subject));
    // One request per page of matches (the last page ends at BOOKMARK_END), not per Inbox page.
    expect(transport.stats.requests - before).toBe(Math.max(1, Math.ceil(expected.length / 2)));
    await session.close();
  });

  it("combines unread, sender and a delivery-date range with RES_AND", async () => {
    const { session } = await open();
    const stored = inboxNewestFirst();
    const sender = stored[0]?.fixture.from.address ?? "";
    const dates = stored.map((m) => m.fixture.date.getTime());
    const since = new Date(dates[Math.floor(dates.length * 0.8)] ?? 0);
    const before = new Date(dates[Math.floor(dates.length * 0.1)] ?? 0);
    const expected = stored.filter(
      (m) =>
        !m.flags.seen &&
        m.fixture.date >= since &&
        m.fixture.date < before &&
        ((m.fixture.from.name ?? m.fixture.from.address).toLowerCase().includes(sender.toLowerCase()) ||
          m.fixture.from.address.toLowerCase().includes(sender.toLowerCase())),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(stored.length);
    const search = { unread: true, since, before, from: sender.toUpperCase() };
    const messages = await all(
      session.listMessages(session.mailbox.folders.inbox, { restriction: messageSearchRestriction(search) }),
    );
    expect(subjects(messages)).toEqual(expected.map((m) => m.fixture.subject));
    expect(messages.every((m) => !m.read)).toBe(true);
    const read = await all(
      session.listMessages(session.mailbox.folders.inbox, {
        restriction: messageSearchRestriction({ unread: false }),
      }),
    );
    expect(read.length).toBe(stored.filter((m) => m.flags.seen).length);
    await session.close();
  });

  it("finds text in the plain-text body", async () => {
    const { session } = await open();
    const stored = inboxNewestFirst();
    const withBody = stored.find((m) => (m.fixture.text ?? "").trim().length > 20);
    expect(withBody).toBeDefined();
    const text = (withBody?.fixture.text ?? "").trim().slice(0, 16).toLowerCase();
    const expected = stored.filter(
      (m) =>
        m.fixture.subject.toLowerCase().includes(text) || (m.fixture.text ?? "").toLowerCase().includes(text),
    );
    const messages = await all(
      session.listMessages(session.mailbox.folders.inbox, {
        restriction: messageSearchRestriction({ text }),
      }),
    );
    expect(subjects(messages)).toEqual(expected.map((m) => m.fixture.subject));
    expect(subjects(messages)).toContain(withBody?.fixture.subject);
    expect(expected.length).toBeLessThan(stored.length);
    await session.close();
  });

  it("answers a restriction the server does not evaluate with a MapiRopError (ecTooComplex)", async () => {
    const { session } = await open();
    const rows = session.listMessages(session.mailbox.folders.inbox, {
      restriction: { kind: "size", relOp: 0x02, propertyTag: SessionTags.PidTagSubject, size: 4 },
    });
    const error = await all(rows).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MapiRopError);
    expect(error).toMatchObject({ returnValue: 0x80040117 });
    await expect(all(rows)).resolves.toEqual([]); // the generator is finished, not stuck
    await session.close();
  });

  it("gives folders roles: Drafts and Junk Email from the Inbox's entry ids, the rest from the logon", async () => {
    const { session } = await open();
    const { value: folders, batches } = await executes(() => session.listFolders());
    expect(batches).toHaveLength(1);
    const roleOf = (use: "inbox" | "drafts" | "sent" | "trash" | "junk") => {
      const name = sim.store.specialFolder(use).displayName;
      return folders.find(
        (f) => f.displayName === name && f.parentFolderId === session.mailbox.folders.ipmSubtree,
      )?.role;
    };
    expect(roleOf("inbox")).toBe("inbox");
    expect(roleOf("drafts")).toBe("drafts");
    expect(roleOf("sent")).toBe("sentItems");
    expect(roleOf("trash")).toBe("deletedItems");
    expect(roleOf("junk")).toBe("junk");
    expect(folders.filter((f) => f.role !== undefined).length).toBeGreaterThanOrEqual(5);
    await session.close();
  });
});
