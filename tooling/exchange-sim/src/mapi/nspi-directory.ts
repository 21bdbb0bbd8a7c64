import type { FixtureAddress } from "@mailwire/fixtures";
import type { MailboxStore } from "../store/mailbox-store.js";
import type { SimRestriction, SimValue } from "./nspi-wire.js";

// The sim's address book: the mailbox owner and every named person of the owner's own mail
// domain who appears in the fixture mail (the organisation's other users), as Exchange's
// directory would list them. One container, the Global Address List (Minimal Entry ID 0).

/** Property tags the directory serves (MS-OXOABK 2.2). */
export const Tag = {
  EntryId: 0x0fff0102,
  InstanceKey: 0x0ff60102,
  ObjectType: 0x0ffe0003,
  DisplayName: 0x3001001f,
  AddressType: 0x3002001f,
  EmailAddress: 0x3003001f,
  DisplayType: 0x39000003,
  DisplayTypeEx: 0x39050003,
  SmtpAddress: 0x39fe001f,
  Account: 0x3a00001f,
  GivenName: 0x3a06001f,
  Surname: 0x3a11001f,
  ProxyAddresses: 0x800f101f,
  HomeMessageDatabase: 0x8006001e,
  ContainerFlags: 0x36000003,
  Depth: 0x30050003,
  ContainerId: 0xfffd0003,
  IsMaster: 0xfffb000b,
} as const;

export const ORGANIZATION_DN = "/o=Mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)";
export const SERVER_DN = `${ORGANIZATION_DN}/cn=Configuration/cn=Servers/cn=SIM`;
export const HOME_MDB_DN = `${SERVER_DN}/cn=Microsoft Private MDB`;

/**
 * GUID_NSPI {C840A7DC-42C0-1A10-B4B9-08002B2FE182} in wire order (little-endian first three
 * groups): the PermanentEntryID ProviderUID (MS-OXNSPI 2.2.9.3; MS-OXCDATA 2.2.5.2).
 */
const NSPI_PROVIDER_UID = Buffer.from("dca740c8c042101ab4b908002b2fe182", "hex");
const FIRST_MID = 0x10;

export interface DirectoryEntry {
  readonly mid: number;
  readonly displayName: string;
  readonly smtpAddress: string;
  readonly account: string;
  readonly legacyDn: string;
  /** Property ID and type → value. */
  readonly properties: ReadonlyMap<number, SimValue>;
}

/** PermanentEntryID (MS-OXNSPI 2.2.9.3): ID type 0, three reserved bytes, GUID_NSPI, version 1, display type, DN. */
export function permanentEntryId(displayType: number, dn: string): Uint8Array {
  const head = Buffer.alloc(28);
  NSPI_PROVIDER_UID.copy(head, 4);
  head.writeUInt32LE(1, 20);
  head.writeUInt32LE(displayType, 24);
  return Buffer.concat([head, Buffer.from(`${dn}\0`, "latin1")]);
}

function localPart(address: string): string {
  return address.slice(0, address.indexOf("@"));
}

function domainOf(address: string): string {
  return address.slice(address.indexOf("@") + 1).toLowerCase();
}

export class NspiDirectory {
  /** Sorted by display name (SortTypeDisplayName), as the GAL is. */
  entries: readonly DirectoryEntry[] = [];
  readonly #byMid = new Map<number, number>();
  readonly #domain: string;
  /** Minimal Entry IDs are handed out once per object and never reused, whatever the sort order. */
  #nextMid = FIRST_MID;

  constructor(store: MailboxStore) {
    const owner = store.user.address.toLowerCase();
    const domain = domainOf(owner);
    const people = new Map<string, string>();
    const note = (a: FixtureAddress) => {
      const address = a.address.toLowerCase();
      if (domainOf(address) === domain && a.name && !people.has(address)) people.set(address, a.name);
    };
    for (const message of store.messages()) {
      note(message.fixture.from);
      for (const a of message.fixture.to) note(a);
      for (const a of message.fixture.cc) note(a);
    }
    if (!people.has(owner)) people.set(owner, store.user.username);
    this.#domain = domain;
    this.#add([...people].map(([address, name]) => ({ address, name })));
  }

  /** Adds `count` generated users ("GAL User 0001", gal.user0001@<domain>), e.g. to page a large GAL. */
  addUsers(count: number): void {
    const start = this.entries.filter((e) => e.account.startsWith("gal.user")).length;
    const people = Array.from({ length: count }, (_, i) => {
      const n = String(start + i + 1).padStart(4, "0");
      return { name: `GAL User ${n}`, address: `gal.user${n}@${this.#domain}` };
    });
    this.#add(people);
  }

  #add(people: readonly { name: string; address: string }[]): void {
    const added = people.map(({ name, address }) => this.#entry(this.#nextMid++, name, address));
    this.entries = [...this.entries, ...added].sort((a, b) =>
      a.displayName.localeCompare(b.displayName, "en", { sensitivity: "base" }),
    );
    this.#byMid.clear();
    this.entries.forEach((e, i) => {
      this.#byMid.set(e.mid, i);
    });
  }

