import { ByteReader, ByteWriter, fromHex, LimitExceededError, MailwireError, toHex } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeAddressBookEntryId,
  decodeFolderEntryId,
  decodeMessageEntryId,
  EXTENDED_CONTEXT,
  encodeAddressBookEntryId,
  encodeFolderEntryId,
  encodeMessageEntryId,
  formatPropertyTag,
  guidFromBytes,
  guidToBytes,
  makeId,
  PropertySet,
  PropertyTags,
  PropertyType,
  propertyTag,
  propertyTagId,
  propertyTagType,
  readPropertyName,
  readPropertyRow,
  readPropertyValue,
  readRestriction,
  readSortOrderSet,
  readTaggedPropertyValue,
  readTypedPropertyValue,
  StoreObjectType,
  splitId,
  writePropertyName,
  writePropertyRow,
  writePropertyValue,
  writeRestriction,
  writeSortOrderSet,
  writeTaggedPropertyValue,
  writeTypedPropertyValue,
} from "../src/index.js";
import {
  arbitraryValueOf,
  columnsAndRow,
  restriction,
  string16,
  taggedValue,
  typedValue,
  valueTypes,
} from "./arbitraries.js";

function encode(write: (writer: ByteWriter) => void): Uint8Array {
  const writer = new ByteWriter();
  write(writer);
  return writer.finish().slice();
}

/** Decodes all of `bytes` with `read`, failing if anything is left over. */
function decodeAll<T>(bytes: Uint8Array, read: (reader: ByteReader) => T): T {
  const reader = new ByteReader(bytes);
  const value = read(reader);
  expect(reader.remaining).toBe(0);
  return value;
}

/** Random, truncated or mutated input may only fail with a MailwireError. */
function onlyMailwireErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof MailwireError)) throw error;
  }
}

describe("property tags and types", () => {
  it("splits and joins id and type", () => {
    const tag = propertyTag(0x0037, PropertyType.PtypString);
    expect(tag).toBe(PropertyTags.PidTagSubject);
    expect(propertyTagId(tag)).toBe(0x0037);
    expect(propertyTagType(tag)).toBe(0x001f);
    expect(formatPropertyTag(0x67480014)).toBe("0x67480014");
    // Wire order: the type's bytes first (MS-OXCTABL 4.2.1 sends PidTagFolderId as 14004867).
    expect(toHex(encode((w) => w.u32(PropertyTags.PidTagFolderId)))).toBe("14004867");
  });
  it("has the spec codes", () => {
    expect(PropertyType.PtypMultipleBinary).toBe(0x1102);
    expect(PropertyType.PtypServerId).toBe(0x00fb);
    expect(PropertyType.PtypObject).toBe(0x000d);
  });
});

describe("GUIDs", () => {
  it("use the mixed-endian wire form", () => {
    expect(toHex(guidToBytes(PropertySet.PS_PUBLIC_STRINGS))).toBe("2903020000000000c000000000000046");
    expect(guidFromBytes(fromHex("2903020000000000c000000000000046"))).toBe(PropertySet.PS_PUBLIC_STRINGS);
  });
  it("round-trip", () => {
    fc.assert(
      fc.property(fc.uuid(), (g) => {
        expect(guidFromBytes(guidToBytes(g))).toBe(g);
      }),
      { numRuns: 50 },
    );
  });
});

