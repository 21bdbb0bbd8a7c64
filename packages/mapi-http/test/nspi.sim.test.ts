import { createHttpClient, type HttpClient } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import {
  AddressBookObjectType,
  AddressBookTags,
  DisplayType,
  decodeNspiEntryId,
  FuzzyLevelHigh,
  FuzzyLevelLow,
  NspiErrorCode,
} from "@mailwire/mapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MapiHttpAddressBook, MapiHttpError, MapiHttpMailboxTransport } from "../src/index.js";

// End to end: MapiHttpAddressBook against exchange-sim's /mapi/nspi/ over HTTPS with NTLMv2,
// whose directory is the fixture mailbox's owner and the colleagues in its mail.

let sim: ExchangeSim;
let http: HttpClient;

interface GalRow {
  mid: number;
  displayName: string;
  smtpAddress: string;
  legacyDn: string;
}

const ORG = "/o=Mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)";

function url(): string {
  return `${sim.origin}/mapi/nspi/?MailboxId=${encodeURIComponent(sim.credentials.email)}`;
}

async function control(
  command: Record<string, unknown> = {},
): Promise<{ gal: GalRow[]; [k: string]: unknown }> {
  const response = await http.request({
    method: "POST",
    url: `${sim.origin}/mailwire/nspi/control`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(command),
    expectStatus: 200,
  });
  return (await response.body.json()) as { gal: GalRow[] };
}

