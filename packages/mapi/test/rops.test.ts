import { fromHex, MailwireError, toHex } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  encodeRopRequestBuffer,
  encodeRopResponseBuffer,
  LogonFlags,
  PropertySet,
  PropertyTags,
  type RopRequest,
  type RopResponse,
  RopReturnValue,
  supportedRops,
} from "../src/index.js";
import { columnsAndRow, restriction, taggedValue } from "./arbitraries.js";
import { readVectorJson } from "./vectors.js";

interface Example {
  name: string;
  hex?: string;
  hex_prefix?: string;
}
const examples = new Map(
  readVectorJson<{ examples: Example[] }>("oxcrops/rop-buffer-examples.json").examples.map((e) => [
    e.name,
    e,
  ]),
);
function example(name: string): Uint8Array {
  const e = examples.get(name);
  if (!e) throw new Error(`missing vector ${name}`);
  return fromHex(e.hex ?? e.hex_prefix ?? "");
}

/** Wraps ROP bytes in a buffer: RopSize, the ROPs, no handles. */
function wrap(rops: Uint8Array, handles: number[] = []): Uint8Array {
  const out = new Uint8Array(2 + rops.length + handles.length * 4);
  const view = new DataView(out.buffer);
  view.setUint16(0, 2 + rops.length, true);
  out.set(rops, 2);
  handles.forEach((h, i) => {
    view.setUint32(2 + rops.length + i * 4, h, true);
  });
  return out;
}
const ropsOf = (buffer: Uint8Array): string =>
  toHex(buffer.subarray(2, new DataView(buffer.buffer).getUint16(0, true)));

const setColumns: RopRequest = {
  rop: "RopSetColumns",
  logonId: 0,
  inputHandleIndex: 1,
  setColumnsFlags: 0,
  propertyTags: [
    PropertyTags.PidTagFolderId,
    PropertyTags.PidTagMid,
    PropertyTags.PidTagInstID,
    PropertyTags.PidTagInstanceNum,
    PropertyTags.PidTagSubject,
    PropertyTags.PidTagMessageDeliveryTime,
  ],
};