describe("property values", () => {
  it("encode the fixed examples exactly", () => {
    expect(toHex(encode((w) => writePropertyValue(w, PropertyType.PtypString, "Hi")))).toBe("480069000000");
    expect(toHex(encode((w) => writePropertyValue(w, PropertyType.PtypBinary, fromHex("0102"))))).toBe(
      "02000102",
    );
    expect(
      toHex(encode((w) => writePropertyValue(w, PropertyType.PtypBinary, fromHex("0102"), EXTENDED_CONTEXT))),
    ).toBe("020000000102");
    // Multi-valued counts are 32 bits even in ROP buffers (MS-OXCDATA 2.11.1).
    expect(toHex(encode((w) => writePropertyValue(w, PropertyType.PtypMultipleInteger16, [1, -1])))).toBe(
      "020000000100ffff",
    );
    expect(toHex(encode((w) => writePropertyValue(w, PropertyType.PtypBoolean, true)))).toBe("01");
  });
  it("round-trip every type (plain, typed, tagged) in both count widths", () => {
    for (const type of valueTypes) {
      fc.assert(
        fc.property(arbitraryValueOf(type), fc.boolean(), (value, wide) => {
          const context = { wideCounts: wide };
          const bytes = encode((w) => writePropertyValue(w, type, value, context));
          expect(decodeAll(bytes, (r) => readPropertyValue(r, type, context))).toEqual(value);
        }),
        { numRuns: 15 },
      );
    }
    fc.assert(
      fc.property(typedValue, taggedValue, (typed, tagged) => {
        expect(
          decodeAll(
            encode((w) => writeTypedPropertyValue(w, typed)),
            (r) => readTypedPropertyValue(r),
          ),
        ).toEqual(typed);
        expect(
          decodeAll(
            encode((w) => writeTaggedPropertyValue(w, tagged)),
            (r) => readTaggedPropertyValue(r),
          ),
        ).toEqual(tagged);
      }),
      { numRuns: 100 },
    );
  });
  it("keeps lone surrogates and Latin-1 text intact", () => {
    fc.assert(
      fc.property(string16, (text) => {
        const bytes = encode((w) => writePropertyValue(w, PropertyType.PtypString, text));
        expect(decodeAll(bytes, (r) => readPropertyValue(r, PropertyType.PtypString))).toBe(text);
      }),
      { numRuns: 50 },
    );
  });
  it("rejects JavaScript values of the wrong form", () => {
    expect(() => encode((w) => writePropertyValue(w, PropertyType.PtypInteger32, "1"))).toThrow(/cannot be/);
    expect(() => encode((w) => writePropertyValue(w, PropertyType.PtypInteger16, 70000))).toThrow(
      /out of range/,
    );
    expect(() => encode((w) => writePropertyValue(w, PropertyType.PtypString8, "\u0100"))).toThrow(/8-bit/);
    expect(() => encode((w) => writePropertyValue(w, PropertyType.PtypObject, null))).toThrow(MailwireError);
  });
  it("never allocates by an unchecked multi-value count", () => {
    // Count 0xFFFFFFFF with 4 bytes behind it: refused before any array is built.
    expect(() =>
      readPropertyValue(new ByteReader(fromHex("ffffffff00000000")), PropertyType.PtypMultipleBinary),
    ).toThrow(/cannot fit/);
    expect(() => readPropertyValue(new ByteReader(fromHex("ffff0000")), PropertyType.PtypBinary)).toThrow(
      /Truncated/,
    );
  });
  it("random and truncated bytes raise only MailwireError", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...valueTypes, PropertyType.PtypRestriction, 0x000d, 0x1001, 0x7777),
        fc.uint8Array({ maxLength: 40 }),
        fc.boolean(),
        (type, bytes, wide) => {
          onlyMailwireErrors(() => readPropertyValue(new ByteReader(bytes), type, { wideCounts: wide }));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("property rows", () => {
  it("round-trip standard and flagged rows, with PtypUnspecified columns", () => {
    fc.assert(
      fc.property(columnsAndRow, ({ columns, row }) => {
        const bytes = encode((w) => writePropertyRow(w, columns, row));
        expect(decodeAll(bytes, (r) => readPropertyRow(r, columns))).toEqual(row);
      }),
      { numRuns: 150 },
    );
  });
  it("decodes a flagged row with a missing and an error cell", () => {
    const columns = [PropertyTags.PidTagSubject, PropertyTags.PidTagMessageFlags, PropertyTags.PidTagBody];
    // Flag 01; subject present "A"; flags NotFound; body error 0x8004010F (MAPI_E_NOT_FOUND).
    const row = decodeAll(fromHex("01" + "0041000000" + "01" + "0a0f010480"), (r) =>
      readPropertyRow(r, columns),
    );
    expect(row).toEqual({
      flagged: true,
      cells: [
        { kind: "value", type: 0x1f, value: "A" },
        { kind: "notFound", type: 0x03 },
        { kind: "error", type: 0x1f, errorCode: 0x8004010f },
      ],
    });
  });
  it("MV_INSTANCE columns hold single values", () => {
    const column = propertyTag(0x8001, PropertyType.PtypMultipleString | 0x2000);
    const bytes = encode((w) =>
      writePropertyRow(w, [column], {
        flagged: false,
        cells: [{ kind: "value", type: column & 0xffff, value: "x" }],
      }),
    );
    expect(toHex(bytes)).toBe("0078000000");
  });
  it("random bytes under random columns raise only MailwireError", () => {
    fc.assert(
      fc.property(columnsAndRow, fc.uint8Array({ maxLength: 60 }), ({ columns }, bytes) => {
        onlyMailwireErrors(() => readPropertyRow(new ByteReader(bytes), columns));
      }),
      { numRuns: 300 },
    );
  });
});

describe("restrictions and sort orders", () => {
  it("round-trip in ROP and extended contexts", () => {
    fc.assert(
      fc.property(restriction, fc.boolean(), (value, wide) => {
        const context = { wideCounts: wide };
        const bytes = encode((w) => writeRestriction(w, value, context));
        expect(decodeAll(bytes, (r) => readRestriction(r, context))).toEqual(value);
      }),
      { numRuns: 150 },
    );
  });
  it("encode a content restriction as the spec lays it out", () => {
    const bytes = encode((w) =>
      writeRestriction(w, {
        kind: "content",
        fuzzyLevelLow: 1,
        fuzzyLevelHigh: 1,
        propertyTag: PropertyTags.PidTagSubject,
        value: { tag: PropertyTags.PidTagSubject, value: "a" },
      }),
    );
    expect(toHex(bytes)).toBe("03" + "0100" + "0100" + "1f003700" + "1f003700" + "61000000");
  });
  it("stop at the nesting limit instead of recursing without bound", () => {
    const deep = new Uint8Array(10_000).fill(0x02); // Not(Not(Not(...)))
    expect(() => readRestriction(new ByteReader(deep))).toThrow(LimitExceededError);
    const andBomb = fromHex("00ffff"); // And with 65535 children and no bytes for them
    expect(() => readRestriction(new ByteReader(andBomb))).toThrow(/cannot fit/);
  });
  it("random and mutated bytes raise only MailwireError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) =>
        onlyMailwireErrors(() => readRestriction(new ByteReader(bytes))),
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(restriction, fc.nat(), fc.integer({ min: 0, max: 255 }), (value, at, b) => {
        const bytes = encode((w) => writeRestriction(w, value));
        bytes[at % bytes.length] = b;
        onlyMailwireErrors(() => readRestriction(new ByteReader(bytes)));
        onlyMailwireErrors(() => readRestriction(new ByteReader(bytes.subarray(0, at % bytes.length))));
      }),
      { numRuns: 200 },
    );
  });
  it("sort order sets round-trip and check their counts", () => {
    const set = {
      sortOrders: [
        { propertyTag: PropertyTags.PidTagMessageDeliveryTime, order: 1 },
        { propertyTag: PropertyTags.PidTagSubject, order: 0 },
      ],
      categorizedCount: 1,
      expandedCount: 0,
    };
    const bytes = encode((w) => writeSortOrderSet(w, set));
    expect(toHex(bytes)).toBe("020001000000" + "4000060e01" + "1f00370000");
    expect(decodeAll(bytes, readSortOrderSet)).toEqual(set);
    expect(() => readSortOrderSet(new ByteReader(fromHex("010002000000")))).toThrow(MailwireError);
  });
});

describe("IDs and EntryIDs", () => {
  it("FID/MID split into ReplicaId and a big-endian GlobalCounter", () => {
    const id = fromHex("0100000000000a0b"); // ReplicaId 1, GlobalCounter 0x0a0b
    const value = new ByteReader(id).u64();
    expect(splitId(value)).toEqual({ replicaId: 1, globalCounter: 0x0a0bn });
    expect(makeId({ replicaId: 1, globalCounter: 0x0a0bn })).toBe(value);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        expect(makeId(splitId(v))).toBe(v);
      }),
      { numRuns: 100 },
    );
  });
  it("folder, message and address-book EntryIDs round-trip", () => {
    const counter = fc.bigInt({ min: 0n, max: (1n << 48n) - 1n });
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), counter, counter, (g1, g2, c1, c2) => {
        const folder = {
          flags: 0,
          providerUid: g1,
          folderType: StoreObjectType.eitLTPrivateFolder,
          databaseGuid: g2,
          globalCounter: c1,
        };
        const folderBytes = encodeFolderEntryId(folder);
        expect(folderBytes.length).toBe(46);
        expect(decodeFolderEntryId(folderBytes)).toEqual(folder);
        const message = {
          flags: 0,
          providerUid: g1,
          messageType: StoreObjectType.eitLTPrivateMessage,
          folderDatabaseGuid: g2,
          folderGlobalCounter: c1,
          messageDatabaseGuid: g1,
          messageGlobalCounter: c2,
        };
        const messageBytes = encodeMessageEntryId(message);
        expect(messageBytes.length).toBe(70);
        expect(decodeMessageEntryId(messageBytes)).toEqual(message);
      }),
      { numRuns: 50 },
    );
    const dn = "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=user";
    const ab = decodeAddressBookEntryId(encodeAddressBookEntryId({ type: 0, x500Dn: dn }));
    expect(ab).toEqual({
      flags: 0,
      providerUid: "c840a7dc-42c0-1a10-b4b9-08002b2fe182",
      version: 1,
      type: 0,
      x500Dn: dn,
    });
    expect(toHex(encodeAddressBookEntryId({ type: 0, x500Dn: "/o" })).slice(8, 40)).toBe(
      "dca740c8c042101ab4b908002b2fe182",
    );
    expect(() => decodeFolderEntryId(new Uint8Array(45))).toThrow(MailwireError);
  });
});

describe("named properties", () => {
  it("PropertyName round-trips LID, name and none forms", () => {
    const names = fc.oneof(
      fc.record({
        kind: fc.constant("id" as const),
        guid: fc.uuid(),
        lid: fc.integer({ min: 0, max: 0xffffffff }),
      }),
      fc.record({ kind: fc.constant("name" as const), guid: fc.uuid(), name: string16 }),
      fc.constant({ kind: "none" as const }),
    );
    fc.assert(
      fc.property(names, (name) => {
        expect(
          decodeAll(
            encode((w) => writePropertyName(w, name)),
            readPropertyName,
          ),
        ).toEqual(name);
      }),
      { numRuns: 100 },
    );
  });
  it("encodes a string name with NameSize counting the terminator", () => {
    const bytes = encode((w) =>
      writePropertyName(w, { kind: "name", guid: PropertySet.PS_PUBLIC_STRINGS, name: "K" }),
    );
    expect(toHex(bytes)).toBe("01" + "2903020000000000c000000000000046" + "04" + "4b000000");
  });
  it("random bytes raise only MailwireError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) =>
        onlyMailwireErrors(() => readPropertyName(new ByteReader(bytes))),
      ),
      { numRuns: 300 },
    );
  });
});
