import { ByteReader, ByteWriter, InvalidArgumentError, MailwireError, ParseError } from "@mailwire/core";
import {
  AddressBookTags,
  createStat,
  DisplayType,
  decodeNspiEntryId,
  encodeNspiEntryId,
  MidPosition,
  type NspiEntryId,
  nspiErrorName,
  PropertyType,
  readStat,
  STAT_LENGTH,
  type Stat,
  writeStat,
} from "@mailwire/mapi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AddressBookCell, type AddressBookTaggedValue, NspiBodies } from "../src/index.js";

// The address book model shared with RPC/HTTP (@mailwire/mapi: STAT, Entry IDs) and generated
// round trips of the MAPI/HTTP bodies that carry rows and value lists.

const u32 = fc.nat({ max: 0xffffffff });
const statArb: fc.Arbitrary<Stat> = fc.record({
  sortType: u32,
  containerId: u32,
  currentRec: u32,
  delta: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  numPos: u32,
  totalRecs: u32,
  codePage: u32,
  templateLocale: u32,
  sortLocale: u32,
});

describe("STAT (MS-OXNSPI 2.2.8)", () => {
  it("is nine little-endian 32-bit fields, Delta signed", () => {
    const w = new ByteWriter();
    writeStat(
      w,
      createStat({ containerId: 0x11, currentRec: MidPosition.MID_END_OF_TABLE, delta: -1, numPos: 5 }),
    );
    const bytes = w.finish();
    expect(bytes.length).toBe(STAT_LENGTH);
    expect(Buffer.from(bytes).toString("hex")).toBe(
      [
        "00000000", // SortType: SortTypeDisplayName
        "11000000", // ContainerID
        "02000000", // CurrentRec: MID_END_OF_TABLE
        "ffffffff", // Delta: -1
        "05000000", // NumPos
        "00000000", // TotalRecs
        "e4040000", // CodePage 1252
        "09040000", // TemplateLocale 1033
        "09040000", // SortLocale 1033
      ].join(""),
    );
  });

  it("fast-check: round-trips; every truncation is a ParseError; bad fields are refused", () => {
    fc.assert(
      fc.property(statArb, (stat) => {
        const w = new ByteWriter();
        writeStat(w, stat);
        const bytes = w.finish();
        expect(readStat(new ByteReader(bytes))).toEqual(stat);
        for (let cut = 0; cut < bytes.length; cut += 5) {
          expect(() => readStat(new ByteReader(bytes.subarray(0, cut)))).toThrow(ParseError);
        }
      }),
    );
    expect(() => writeStat(new ByteWriter(), createStat({ delta: 2 ** 31 }))).toThrow(InvalidArgumentError);
    expect(() => writeStat(new ByteWriter(), createStat({ numPos: -1 }))).toThrow(InvalidArgumentError);
  });
});