describe("MS-OXCTABL / MS-OXCFOLD / MS-OXCPRPT byte examples", () => {
  const requests: [string, RopRequest][] = [
    [
      "RopGetContentsTable request",
      { rop: "RopGetContentsTable", logonId: 0, inputHandleIndex: 0, outputHandleIndex: 1, tableFlags: 0 },
    ],
    ["RopSetColumns request (6 columns)", setColumns],
    [
      "RopQueryRows request",
      {
        rop: "RopQueryRows",
        logonId: 0,
        inputHandleIndex: 0,
        queryRowsFlags: 0,
        forwardRead: true,
        rowCount: 50,
      },
    ],
    [
      "RopOpenStream request",
      {
        rop: "RopOpenStream",
        logonId: 1,
        inputHandleIndex: 0,
        outputHandleIndex: 1,
        propertyTag: 0x0e9a0102,
        openModeFlags: 1,
      },
    ],
  ];
  for (const [name, request] of requests) {
    it(`${name} encodes and decodes exactly`, () => {
      const bytes = example(name);
      const encoded = encodeRopRequestBuffer({ rops: [request], handles: [] });
      expect(ropsOf(encoded)).toBe(toHex(bytes));
      expect(decodeRopRequestBuffer(wrap(bytes)).rops).toEqual([request]);
    });
  }

  it("RopSortTable response", () => {
    const request: RopRequest = {
      rop: "RopSortTable",
      logonId: 0,
      inputHandleIndex: 1,
      sortTableFlags: 0,
      sortOrders: [],
      categorizedCount: 0,
      expandedCount: 0,
    };
    const bytes = example("RopSortTable response");
    const { responses } = decodeRopResponseBuffer(wrap(bytes), [request]);
    expect(responses).toEqual([{ rop: "RopSortTable", handleIndex: 1, returnValue: 0, tableStatus: 0 }]);
    expect(ropsOf(encodeRopResponseBuffer({ responses, handles: [] }, [request]))).toBe(toHex(bytes));
  });

  it("RopSetColumns response (MS-OXORULE 4.2.2)", () => {
    const bytes = example("RopSetColumns response");
    const { responses } = decodeRopResponseBuffer(wrap(bytes), [setColumns]);
    expect(responses).toEqual([{ rop: "RopSetColumns", handleIndex: 1, returnValue: 0, tableStatus: 0 }]);
    expect(ropsOf(encodeRopResponseBuffer({ responses, handles: [] }, [setColumns]))).toBe(toHex(bytes));
  });

  it("RopGetHierarchyTable response", () => {
    const request: RopRequest = {
      rop: "RopGetHierarchyTable",
      logonId: 0,
      inputHandleIndex: 0,
      outputHandleIndex: 2,
      tableFlags: 0,
    };
    const bytes = example("RopGetHierarchyTable response");
    const { responses } = decodeRopResponseBuffer(wrap(bytes), [request]);
    expect(responses).toEqual([
      { rop: "RopGetHierarchyTable", handleIndex: 2, returnValue: 0, rowCount: 21 },
    ]);
    expect(ropsOf(encodeRopResponseBuffer({ responses, handles: [] }, [request]))).toBe(toHex(bytes));
  });

  it("RopGetPropertyIdsFromNames response", () => {
    const request: RopRequest = {
      rop: "RopGetPropertyIdsFromNames",
      logonId: 0,
      inputHandleIndex: 0,
      flags: 2,
      propertyNames: [
        { kind: "name", guid: PropertySet.PS_PUBLIC_STRINGS, name: "a" },
        { kind: "id", guid: PropertySet.PSETID_Common, lid: 0x8501 },
      ],
    };
    const bytes = example("RopGetPropertyIdsFromNames response");
    const { responses } = decodeRopResponseBuffer(wrap(bytes), [request]);
    expect(responses).toEqual([
      { rop: "RopGetPropertyIdsFromNames", handleIndex: 0, returnValue: 0, propertyIds: [0x863e, 0x863f] },
    ]);
    expect(ropsOf(encodeRopResponseBuffer({ responses, handles: [] }, [request]))).toBe(toHex(bytes));
  });

  it("partial RopQueryRows response (MS-OXCTABL 4.5.3.2): header and the first cells as far as quoted", () => {
    const bytes = example("RopQueryRows response (PARTIAL - the spec itself elides the rest with '...')");
    const request: RopRequest = {
      rop: "RopQueryRows",
      logonId: 0,
      inputHandleIndex: 0,
      queryRowsFlags: 0,
      forwardRead: true,
      rowCount: 50,
      columns: setColumns.propertyTags,
    };
    // The spec elides the rest, so the whole buffer cannot decode; it must fail cleanly.
    expect(() => decodeRopResponseBuffer(wrap(bytes), [request])).toThrow(MailwireError);
    expect(toHex(bytes.subarray(0, 9))).toBe("150000000000020900"); // RopId, handle 0, success, BOOKMARK_END, 9 rows
    const [first] = decodeRopResponseBuffer(
      wrap(bytes.subarray(0, 9 + 1 + 9 + 5 + 9).map((b, i) => (i === 7 ? 1 : b))),
      [{ ...request, columns: setColumns.propertyTags.slice(0, 3) }],
    ).responses;
    expect(first).toEqual({
      rop: "RopQueryRows",
      handleIndex: 0,
      returnValue: 0,
      origin: 2,
      rows: [
        {
          flagged: true,
          cells: [
            { kind: "value", type: 0x14, value: 0x321ff10000000001n },
            { kind: "error", type: 0x14, errorCode: 0x8004010f },
            { kind: "value", type: 0x14, value: 0xbd88f10000000001n },
          ],
        },
      ],
    });
  });

  it("full RopQueryRows response (MS-OXORULE 4.2.2): header decodes; the row needs the unretrieved 4.2.1 columns", () => {
    const bytes = example("RopQueryRows response (one rules-table row, complete)");
    expect(toHex(bytes.subarray(0, 9))).toBe("150100000000020100");
    expect(bytes.length).toBe(0x38);
  });
});