beforeAll(async () => {
  sim = await startSim({ fixture: { largeMessageBytes: 50_000 } });
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

describe("MapiHttpAddressBook against exchange-sim (NTLM over HTTPS)", () => {
  it("binds, resolves, pages the GAL, reads props, finds the mailbox URL, and unbinds", async () => {
    const { gal } = await control();
    expect(gal.length).toBeGreaterThanOrEqual(3);
    const book = await MapiHttpAddressBook.connect({ url: url(), http });
    expect(book.bound).toBe(true);
    expect(book.serverGuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(book.cookie("MapiContext")).toMatch(/^[0-9a-f]{32}$/);
    expect(book.serverApplication).toMatch(/^Exchange\//);

    // Resolve the mailbox owner by SMTP address and a colleague by part of the name.
    const colleague = gal.find((g) => g.smtpAddress !== sim.credentials.email) as GalRow;
    const firstWord = colleague.displayName.split(/[\s,]+/)[0] as string;
    const resolved = await book.resolveNames([sim.credentials.email, firstWord, "nobody-at-all"]);
    expect(resolved.map((r) => r.status)).toEqual(["resolved", "resolved", "unresolved"]);
    const me = resolved[0]?.status === "resolved" ? resolved[0].entry : undefined;
    expect(me?.smtpAddress).toBe(sim.credentials.email);
    expect(me?.emailAddress).toBe(`${ORG}/cn=Recipients/cn=${sim.credentials.username}`);
    expect(me?.addressType).toBe("EX");
    expect(me?.objectType).toBe(AddressBookObjectType.MAPI_MAILUSER);
    expect(me?.displayType).toBe(DisplayType.DT_MAILUSER);
    expect(me?.entryId && decodeNspiEntryId(me.entryId)).toEqual({
      kind: "permanent",
      displayType: 0,
      dn: me?.emailAddress,
    });
    const them = resolved[1]?.status === "resolved" ? resolved[1].entry : undefined;
    expect(them?.displayName).toBe(colleague.displayName);
    expect(them?.mid).toBe(colleague.mid);

    // Page the GAL two rows at a time: every entry once, in display-name order.
    const before = book.stats.requests;
    const paged = [];
    for await (const entry of book.queryRows({ pageSize: 2 })) paged.push(entry);
    expect(paged.map((e) => e.displayName)).toEqual(gal.map((g) => g.displayName));
    expect(paged.map((e) => e.smtpAddress)).toEqual(gal.map((g) => g.smtpAddress));
    expect(paged.map((e) => e.emailAddress)).toEqual(gal.map((g) => g.legacyDn));
    for (const entry of paged) {
      expect(entry.objectType).toBe(AddressBookObjectType.MAPI_MAILUSER);
      expect(entry.displayType).toBe(DisplayType.DT_MAILUSER);
    }
    // Each answer carries the STAT; the one that reaches the end of the table ends the paging.
    expect(book.stats.requests - before).toBe(Math.ceil(gal.length / 2));

    // GetProps by Minimal Entry ID: all properties, then chosen ones (a missing one is left out).
    const props = await book.getProps(colleague.mid);
    expect(props.displayName).toBe(colleague.displayName);
    expect(props.properties.get(AddressBookTags.PidTagAddressBookProxyAddresses)).toContain(
      `SMTP:${colleague.smtpAddress}`,
    );
    const some = await book.getProps(colleague.mid, {
      columns: [AddressBookTags.PidTagSmtpAddress, AddressBookTags.PidTagTitle],
    });
    expect(some.smtpAddress).toBe(colleague.smtpAddress);
    expect([...some.properties.keys()]).toEqual([AddressBookTags.PidTagSmtpAddress]);

    // The mailbox URL of the user's home server, from PidTagAddressBookHomeMessageDatabase.
    const homeMdb = me?.mid === undefined ? undefined : await book.getProps(me.mid);
    const mdbDn = homeMdb?.properties.get(AddressBookTags.PidTagAddressBookHomeMessageDatabase) as string;
    const serverDn = mdbDn.slice(0, mdbDn.lastIndexOf("/cn="));
    const mailboxUrl = await book.getMailboxUrl(serverDn);
    expect(new URL(mailboxUrl).pathname).toBe("/mapi/emsmdb/");
    const abUrl = await book.getAddressBookUrl(me?.emailAddress as string);
    expect(new URL(abUrl).pathname).toBe("/mapi/nspi/");

    // The URL works: the mailbox endpoint connects there.
    const transport = new MapiHttpMailboxTransport({
      url: mailboxUrl,
      userDn: me?.emailAddress as string,
      http,
    });
    const info = await transport.connect();
    expect(info.displayName).toBe(sim.credentials.username);
    await transport.disconnect();

    await book.close();
    expect(book.bound).toBe(false);
    expect((await control()).sessions).toBe(0);
    await expect(book.getProps(colleague.mid)).rejects.toMatchObject({ code: "MW_CLOSED" });
  });

  it("GetSpecialTable, DNToMId, CompareMIds, QueryColumns, GetPropList, UpdateStat, SeekEntries, GetMatches", async () => {
    const { gal } = await control();
    const book = await MapiHttpAddressBook.connect({ url: url(), http });
    try {
      const hierarchy = await book.getSpecialTable();
      expect(hierarchy).toHaveLength(1);
      expect(hierarchy[0]?.properties.get(AddressBookTags.PidTagAddressBookContainerId)).toBe(0);
      expect(hierarchy[0]?.properties.get(AddressBookTags.PidTagDepth)).toBe(0);
      expect(hierarchy[0]?.entryId && decodeNspiEntryId(hierarchy[0].entryId)).toMatchObject({
        kind: "permanent",
        displayType: DisplayType.DT_CONTAINER,
      });

      const [a, b] = gal as [GalRow, GalRow];
      expect(await book.dnToMId([b.legacyDn, "/o=Nowhere/cn=x", a.legacyDn])).toEqual([b.mid, 0, a.mid]);
      expect(await book.compareMIds(a.mid, b.mid)).toBeLessThan(0);
      expect(await book.compareMIds(b.mid, b.mid)).toBe(0);
      expect(await book.queryColumns()).toContain(AddressBookTags.PidTagSmtpAddress);
      expect(await book.getPropList(a.mid)).toContain(AddressBookTags.PidTagEmailAddress);

      const moved = await book.updateStat(book.stat({ delta: 2 }));
      expect(moved.delta).toBe(2);
      expect(moved.state?.currentRec).toBe(gal[2]?.mid);
      expect(moved.state?.numPos).toBe(2);

      const last = gal[gal.length - 1] as GalRow;
      const seek = await book.seekEntries(
        { tag: AddressBookTags.PidTagDisplayName, value: last.displayName },
        { columns: [AddressBookTags.PidTagDisplayName] },
      );
      expect(seek.state?.currentRec).toBe(last.mid);
      expect(seek.entries.map((e) => e.displayName)).toEqual([last.displayName]);

      // Paging from a STAT: from where SeekEntries left it, and from the start plus a Delta.
      const third = gal[2] as GalRow;
      const fromSeek = await book.seekEntries({
        tag: AddressBookTags.PidTagDisplayName,
        value: third.displayName,
      });
      const rest = [];
      for await (const entry of book.queryRows({
        pageSize: 2,
        ...(fromSeek.state ? { state: fromSeek.state } : {}),
      })) {
        rest.push(entry.displayName);
      }
      expect(rest).toEqual(gal.slice(2).map((g) => g.displayName));
      const skipped = [];
      for await (const entry of book.queryRows({ state: book.stat({ delta: 1 }) }))
        skipped.push(entry.displayName);
      expect(skipped).toEqual(gal.slice(1).map((g) => g.displayName));

      const domain = sim.credentials.email.slice(sim.credentials.email.indexOf("@"));
      const matches = [];
      for await (const entry of book.getMatches(
        {
          kind: "content",
          fuzzyLevelLow: FuzzyLevelLow.FL_SUBSTRING,
          fuzzyLevelHigh: FuzzyLevelHigh.FL_IGNORECASE,
          propertyTag: AddressBookTags.PidTagSmtpAddress,
          value: { tag: AddressBookTags.PidTagSmtpAddress, value: domain.toUpperCase() },
        },
        { pageSize: 2 },
      )) {
        matches.push(entry);
      }
      expect(matches.map((m) => m.mid)).toEqual(gal.map((g) => g.mid));
      expect(matches.map((m) => m.displayName)).toEqual(gal.map((g) => g.displayName));

      const template = await book.getTemplateInfo(DisplayType.DT_MAILUSER);
      expect(template.displayName).toBe("Mail user");
      await expect(book.getTemplateInfo(DisplayType.DT_DISTLIST)).rejects.toMatchObject({
        errorCode: NspiErrorCode.NotFound,
      });
    } finally {
      await book.close();
    }
  });

  it("an expired session context is bound again and the read resent once", async () => {
    const { gal } = await control();
    const book = await MapiHttpAddressBook.connect({ url: url(), http });
    const old = book.cookie("MapiContext");
    expect((await control({ expireSessions: true })).dropped).toBe(1);
    const entry = await book.getProps((gal[0] as GalRow).mid);
    expect(entry.displayName).toBe(gal[0]?.displayName);
    expect(book.stats.rebinds).toBe(1);
    expect(book.cookie("MapiContext")).not.toBe(old);
    await book.close();

    const strict = await MapiHttpAddressBook.connect({ url: url(), http, rebindOnReset: false });
    await control({ expireSessions: true });
    const error = await strict.getProps((gal[0] as GalRow).mid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MapiHttpError);
    expect((error as MapiHttpError).responseCode).toBe(10);
    await strict.close();
  });

  it("an aborted signal rejects before anything is sent; a Bind refused by the server is an error", async () => {
    const book = await MapiHttpAddressBook.connect({ url: url(), http });
    const sent = book.stats.requests;
    const controller = new AbortController();
    controller.abort();
    await expect(book.resolveNames(["a"], { signal: controller.signal })).rejects.toMatchObject({
      code: "MW_ABORTED",
    });
    const iterator = book.queryRows({ signal: controller.signal });
    await expect(iterator.next()).rejects.toMatchObject({ code: "MW_ABORTED" });
    expect(book.stats.requests).toBe(sent);
    await book.close();

    // NspiBind refuses CP_WINUNICODE in the STAT (MS-OXNSPI 3.1.4.1.1).
    await expect(MapiHttpAddressBook.connect({ url: url(), http, codePage: 1200 })).rejects.toMatchObject({
      requestType: "Bind",
      errorCode: 0x80040407,
    });
  });

  it("pages a GAL of 300 entries 100 at a time; leaving the loop early sends nothing more", async () => {
    await control({ addUsers: 295 });
    const { gal } = await control();
    expect(gal.length).toBeGreaterThanOrEqual(300);
    const book = await MapiHttpAddressBook.connect({ url: url(), http });
    try {
      let sent = book.stats.requests;
      const names: string[] = [];
      for await (const entry of book.queryRows({
        pageSize: 100,
        columns: [AddressBookTags.PidTagDisplayName],
      })) {
        names.push(entry.displayName as string);
      }
      expect(names).toEqual(gal.map((g) => g.displayName));
      expect(book.stats.requests - sent).toBe(Math.ceil(gal.length / 100));

      sent = book.stats.requests;
      let seen = 0;
      for await (const _ of book.queryRows({ pageSize: 100 })) {
        seen += 1;
        if (seen === 150) break;
      }
      expect(book.stats.requests - sent).toBe(2);

      // A name shared by many entries is ambiguous; one of them by its full name is not.
      const [many, one] = await book.resolveNames(["GAL User", "GAL User 0123"]);
      expect(many?.status).toBe("ambiguous");
      expect(one?.status === "resolved" && one.entry.smtpAddress).toMatch(/^gal\.user0123@/);
    } finally {
      await book.close();
    }
  });
});
