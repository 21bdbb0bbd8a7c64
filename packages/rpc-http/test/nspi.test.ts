import { InvalidArgumentError, ProtocolError, toHex } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NdrReader } from "../src/ndr/ndr-reader.js";
import { NdrWriter } from "../src/ndr/ndr-writer.js";
import {
  decodeNspiGetPropsResponse,
  decodeNspiQueryRowsResponse,
  decodeNspiResolveNamesWResponse,
  decodeNspiSeekEntriesResponse,
  encodeNspiDNToMIdRequest,
  encodeNspiSeekEntriesRequest,
} from "../src/nspi/nspi-stubs.js";
import {
  readPropertyRowSet,
  readPropertyTagArray,
  rowMap,
  writePropertyTagArray,
} from "../src/nspi/property-rows.js";
import { type NspiFilter, writeRestriction } from "../src/nspi/restriction.js";
import { initialStat, writeStat } from "../src/nspi/stat.js";

const handle = { attributes: 0, uuid: new Uint8Array(16).fill(7) };

/** `depth` NOTs around an exist restriction. */
function nested(depth: number): NspiFilter {
  let filter: NspiFilter = { exists: 0x3001001f };
  for (let i = 0; i < depth; i++) filter = { not: filter };
  return filter;
}

/** A PropertyRowSet_r with one row, written the way the IDL lays it out (deferred pointees after the values). */
function oneRowSet(writer: NdrWriter): void {
  writer.u32(1).u32(1); // max_count, cRows
  writer.u32(0).u32(5).pointer(true); // ulAdrEntryPad, cValues, lpProps
  writer.u32(5); // max_count of the values
  writer.u32(0x3001001f).u32(0).u32(0x001f).pointer(true); // PidTagDisplayName, PtypString
  writer.u32(0x0fff0102).u32(0).u32(0x0102).u32(3).pointer(true); // PidTagEntryId, PtypBinary
  writer.u32(0x800f101f).u32(0).u32(0x101f).u32(2).pointer(true); // proxy addresses, PtypMultipleString
  writer.u32(0x3a40000b).u32(0).u32(0x000b).u16(1); // a PtypBoolean
  writer.u32(0x3a06000a).u32(0).u32(0x000a).u32(0x8004010f); // PtypErrorCode: NotFound
  writer.utf16String("Megan Bowen");
  writer.u32(3).bytes(Uint8Array.of(1, 2, 3));
  writer.u32(2).pointer(true);
  writer.pointer(true);
  writer.utf16String("SMTP:megan@contoso.com");
  writer.utf16String("X500:/o=Contoso/cn=megan");
}