describe("RopLogon", () => {
  const logon: RopRequest = {
    rop: "RopLogon",
    logonId: 0,
    outputHandleIndex: 0,
    logonFlags: LogonFlags.Private,
    openFlags: 0x01000c04,
    storeState: 0,
    essdn: "/o=First Organization/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=user",
  };
  it("request follows MS-OXCROPS 2.2.3.1.1 (EssdnSize counts the null)", () => {
    const bytes = encodeRopRequestBuffer({ rops: [logon], handles: [0xffffffff] });
    const essdnSize = (logon.rop === "RopLogon" ? logon.essdn.length : 0) + 1;
    expect(toHex(bytes.subarray(0, 16))).toBe(
      `${(2 + 14 + essdnSize).toString(16)}00fe000001040c000100000000${essdnSize.toString(16)}00`,
    );
    expect(decodeRopRequestBuffer(bytes)).toEqual({ rops: [logon], handles: [0xffffffff] });
  });
  it("private success and the 0x478 redirect round-trip", () => {
    const success: RopResponse = {
      rop: "RopLogon",
      handleIndex: 0,
      returnValue: 0,
      privateMailbox: {
        logonFlags: 1,
        folderIds: Array.from({ length: 13 }, (_, i) => (BigInt(i + 1) << 56n) | 1n),
        responseFlags: 0x07,
        mailboxGuid: "11111111-2222-3333-4444-555555555555",
        replId: 1,
        replGuid: "66666666-7777-8888-9999-aaaaaaaaaaaa",
        logonTime: { seconds: 1, minutes: 2, hour: 3, dayOfWeek: 4, day: 5, month: 6, year: 2025 },
        gwartTime: 0x01d0000000000000n,
        storeState: 0,
      },
    };
    const bytes = encodeRopResponseBuffer({ responses: [success], handles: [0x1234] }, [logon]);
    expect(bytes.length).toBe(2 + 6 + 1 + 104 + 1 + 16 + 2 + 16 + 8 + 8 + 4 + 4);
    expect(decodeRopResponseBuffer(bytes, [logon]).responses).toEqual([success]);

    const redirect: RopResponse = {
      rop: "RopLogon",
      handleIndex: 0,
      returnValue: RopReturnValue.WrongServer,
      redirect: { logonFlags: 1, serverName: "mbx2.contoso.com" },
    };
    const wire = encodeRopResponseBuffer({ responses: [redirect], handles: [] }, [logon]);
    expect(toHex(wire.subarray(2, 10))).toBe("fe0078040000" + "01" + "11");
    expect(decodeRopResponseBuffer(wire, [logon]).responses).toEqual([redirect]);
  });
});

describe("response buffers", () => {
  it("use RopSetColumns from the same batch for RopQueryRows, skip RopRelease, and pass Notify/Pending/Backoff/BufferTooSmall", () => {
    const requests: RopRequest[] = [
      { rop: "RopRelease", logonId: 0, inputHandleIndex: 3 },
      { ...setColumns, propertyTags: [PropertyTags.PidTagSubject, PropertyTags.PidTagMessageFlags] },
      {
        rop: "RopQueryRows",
        logonId: 0,
        inputHandleIndex: 1,
        queryRowsFlags: 0,
        forwardRead: true,
        rowCount: 10,
      },
    ];
    const responses: RopResponse[] = [
      { rop: "RopSetColumns", handleIndex: 1, returnValue: 0, tableStatus: 0 },
      {
        rop: "RopNotify",
        notificationHandle: 7,
        logonId: 0,
        notificationData: {
          notificationFlags: 0x8002,
          folderId: 1n,
          messageId: 2n,
          messageFlags: 0,
          unicodeFlag: true,
          messageClass: "IPM.Note",
        },
      },
      {
        rop: "RopQueryRows",
        handleIndex: 1,
        returnValue: 0,
        origin: 2,
        rows: [
          {
            flagged: false,
            cells: [
              { kind: "value", type: 0x1f, value: "Hello" },
              { kind: "value", type: 3, value: 1 },
            ],
          },
        ],
      },
      { rop: "RopPending", sessionIndex: 3 },
      {
        rop: "RopBackoff",
        logonId: 0,
        duration: 500,
        backoffRops: [{ ropIdBackoff: 0x15, duration: 250 }],
        additionalData: new Uint8Array(0),
      },
      { rop: "RopBufferTooSmall", sizeNeeded: 0x8000, requestBuffers: fromHex("15000000010a00") },
    ];
    const bytes = encodeRopResponseBuffer({ responses, handles: [1, 2] }, requests);
    expect(decodeRopResponseBuffer(bytes, requests)).toEqual({ responses, handles: [1, 2] });
  });
  it("fail clearly when a response does not match its request or columns are unknown", () => {
    const query: RopRequest = {
      rop: "RopQueryRows",
      logonId: 0,
      inputHandleIndex: 0,
      queryRowsFlags: 0,
      forwardRead: true,
      rowCount: 1,
    };
    const ok = wrap(fromHex("15000000000002010000"));
    expect(() => decodeRopResponseBuffer(ok, [query])).toThrow(/columns are unknown/);
    expect(decodeRopResponseBuffer(ok, [query], { tableColumns: () => [] }).responses).toHaveLength(1);
    expect(() => decodeRopResponseBuffer(wrap(fromHex("1200000000000000")), [query])).toThrow(/expected/);
    expect(() => decodeRopResponseBuffer(fromHex("0300aabbcc"), [query])).toThrow(/multiple of 4/);
  });
});

