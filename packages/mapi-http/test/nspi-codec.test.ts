import { ByteReader, ByteWriter, LimitExceededError, MailwireError, ParseError } from "@mailwire/core";
import { AddressBookTags, createStat, PropertyType, type Stat } from "@mailwire/mapi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AddressBookCell,
  AddressBookRequestType,
  NspiBodies,
  NspiLimits,
  readRow,
  writeRow,
} from "../src/index.js";
import { readVectorJson } from "./vectors.js";

// MS-OXCMAPIHTTP 2.2.5 bodies. The byte layouts below are built by hand from the spec's field
// tables (no captured traffic exists in ../shared/vectors for the address book bodies).

const T = AddressBookTags;
const empty = new Uint8Array(0);

function statBytes(stat: Stat): number[] {
  const w = new ByteWriter(36);
  w.u32(stat.sortType).u32(stat.containerId).u32(stat.currentRec).i32(stat.delta).u32(stat.numPos);
  w.u32(stat.totalRecs).u32(stat.codePage).u32(stat.templateLocale).u32(stat.sortLocale);
  return [...w.finish()];
}

function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function utf16z(text: string): number[] {
  return [...Buffer.from(text, "utf16le"), 0, 0];
}

const stat = createStat({ currentRec: 0, delta: 3, numPos: 7, totalRecs: 42 });

const row1: AddressBookCell[] = [
  { kind: "value", type: PropertyType.PtypString, value: "Megan Bowen" },
  { kind: "value", type: PropertyType.PtypInteger32, value: 6 },
  { kind: "value", type: PropertyType.PtypBinary, value: Uint8Array.of(0, 0, 0, 0, 1, 2) },
];
const row2: AddressBookCell[] = [
  { kind: "value", type: PropertyType.PtypString, value: "Adele Vance" },
  { kind: "error", type: PropertyType.PtypInteger32, error: 0x8004010f },
  { kind: "absent", type: PropertyType.PtypBinary },
];
const columns = [T.PidTagDisplayName, T.PidTagObjectType, T.PidTagEntryId];