  #entry(mid: number, displayName: string, smtpAddress: string): DirectoryEntry {
    const account = localPart(smtpAddress);
    const legacyDn = `${ORGANIZATION_DN}/cn=Recipients/cn=${account}`;
    const [given, ...rest] = displayName.split(" ");
    const instanceKey = Buffer.alloc(4);
    instanceKey.writeUInt32LE(mid);
    const properties = new Map<number, SimValue>([
      [Tag.EntryId, permanentEntryId(0, legacyDn)],
      [Tag.InstanceKey, instanceKey],
      [Tag.ObjectType, 6], // MAPI_MAILUSER
      [Tag.DisplayName, displayName],
      [Tag.AddressType, "EX"],
      [Tag.EmailAddress, legacyDn],
      [Tag.DisplayType, 0], // DT_MAILUSER
      [Tag.DisplayTypeEx, 0],
      [Tag.SmtpAddress, smtpAddress],
      [Tag.Account, account],
      [Tag.ProxyAddresses, [`SMTP:${smtpAddress}`, `X500:${legacyDn}`]],
      [Tag.HomeMessageDatabase, HOME_MDB_DN],
    ]);
    if (given && rest.length > 0) {
      properties.set(Tag.GivenName, given);
      properties.set(Tag.Surname, rest.join(" "));
    }
    return { mid, displayName, smtpAddress, account, legacyDn, properties };
  }

  /** Position of a Minimal Entry ID in the GAL, or -1. */
  indexOf(mid: number): number {
    return this.#byMid.get(mid) ?? -1;
  }

  byMid(mid: number): DirectoryEntry | undefined {
    const i = this.indexOf(mid);
    return i < 0 ? undefined : this.entries[i];
  }

  byDn(dn: string): DirectoryEntry | undefined {
    const wanted = dn.toLowerCase();
    return this.entries.find((e) => e.legacyDn.toLowerCase() === wanted);
  }

  /**
   * Ambiguous name resolution, simplified (MS-OXNSPI 3.1.4.7): an exact SMTP address, DN or
   * alias, else a case-insensitive prefix of the display name, one of its words, the alias
   * or the SMTP address. "SMTP:" and "EX:" prefixes are ignored.
   */
  resolve(name: string): DirectoryEntry[] {
    const text = name
      .replace(/^(smtp|ex):/i, "")
      .trim()
      .toLowerCase();
    if (text === "") return [];
    const exact = this.entries.filter(
      (e) =>
        e.smtpAddress.toLowerCase() === text ||
        e.legacyDn.toLowerCase() === text ||
        e.account.toLowerCase() === text,
    );
    if (exact.length > 0) return exact;
    return this.entries.filter((e) => {
      const display = e.displayName.toLowerCase();
      return (
        display.startsWith(text) ||
        display.split(/[\s,]+/).some((word) => word.startsWith(text)) ||
        e.account.toLowerCase().startsWith(text) ||
        e.smtpAddress.toLowerCase().startsWith(text)
      );
    });
  }

  /** The value of `tag` on `entry` in the type the tag asks for (PtypString8 ↔ PtypString), or undefined. */
  value(entry: DirectoryEntry, tag: number): SimValue | undefined {
    const direct = entry.properties.get(tag >>> 0);
    if (direct !== undefined) return direct;
    const type = tag & 0xffff;
    const id = tag & 0xffff0000;
    const swap: Record<number, number> = { 31: 0x001e, 30: 0x001f, 4127: 0x101e, 4126: 0x101f };
    const other = swap[type];
    return other === undefined ? undefined : entry.properties.get((id | other) >>> 0);
  }

  /** Every tag some entry has (QueryColumns). */
  allTags(): number[] {
    const tags = new Set<number>();
    for (const e of this.entries) for (const tag of e.properties.keys()) tags.add(tag);
    return [...tags];
  }

  /** The rows of entries a restriction selects, in table order. */
  matches(restriction: SimRestriction): DirectoryEntry[] {
    return this.entries.filter((e) => this.#test(e, restriction));
  }

  #test(entry: DirectoryEntry, r: SimRestriction): boolean {
    switch (r.kind) {
      case "and":
        return r.children.every((c) => this.#test(entry, c));
      case "or":
        return r.children.some((c) => this.#test(entry, c));
      case "not":
        return !this.#test(entry, r.child);
      case "exist":
        return this.value(entry, r.tag) !== undefined;
      case "content": {
        const value = this.value(entry, r.tag);
        if (typeof value !== "string" || typeof r.value !== "string") return false;
        const ignoreCase = (r.fuzzyHigh & 0x1) !== 0;
        const have = ignoreCase ? value.toLowerCase() : value;
        const want = ignoreCase ? r.value.toLowerCase() : r.value;
        // FuzzyLevelLow (MS-OXCDATA 2.12.4): 0 full string, 1 substring, 2 prefix.
        if (r.fuzzyLow === 1) return have.includes(want);
        if (r.fuzzyLow === 2) return have.startsWith(want);
        return have === want;
      }
      case "property": {
        const value = this.value(entry, r.tag);
        if (value === undefined) return false;
        const a = typeof value === "string" ? value.toLowerCase() : value;
        const b = typeof r.value === "string" ? r.value.toLowerCase() : r.value;
        // RelOp (MS-OXCDATA 2.12.5): only equality and inequality are needed here.
        if (r.relOp === 0x04) return a === b;
        if (r.relOp === 0x05) return a !== b;
        return false;
      }
    }
  }
}