const id = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Requests with generated fields, one arbitrary per ROP family. */
const request: fc.Arbitrary<RopRequest> = fc.oneof(
  fc.record({
    rop: fc.constant("RopOpenFolder" as const),
    logonId: u8,
    inputHandleIndex: u8,
    outputHandleIndex: u8,
    folderId: id,
    openModeFlags: u8,
  }),
  fc.record({
    rop: fc.constant("RopDeleteMessages" as const),
    logonId: u8,
    inputHandleIndex: u8,
    wantAsynchronous: fc.boolean(),
    notifyNonRead: fc.boolean(),
    messageIds: fc.array(id, { maxLength: 5 }),
  }),
  fc.record({
    rop: fc.constant("RopMoveCopyMessages" as const),
    logonId: u8,
    sourceHandleIndex: u8,
    destHandleIndex: u8,
    messageIds: fc.array(id, { maxLength: 5 }),
    wantAsynchronous: fc.boolean(),
    wantCopy: fc.boolean(),
  }),
  fc.record({
    rop: fc.constant("RopRestrict" as const),
    logonId: u8,
    inputHandleIndex: u8,
    restrictFlags: u8,
    restriction: fc.option(restriction, { nil: null }),
  }),
  fc.record({
    rop: fc.constant("RopFindRow" as const),
    logonId: u8,
    inputHandleIndex: u8,
    findRowFlags: u8,
    restriction: fc.option(restriction, { nil: null }),
    origin: u8,
    bookmark: fc.uint8Array({ maxLength: 8 }),
  }),
  fc.record({
    rop: fc.constant("RopSeekRow" as const),
    logonId: u8,
    inputHandleIndex: u8,
    origin: u8,
    rowCount: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    wantRowMovedCount: fc.boolean(),
  }),
  fc.record({
    rop: fc.constant("RopSetProperties" as const),
    logonId: u8,
    inputHandleIndex: u8,
    propertyValues: fc.array(taggedValue, { maxLength: 4 }),
  }),
  fc.record({
    rop: fc.constant("RopGetPropertiesSpecific" as const),
    logonId: u8,
    inputHandleIndex: u8,
    propertySizeLimit: u16,
    wantUnicode: u16,
    propertyTags: fc.array(u32, { maxLength: 5 }),
  }),
  fc.record({
    rop: fc.constant("RopOpenMessage" as const),
    logonId: u8,
    inputHandleIndex: u8,
    outputHandleIndex: u8,
    codePageId: u16,
    folderId: id,
    openModeFlags: u8,
    messageId: id,
  }),
  fc.record({
    rop: fc.constant("RopCreateFolder" as const),
    logonId: u8,
    inputHandleIndex: u8,
    outputHandleIndex: u8,
    folderType: u8,
    useUnicodeStrings: fc.constant(true),
    openExisting: fc.boolean(),
    reserved: u8,
    displayName: fc.string({ maxLength: 8 }).filter((s) => !s.includes("\0")),
    comment: fc.constant(""),
  }),
  fc.record({
    rop: fc.constant("RopReadStream" as const),
    logonId: u8,
    inputHandleIndex: u8,
    byteCount: fc.constant(0xbabe),
    maximumByteCount: u32,
  }),
  fc.record({
    rop: fc.constant("RopWriteStream" as const),
    logonId: u8,
    inputHandleIndex: u8,
    data: fc.uint8Array({ maxLength: 16 }),
  }),
  fc.record({
    rop: fc.constant("RopGetPropertyIdsFromNames" as const),
    logonId: u8,
    inputHandleIndex: u8,
    flags: u8,
    propertyNames: fc.array(fc.record({ kind: fc.constant("id" as const), guid: fc.uuid(), lid: u32 }), {
      maxLength: 3,
    }),
  }),
  fc.record({
    rop: fc.constant("RopRegisterNotification" as const),
    logonId: u8,
    inputHandleIndex: u8,
    outputHandleIndex: u8,
    notificationTypes: u8,
    reserved: fc.constant(0),
    target: fc.option(fc.record({ folderId: id, messageId: id }), { nil: null }),
  }),
  fc.record({
    rop: fc.constant("RopSetReadFlags" as const),
    logonId: u8,
    inputHandleIndex: u8,
    wantAsynchronous: fc.boolean(),
    readFlags: u8,
    messageIds: fc.array(id, { maxLength: 4 }),
  }),
  fc.record({
    rop: fc.constant("RopGetReceiveFolder" as const),
    logonId: u8,
    inputHandleIndex: u8,
    messageClass: fc.constantFrom("", "IPM", "IPM.Note"),
  }),
  fc.record({
    rop: fc.constant("RopModifyRecipients" as const),
    logonId: u8,
    inputHandleIndex: u8,
    recipientColumns: fc.constant([PropertyTags.PidTagDisplayName, PropertyTags.PidTagRecipientType]),
    recipientRows: fc.array(
      fc.record({
        rowId: u32,
        recipientType: u8,
        recipientRow: fc.option(
          fc.record({
            recipientFlags: fc.constant(0x021b), // SMTP, E, D, U
            emailAddress: fc.constantFrom("a@example.com", "b@contoso.com"),
            displayName: fc.constantFrom("A", "Bé"),
            recipientColumnCount: fc.constant(2),
            recipientProperties: fc.constant({
              flagged: false,
              cells: [
                { kind: "value" as const, type: 0x1f, value: "A" },
                { kind: "value" as const, type: 3, value: 1 },
              ],
            }),
          }),
          { nil: null },
        ),
      }),
      { maxLength: 3 },
    ),
  }),
);