/** One sample of every request and response body (success and failure). */
const samples: { [K in AddressBookRequestType]: { request: unknown[]; response: unknown[] } } = {
  Bind: {
    request: [
      { flags: 0, state: stat, auxiliaryBuffer: empty },
      { flags: 0x20, auxiliaryBuffer: Uint8Array.of(1, 2, 3) },
    ],
    response: [
      {
        statusCode: 0,
        errorCode: 0,
        serverGuid: "dca740c8-c042-101a-b4b9-08002b2fe182",
        auxiliaryBuffer: empty,
      },
      { statusCode: 0x80004005, auxiliaryBuffer: empty },
    ],
  },
  Unbind: {
    request: [{ reserved: 0, auxiliaryBuffer: empty }],
    response: [{ statusCode: 0, errorCode: 1, auxiliaryBuffer: empty }],
  },
  CompareMIds: {
    request: [{ reserved: 0, state: stat, minimalId1: 5, minimalId2: 9, auxiliaryBuffer: empty }],
    response: [{ statusCode: 0, errorCode: 0, result: -1, auxiliaryBuffer: empty }],
  },
  DNToMId: {
    request: [
      { reserved: 0, names: ["/o=Mailwire/cn=Recipients/cn=megan.bowen", ""], auxiliaryBuffer: empty },
      { reserved: 0, auxiliaryBuffer: empty },
    ],
    response: [
      { statusCode: 0, errorCode: 0, minimalIds: [0x11, 0], auxiliaryBuffer: empty },
      { statusCode: 0, errorCode: 0x8004010f, auxiliaryBuffer: empty },
    ],
  },
  GetMatches: {
    request: [
      {
        reserved: 0,
        state: stat,
        minimalIds: [1, 2],
        interfaceOptionFlags: 0,
        filter: {
          kind: "content",
          fuzzyLevelLow: 1,
          fuzzyLevelHigh: 1,
          propertyTag: T.PidTagDisplayName,
          value: { tag: T.PidTagDisplayName, value: "meg" },
        },
        propertyName: { guid: "00020329-0000-0000-c000-000000000046", id: 0x8001 },
        rowCount: 50,
        columns,
        auxiliaryBuffer: empty,
      },
      { reserved: 0, interfaceOptionFlags: 0, rowCount: 10, auxiliaryBuffer: empty },
    ],
    response: [
      {
        statusCode: 0,
        errorCode: 0,
        state: stat,
        minimalIds: [0x10, 0x11],
        columnsAndRows: { columns, rows: [row1, row2] },
        auxiliaryBuffer: empty,
      },
    ],
  },
  GetPropList: {
    request: [{ flags: 0, minimalId: 0x10, codePage: 1200, auxiliaryBuffer: empty }],
    response: [{ statusCode: 0, errorCode: 0, propertyTags: columns, auxiliaryBuffer: empty }],
  },
  GetProps: {
    request: [{ flags: 0, state: stat, propertyTags: columns, auxiliaryBuffer: empty }],
    response: [
      {
        statusCode: 0,
        errorCode: 0,
        codePage: 1200,
        propertyValues: [
          { tag: T.PidTagDisplayName, value: "Megan Bowen" },
          { tag: T.PidTagEmailAddress, value: undefined },
          { tag: (T.PidTagTitle & 0xffff0000) | 0x000a, value: 0x8004010f },
          { tag: T.PidTagAddressBookProxyAddresses, value: ["SMTP:megan.bowen@mailwire.test"] },
        ],
        auxiliaryBuffer: empty,
      },
    ],
  },
  GetSpecialTable: {
    request: [{ flags: 4, state: stat, version: 0, auxiliaryBuffer: empty }],
    response: [
      {
        statusCode: 0,
        errorCode: 0,
        codePage: 1200,
        version: 1,
        rows: [[{ tag: T.PidTagDisplayName, value: "Global Address List" }], []],
        auxiliaryBuffer: empty,
      },
    ],
  },
  GetTemplateInfo: {
    request: [
      {
        flags: 0,
        displayType: 0,
        templateDn: "/o=Mailwire",
        codePage: 1252,
        localeId: 1033,
        auxiliaryBuffer: empty,
      },
    ],
    response: [
      {
        statusCode: 0,
        errorCode: 0,
        codePage: 1252,
        row: [{ tag: 0x00040102, value: Uint8Array.of(9) }],
        auxiliaryBuffer: empty,
      },
    ],
  },
  QueryRows: {
    request: [
      { flags: 0, state: stat, explicitTable: [], rowCount: 2, columns, auxiliaryBuffer: empty },
      { flags: 0, explicitTable: [7, 8, 9], rowCount: 3, auxiliaryBuffer: empty },
    ],
    response: [
      {
        statusCode: 0,
        errorCode: 0,
        state: stat,
        columnsAndRows: { columns, rows: [row1] },
        auxiliaryBuffer: empty,
      },
      { statusCode: 0, errorCode: 0, auxiliaryBuffer: empty },
    ],
  },
  QueryColumns: {
    request: [{ reserved: 0, mapiFlags: 0, auxiliaryBuffer: empty }],
    response: [{ statusCode: 0, errorCode: 0, columns, auxiliaryBuffer: empty }],
  },
  ResolveNames: {
    request: [
      { reserved: 0, state: stat, propertyTags: columns, names: ["megan", "山田"], auxiliaryBuffer: empty },
    ],
    response: [
      {
        statusCode: 0,
        errorCode: 0,
        codePage: 1200,
        minimalIds: [0x10, 0],
        columnsAndRows: { columns, rows: [row1] },
        auxiliaryBuffer: empty,
      },
    ],
  },
  SeekEntries: {
    request: [
      {
        reserved: 0,
        state: stat,
        target: { tag: T.PidTagDisplayName, value: "M" },
        explicitTable: [3],
        columns,
        auxiliaryBuffer: empty,
      },
    ],
    response: [{ statusCode: 0, errorCode: 0, state: stat, auxiliaryBuffer: empty }],
  },
  UpdateStat: {
    request: [{ reserved: 0, state: stat, deltaRequested: true, auxiliaryBuffer: empty }],
    response: [{ statusCode: 0, errorCode: 0, state: stat, delta: -2, auxiliaryBuffer: empty }],
  },
  GetMailboxUrl: {
    request: [{ flags: 0, serverDn: "/o=Mailwire/ou=Exchange/cn=Servers/cn=sim", auxiliaryBuffer: empty }],
    response: [
      {
        statusCode: 0,
        errorCode: 0,
        serverUrl: "https://sim/mapi/emsmdb/?MailboxId=x",
        auxiliaryBuffer: empty,
      },
    ],
  },
  GetAddressBookUrl: {
    request: [{ flags: 0, userDn: "/o=Mailwire/cn=Recipients/cn=alex.wilber", auxiliaryBuffer: empty }],
    response: [
      {
        statusCode: 0,
        errorCode: 0,
        serverUrl: "https://sim/mapi/nspi/?MailboxId=x",
        auxiliaryBuffer: empty,
      },
    ],
  },
};