describe("NSPI NDR (MS-OXNSPI appendix A)", () => {
  it("reads a PropertyRowSet_r with strings, binaries, multi-valued strings, booleans and errors", () => {
    const writer = new NdrWriter();
    oneRowSet(writer);
    const rows = readPropertyRowSet(new NdrReader(writer.finish()));
    expect(rows).toHaveLength(1);
    const row = rowMap(rows[0] ?? []);
    expect(row.get(0x3001001f)).toBe("Megan Bowen");
    expect(toHex(row.get(0x0fff0102) as Uint8Array)).toBe("010203");
    expect(row.get(0x800f101f)).toEqual(["SMTP:megan@contoso.com", "X500:/o=Contoso/cn=megan"]);
    expect(row.get(0x3a40000b)).toBe(true);
    expect(row.get(0x3a06000a)).toEqual({ error: 0x8004010f });
  });

  it("PropertyTagArray_r: size_is(cValues + 1), length_is(cValues)", () => {
    const writer = new NdrWriter();
    writePropertyTagArray(writer, [0x3001001f, 0x39fe001f]);
    const bytes = writer.finish();
    expect(toHex(bytes)).toBe("03000000" + "02000000" + "00000000" + "02000000" + "1f000130" + "1f00fe39");
    expect(readPropertyTagArray(new NdrReader(bytes))).toEqual([0x3001001f, 0x39fe001f]);
  });

  it("NspiDNToMId request: StringsArray_r as a conformant structure of string pointers", () => {
    const bytes = encodeNspiDNToMIdRequest(handle, ["/o=a"]);
    expect(toHex(bytes.subarray(20))).toBe(
      "00000000" + "01000000" + "01000000" + "00000200" + "05000000" + "00000000" + "05000000" + "2f6f3d6100",
    );
  });

  it("Restriction_r for ANR: rt twice (struct and union switch), relop, tag, then the deferred value and string", () => {
    const writer = new NdrWriter();
    writeRestriction(writer, { anr: "Al" });
    expect(toHex(writer.finish())).toBe(
      "04000000" +
        "04000000" +
        "04000000" +
        "1f000c36" +
        "00000200" + // RES_PROPERTY, RELOP_EQ, PidTagAnr, lpProp
        "1f000c36" +
        "00000000" +
        "1f000000" +
        "04000200" + // PropertyValue_r: tag, reserved, switch, lpszW
        "03000000" +
        "00000000" +
        "03000000" +
        "41006c000000", // "Al"
    );
  });

  it("compound Restriction_r: an AND's children as a conformant array of flat restrictions, then each child's pointees in turn", () => {
    const writer = new NdrWriter();
    writeRestriction(writer, { and: [{ exists: 0x3001001f }, { not: { anr: "A" } }] });
    expect(toHex(writer.finish())).toBe(
      "00000000" +
        "00000000" +
        "02000000" +
        "00000200" + // RES_AND, switch, cRes 2, lpRes
        "02000000" + // the array's conformance
        "08000000" +
        "08000000" +
        "00000000" +
        "1f000130" +
        "00000000" + // [0] RES_EXIST PidTagDisplayName
        "02000000" +
        "02000000" +
        "04000200" + // [1] RES_NOT, lpRes
        "04000000" +
        "04000000" +
        "04000000" +
        "1f000c36" +
        "08000200" + // its pointee: RES_PROPERTY RELOP_EQ PidTagAnr, lpProp
        "1f000c36" +
        "00000000" +
        "1f000000" +
        "0c000200" + // PropertyValue_r, lpszW
        "02000000" +
        "00000000" +
        "02000000" +
        "41000000", // "A"
    );
    expect(() => writeRestriction(new NdrWriter(), nested(17))).toThrow(InvalidArgumentError);
    expect(() => writeRestriction(new NdrWriter(), nested(16))).not.toThrow();
    expect(() =>
      writeRestriction(new NdrWriter(), { or: Array.from({ length: 1001 }, () => ({ exists: 0x3001001f })) }),
    ).toThrow(InvalidArgumentError);
  });

  it("NspiSeekEntries: pTarget inline ([ref]) with its string behind it, then null lpETable and pPropTags; the STAT back", () => {
    const stat = initialStat();
    const stub = encodeNspiSeekEntriesRequest(handle, stat, { tag: 0x3001001f, value: "Al" }, undefined);
    const head = new NdrWriter();
    head.contextHandle(handle).u32(0);
    writeStat(head, stat);
    const prefix = head.finish();
    expect(toHex(stub.subarray(0, prefix.length))).toBe(toHex(prefix));
    expect(toHex(stub.subarray(prefix.length))).toBe(
      "1f000130" +
        "00000000" +
        "1f000000" +
        "00000200" + // PropertyValue_r: PidTagDisplayName, reserved, switch, lpszW
        "03000000" +
        "00000000" +
        "03000000" +
        "41006c000000" + // "Al"
        "0000" + // alignment
        "00000000" + // lpETable
        "00000000", // pPropTags
    );
    expect(() =>
      encodeNspiSeekEntriesRequest(handle, stat, { tag: 0x39000003, value: "x" }, undefined),
    ).toThrow(InvalidArgumentError);
    const response = new NdrWriter();
    writeStat(response, { ...stat, currentRec: 0x1234, numPos: 5, totalRecs: 9 });
    response.u32(0).u32(0x8004010f);
    expect(decodeNspiSeekEntriesResponse(response.finish())).toMatchObject({
      stat: { currentRec: 0x1234, numPos: 5, totalRecs: 9 },
      rows: [],
      returnValue: 0x8004010f,
    });
  });

  it("NspiQueryRows and NspiResolveNamesW responses", () => {
    const query = new NdrWriter();
    writeStat(query, initialStat({ currentRec: 2, numPos: 1, totalRecs: 1 }));
    query.pointer(true);
    oneRowSet(query);
    query.u32(0);
    const decoded = decodeNspiQueryRowsResponse(query.finish());
    expect(decoded.stat.currentRec).toBe(2);
    expect(decoded.rows).toHaveLength(1);
    const resolve = new NdrWriter();
    resolve.pointer(true);
    writePropertyTagArray(resolve, [0, 1, 0x1234]);
    resolve.pointer(false);
    resolve.u32(0);
    expect(decodeNspiResolveNamesWResponse(resolve.finish())).toEqual({
      mids: [0, 1, 0x1234],
      rows: [],
      returnValue: 0,
    });
  });

  it("property: response decoders only throw typed errors on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (stub) => {
        for (const decode of [
          decodeNspiQueryRowsResponse,
          decodeNspiGetPropsResponse,
          decodeNspiResolveNamesWResponse,
        ]) {
          try {
            decode(stub);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("property: mutated row sets decode or fail with a typed error", () => {
    const writer = new NdrWriter();
    oneRowSet(writer);
    const base = writer.finish();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(255)), { maxLength: 4 }), (edits) => {
        const copy = base.slice();
        for (const [at, value] of edits) copy[at] = value;
        try {
          readPropertyRowSet(new NdrReader(copy));
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