describe("property tests over the ROP codec", () => {
  it("covers the issue's ROP list", () => {
    expect(supportedRops.length).toBe(44);
  });
  it("request buffers round-trip", () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 5 }), fc.array(u32, { maxLength: 4 }), (rops, handles) => {
        const bytes = encodeRopRequestBuffer({ rops, handles });
        expect(decodeRopRequestBuffer(bytes)).toEqual({ rops, handles });
      }),
      { numRuns: 150 },
    );
  });
  it("QueryRows responses round-trip for generated columns and rows", () => {
    fc.assert(
      fc.property(columnsAndRow, (first) => {
        const requests: RopRequest[] = [
          {
            rop: "RopQueryRows",
            logonId: 0,
            inputHandleIndex: 1,
            queryRowsFlags: 0,
            forwardRead: true,
            rowCount: 5,
            columns: first.columns,
          },
        ];
        const responses: RopResponse[] = [
          { rop: "RopQueryRows", handleIndex: 1, returnValue: 0, origin: 1, rows: [first.row, first.row] },
        ];
        const bytes = encodeRopResponseBuffer({ responses, handles: [] }, requests);
        expect(decodeRopResponseBuffer(bytes, requests).responses).toEqual(responses);
      }),
      { numRuns: 100 },
    );
  });
  it("random, truncated and mutated buffers raise only MailwireError", () => {
    const requests: RopRequest[] = [
      setColumns,
      {
        rop: "RopQueryRows",
        logonId: 0,
        inputHandleIndex: 1,
        queryRowsFlags: 0,
        forwardRead: true,
        rowCount: 5,
      },
      {
        rop: "RopOpenMessage",
        logonId: 0,
        inputHandleIndex: 0,
        outputHandleIndex: 1,
        codePageId: 0xfff,
        folderId: 1n,
        openModeFlags: 0,
        messageId: 2n,
      },
    ];
    const check = (bytes: Uint8Array): void => {
      for (const run of [
        () => decodeRopRequestBuffer(bytes),
        () => decodeRopResponseBuffer(bytes, requests),
      ]) {
        try {
          run();
        } catch (error) {
          if (!(error instanceof MailwireError)) throw error;
        }
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), check), { numRuns: 400 });
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 3 }), fc.nat(), u8, (rops, at, value) => {
        const bytes = encodeRopRequestBuffer({ rops, handles: [] });
        const mutated = bytes.slice();
        mutated[2 + (at % (bytes.length - 2))] = value;
        check(mutated);
        check(bytes.subarray(0, at % bytes.length));
      }),
      { numRuns: 300 },
    );
  });
});