type AnyCodec = { encode(value: unknown): Uint8Array; decode(bytes: Uint8Array): unknown };
const codecs = NspiBodies as unknown as Record<string, { request: AnyCodec; response: AnyCodec }>;

function codecOf(name: string, direction: "request" | "response"): AnyCodec {
  const pair = codecs[name];
  if (!pair) throw new Error(`no codec for ${name}`);
  return pair[direction];
}

describe("address book bodies: layouts from MS-OXCMAPIHTTP 2.2.5", () => {
  it("covers the request types the issue lists, and the facts file's address book names it supports", () => {
    expect(Object.keys(AddressBookRequestType).sort()).toEqual(
      [
        "Bind",
        "Unbind",
        "GetSpecialTable",
        "GetMatches",
        "ResolveNames",
        "QueryRows",
        "GetProps",
        "DNToMId",
        "CompareMIds",
        "QueryColumns",
        "GetPropList",
        "SeekEntries",
        "GetTemplateInfo",
        "UpdateStat",
        "GetMailboxUrl",
        "GetAddressBookUrl",
      ].sort(),
    );
    const facts = readVectorJson<{ x_request_type_values: { address_book_endpoint: string[] } }>(
      "mapihttp/ms-oxcmapihttp-envelope-facts.json",
    );
    const listed = facts.x_request_type_values.address_book_endpoint.filter((n) => !n.startsWith("("));
    // ModLinkAtt and ModProps (address book writes) are not implemented.
    expect(listed.filter((n) => !(n in AddressBookRequestType))).toEqual(["ModLinkAtt", "ModProps"]);
  });

  it("2.2.5.1.1 Bind request: Flags, HasState, STAT, AuxiliaryBufferSize", () => {
    const bytes = NspiBodies.Bind.request.encode({ flags: 0, state: stat });
    expect([...bytes]).toEqual([...le32(0), 1, ...statBytes(stat), ...le32(0)]);
    expect([...NspiBodies.Bind.request.encode({ flags: 0 })]).toEqual([...le32(0), 0, ...le32(0)]);
  });

  it("2.2.5.1.2 Bind response: StatusCode, ErrorCode, ServerGuid (mixed-endian GUID), aux", () => {
    const bytes = Uint8Array.from([
      ...le32(0),
      ...le32(0),
      0xc8,
      0x40,
      0xa7,
      0xdc,
      0x42,
      0xc0,
      0x1a,
      0x10,
      0xb4,
      0xb9,
      0x08,
      0x00,
      0x2b,
      0x2f,
      0xe1,
      0x82,
      ...le32(0),
    ]);
    expect(NspiBodies.Bind.response.decode(bytes)).toEqual({
      statusCode: 0,
      errorCode: 0,
      serverGuid: "dca740c8-c042-101a-b4b9-08002b2fe182",
      auxiliaryBuffer: empty,
    });
    // A failure body is StatusCode and the auxiliary buffer only.
    expect(NspiBodies.Bind.response.decode(Uint8Array.from([...le32(5), ...le32(0)]))).toEqual({
      statusCode: 5,
      auxiliaryBuffer: empty,
    });
  });

  it("2.2.5.14.1 ResolveNames request: Has flags, LargePropertyTagArray, WStringArray", () => {
    const bytes = NspiBodies.ResolveNames.request.encode({
      reserved: 0,
      propertyTags: [T.PidTagDisplayName],
      names: ["Meg"],
    });
    expect([...bytes]).toEqual([
      ...le32(0),
      0,
      1,
      ...le32(1),
      ...le32(T.PidTagDisplayName),
      1,
      ...le32(1),
      ...utf16z("Meg"),
      ...le32(0),
    ]);
  });

  it("2.2.5.12.2 QueryRows response: rows with Flags 0 and 1, HasValue, flagged error and absent cells", () => {
    const bytes = NspiBodies.QueryRows.response.encode({
      statusCode: 0,
      errorCode: 0,
      columnsAndRows: {
        columns: [T.PidTagDisplayName, T.PidTagObjectType],
        rows: [row1.slice(0, 2), row2.slice(0, 2)],
      },
      auxiliaryBuffer: empty,
    });
    expect([...bytes]).toEqual([
      ...le32(0), // StatusCode
      ...le32(0), // ErrorCode
      0, // HasState
      1, // HasColsAndRows
      ...le32(2),
      ...le32(T.PidTagDisplayName),
      ...le32(T.PidTagObjectType),
      ...le32(2), // RowCount
      0, // row 1: Flags 0
      1, // HasValue (PtypString)
      ...utf16z("Megan Bowen"),
      ...le32(6), // PtypInteger32: no HasValue
      1, // row 2: Flags 1
      0, // Flag: value
      1,
      ...utf16z("Adele Vance"),
      0x0a, // Flag: error
      ...le32(0x8004010f),
      ...le32(0), // aux
    ]);
  });

  it("PtypUnspecified columns carry the type with each value (2.2.1.4, 2.2.1.6)", () => {
    const cols = [0x30010000];
    const w = new ByteWriter();
    const row: AddressBookCell[] = [{ kind: "value", type: PropertyType.PtypInteger32, value: 12 }];
    writeRow(w, cols, row);
    expect([...w.finish()]).toEqual([0, 0x03, 0x00, ...le32(12)]);
    const flagged: AddressBookCell[] = [{ kind: "error", type: PropertyType.PtypString, error: 0x8004010f }];
    const w2 = new ByteWriter();
    writeRow(w2, cols, flagged);
    const bytes = w2.finish();
    expect([...bytes]).toEqual([1, 0x1f, 0x00, 0x0a, ...le32(0x8004010f)]);
    expect(readRow(new ByteReader(bytes), cols)).toEqual(flagged);
  });

  for (const [name, pair] of Object.entries(samples)) {
    it(`${name}: every sample round-trips both ways, and every truncation is a typed error`, () => {
      for (const direction of ["request", "response"] as const) {
        const codec = codecOf(name, direction);
        for (const sample of pair[direction]) {
          const bytes = codec.encode(sample);
          expect(codec.decode(bytes)).toEqual(sample);
          expect(Buffer.from(codec.encode(codec.decode(bytes))).equals(Buffer.from(bytes))).toBe(true);
          for (let cut = 0; cut < bytes.length; cut++) {
            expect(() => codec.decode(bytes.subarray(0, cut))).toThrow(MailwireError);
          }
          expect(() => codec.decode(Buffer.concat([bytes, Uint8Array.of(0)]))).toThrow(ParseError);
        }
      }
    });
  }
});