describe("NSPI Entry IDs (MS-OXNSPI 2.2.9)", () => {
  it("PermanentEntryID: IDType 0, reserved, GUID_NSPI, R4 = 1, DisplayType, DN", () => {
    const bytes = encodeNspiEntryId({
      kind: "permanent",
      displayType: DisplayType.DT_MAILUSER,
      dn: "/o=A/cn=b",
    });
    expect(Buffer.from(bytes).toString("hex")).toBe(
      `00000000dca740c8c042101ab4b908002b2fe182${"01000000"}${"00000000"}${Buffer.from("/o=A/cn=b\0").toString("hex")}`,
    );
  });

  it("EphemeralEntryID: IDType 0x87, the server GUID, R4 = 1, DisplayType, MId", () => {
    const id: NspiEntryId = {
      kind: "ephemeral",
      providerUid: "5e2a1c0b-9d3f-4a6e-8b7c-6d5e4f3a2b1c",
      displayType: DisplayType.DT_DISTLIST,
      mid: 0x1234,
    };
    const bytes = encodeNspiEntryId(id);
    expect(bytes.length).toBe(32);
    expect(Buffer.from(bytes.subarray(0, 4)).toString("hex")).toBe("87000000");
    // R4 (1), DisplayType (DT_DISTLIST), MId.
    expect(Buffer.from(bytes.subarray(20)).toString("hex")).toBe("010000000100000034120000");
    expect(decodeNspiEntryId(bytes)).toEqual(id);
  });

  it("fast-check: both kinds round-trip; random bytes give an ID or a MailwireError", () => {
    const dn = fc.stringMatching(/^[\x20-\x7e]{1,60}$/);
    const id: fc.Arbitrary<NspiEntryId> = fc.oneof(
      fc.record({ kind: fc.constant("permanent" as const), displayType: u32, dn }),
      fc.record({
        kind: fc.constant("ephemeral" as const),
        providerUid: fc.uuid(),
        displayType: u32,
        mid: u32,
      }),
    );
    fc.assert(
      fc.property(id, (value) => {
        expect(decodeNspiEntryId(encodeNspiEntryId(value))).toEqual(value);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeNspiEntryId(bytes);
        } catch (error) {
          if (!(error instanceof MailwireError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("names NSPI return values", () => {
    expect(nspiErrorName(0x8004010f)).toBe("NotFound");
    expect(nspiErrorName(0x12345678)).toBe("0x12345678");
  });
});

describe("Boolean presence flags", () => {
  it("any non-zero Has... byte means present: servers send 0xFF for TRUE", () => {
    const stat = createStat();
    const statBytes = new ByteWriter();
    writeStat(statBytes, stat);
    // GetProps request: Flags, HasState 0xFF, STAT, HasPropertyTags 0xFF, one tag, no auxiliary buffer.
    const request = Uint8Array.from(
      Buffer.concat([
        Buffer.from([0, 0, 0, 0, 0xff]),
        Buffer.from(
          (() => {
            const sw = new ByteWriter();
            writeStat(sw, stat);
            return sw.finish();
          })(),
        ),
        Buffer.from([0xff, 1, 0, 0, 0]),
        Buffer.from([0x1f, 0x00, 0x01, 0x30]),
        Buffer.from([0, 0, 0, 0]),
      ]),
    );
    expect(NspiBodies.GetProps.request.decode(request)).toEqual({
      flags: 0,
      state: stat,
      propertyTags: [AddressBookTags.PidTagDisplayName],
      auxiliaryBuffer: new Uint8Array(0),
    });
    // A string value whose HasValue byte is 0xFF.
    const response = Buffer.concat([
      Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0xb0, 0x04, 0, 0, 0xff, 1, 0, 0, 0, 0x1f, 0x00, 0x01, 0x30, 0xff]),
      Buffer.from("Ann\0", "utf16le"),
      Buffer.from([0, 0, 0, 0]),
    ]);
    expect(NspiBodies.GetProps.response.decode(response)).toMatchObject({
      codePage: 1200,
      propertyValues: [{ tag: AddressBookTags.PidTagDisplayName, value: "Ann" }],
    });
  });
});

describe("generated bodies round-trip (fast-check)", () => {
  const text = fc.string({ maxLength: 20 }).filter((s) => !s.includes("\0"));
  const cellFor = (type: number): fc.Arbitrary<AddressBookCell> => {
    const value =
      type === PropertyType.PtypString
        ? text
        : type === PropertyType.PtypInteger32
          ? fc.integer({ min: -0x80000000, max: 0x7fffffff })
          : type === PropertyType.PtypBoolean
            ? fc.boolean()
            : fc.uint8Array({ maxLength: 30 });
    return fc.oneof(
      fc.record({ kind: fc.constant("value" as const), type: fc.constant(type), value }),
      fc.record({ kind: fc.constant("error" as const), type: fc.constant(type), error: u32 }),
    ) as fc.Arbitrary<AddressBookCell>;
  };
  const types = [
    PropertyType.PtypString,
    PropertyType.PtypInteger32,
    PropertyType.PtypBoolean,
    PropertyType.PtypBinary,
  ];
  const block = fc.array(fc.constantFrom(...types), { maxLength: 6 }).chain((columnTypes) =>
    fc.record({
      columns: fc.constant(columnTypes.map((t, i) => (((0x3000 + i) << 16) | t) >>> 0)),
      rows: fc.array(fc.tuple(...columnTypes.map(cellFor)) as fc.Arbitrary<AddressBookCell[]>, {
        maxLength: 5,
      }),
    }),
  );
  const tagged: fc.Arbitrary<AddressBookTaggedValue> = fc.oneof(
    fc.record({
      tag: fc.constant(AddressBookTags.PidTagDisplayName),
      value: fc.option(text, { nil: undefined }),
    }),
    fc.record({
      tag: fc.constant(AddressBookTags.PidTagObjectType),
      value: fc.integer({ min: -5, max: 100 }),
    }),
    fc.record({
      tag: fc.constant(AddressBookTags.PidTagAddressBookProxyAddresses),
      value: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
    }),
  );
  const aux = fc.uint8Array({ maxLength: 16 });

  it("QueryRows and ResolveNames responses with random rows, STATs and MIds", () => {
    fc.assert(
      fc.property(
        fc.option(statArb, { nil: undefined }),
        fc.option(block, { nil: undefined }),
        aux,
        (state, rows, a) => {
          const value = {
            statusCode: 0 as const,
            errorCode: 0,
            ...(state ? { state } : {}),
            ...(rows ? { columnsAndRows: rows } : {}),
            auxiliaryBuffer: a,
          };
          const codec = NspiBodies.QueryRows.response;
          expect(codec.decode(codec.encode(value))).toEqual(value);
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(u32, { maxLength: 5 }), block, (mids, rows) => {
        const value = {
          statusCode: 0 as const,
          errorCode: 0,
          codePage: 1200,
          minimalIds: mids,
          columnsAndRows: rows,
          auxiliaryBuffer: new Uint8Array(0),
        };
        const codec = NspiBodies.ResolveNames.response;
        expect(codec.decode(codec.encode(value))).toEqual(value);
      }),
      { numRuns: 200 },
    );
  });

  it("GetProps responses, GetSpecialTable rows, ResolveNames and DNToMId requests", () => {
    fc.assert(
      fc.property(
        fc.array(tagged, { maxLength: 6 }),
        fc.array(fc.array(tagged, { maxLength: 3 }), { maxLength: 3 }),
        (values, rows) => {
          const props = {
            statusCode: 0 as const,
            errorCode: 0,
            codePage: 1252,
            propertyValues: values,
            auxiliaryBuffer: new Uint8Array(0),
          };
          expect(NspiBodies.GetProps.response.decode(NspiBodies.GetProps.response.encode(props))).toEqual(
            props,
          );
          const table = {
            statusCode: 0 as const,
            errorCode: 0,
            codePage: 1252,
            rows,
            auxiliaryBuffer: new Uint8Array(0),
          };
          expect(
            NspiBodies.GetSpecialTable.response.decode(NspiBodies.GetSpecialTable.response.encode(table)),
          ).toEqual(table);
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 5 }),
        fc.array(fc.stringMatching(/^[\x01-\x7f]{0,40}$/), { maxLength: 5 }),
        (names, dns) => {
          const resolve = { reserved: 0, names, auxiliaryBuffer: new Uint8Array(0) };
          expect(
            NspiBodies.ResolveNames.request.decode(NspiBodies.ResolveNames.request.encode(resolve)),
          ).toEqual(resolve);
          const dn = { reserved: 0, names: dns, auxiliaryBuffer: new Uint8Array(0) };
          expect(NspiBodies.DNToMId.request.decode(NspiBodies.DNToMId.request.encode(dn))).toEqual(dn);
        },
      ),
      { numRuns: 300 },
    );
  });
});