describe("address book bodies: hostile input", () => {
  it("counts larger than the body are refused before any loop", () => {
    // QueryRows response claiming 2^32-1 rows of one column, with 3 bytes left.
    const bytes = Uint8Array.from([
      ...le32(0),
      ...le32(0),
      0,
      1,
      ...le32(1),
      ...le32(T.PidTagObjectType),
      ...le32(0xffffffff),
      0,
      0,
      0,
    ]);
    expect(() => NspiBodies.QueryRows.response.decode(bytes)).toThrow(LimitExceededError);
    const fits = Uint8Array.from([
      ...le32(0),
      ...le32(0),
      0,
      1,
      ...le32(1),
      ...le32(T.PidTagObjectType),
      ...le32(50),
      0,
      0,
      0,
    ]);
    expect(() => NspiBodies.QueryRows.response.decode(fits)).toThrow(ParseError);
    const ids = Uint8Array.from([...le32(0), 0, ...le32(NspiLimits.maxMinimalIds), 1, 2, 3, 4]);
    expect(() => NspiBodies.QueryRows.request.decode(ids)).toThrow(ParseError);
  });

  it("fast-check: random bytes into every decoder give a value or a MailwireError, never another throw", () => {
    const decoders = Object.values(codecs).flatMap((c) => [c.request, c.response]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(decoders.length - 1), (bytes, i) => {
        try {
          (decoders[i] as AnyCodec).decode(bytes);
        } catch (error) {
          if (!(error instanceof MailwireError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("fast-check: mutated valid bodies decode or fail with a MailwireError", () => {
    const corpus = Object.entries(samples).flatMap(([name, pair]) =>
      (["request", "response"] as const).flatMap((d) =>
        pair[d].map((s) => ({
          codec: codecOf(name, d),
          bytes: codecOf(name, d).encode(s),
        })),
      ),
    );
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.nat(), fc.nat(255), (i, at, byte) => {
        const { codec, bytes } = corpus[i] as { codec: AnyCodec; bytes: Uint8Array };
        const copy = bytes.slice();
        if (copy.length > 0) copy[at % copy.length] = byte;
        try {
          codec.decode(copy);
        } catch (error) {
          if (!(error instanceof MailwireError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("fast-check: rows of random cells round-trip through writeRow/readRow", () => {
    const cell: fc.Arbitrary<AddressBookCell> = fc.oneof(
      fc.record({
        kind: fc.constant("value" as const),
        type: fc.constant(PropertyType.PtypString),
        value: fc.string().filter((s) => !s.includes("\0")),
      }),
      fc.record({
        kind: fc.constant("value" as const),
        type: fc.constant(PropertyType.PtypInteger32),
        value: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      }),
      fc.record({
        kind: fc.constant("value" as const),
        type: fc.constant(PropertyType.PtypBinary),
        value: fc.uint8Array({ maxLength: 40 }),
      }),
      fc.record({
        kind: fc.constant("value" as const),
        type: fc.constant(PropertyType.PtypBoolean),
        value: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant("value" as const),
        type: fc.constant(0x101f),
        value: fc.array(
          fc.string().filter((s) => !s.includes("\0")),
          { maxLength: 4 },
        ),
      }),
      fc.record({
        kind: fc.constant("error" as const),
        type: fc.constant(PropertyType.PtypInteger32),
        error: fc.nat(),
      }),
      fc.record({ kind: fc.constant("absent" as const), type: fc.constant(PropertyType.PtypBinary) }),
    );
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 8 }), fc.boolean(), (cells, typed) => {
        const cols = cells.map((c, i) => ((0x6000 + i) << 16) | (typed ? 0 : c.type));
        const w = new ByteWriter();
        writeRow(w, cols, cells);
        const bytes = w.finish();
        const reader = new ByteReader(bytes);
        expect(readRow(reader, cols)).toEqual(cells);
        expect(reader.remaining).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
