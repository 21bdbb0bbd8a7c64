import { ErrorCode, LimitExceededError, ParseError, ProtocolError, toHex } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AuthLevel, AuthType, NDR_TRANSFER_SYNTAX, PacketType, PfcFlag } from "../src/dcerpc/constants.js";
import { RpcBindError, RpcFaultError } from "../src/dcerpc/errors.js";
import { FaultStatus, faultStatusName } from "../src/dcerpc/fault-status.js";
import { decodeCommonHeader, decodePdu } from "../src/dcerpc/pdu-decode.js";
import { encodePdu } from "../src/dcerpc/pdu-encode.js";
import type { Pdu } from "../src/dcerpc/pdu-types.js";
import { fragmentStubSize, StubAssembler } from "../src/dcerpc/stub-assembler.js";
import { uuidFromBytes, uuidToBytes } from "../src/dcerpc/uuid.js";
import { PduFramer } from "../src/rts/pdu-framer.js";

const EMSMDB = { uuid: "a4f1db00-ca47-1067-b31f-00dd010662da", major: 0, minor: 81 };

const bind: Pdu = {
  type: PacketType.bind,
  flags: PfcFlag.FIRST_FRAG | PfcFlag.LAST_FRAG,
  callId: 1,
  maxXmitFrag: 5840,
  maxRecvFrag: 5840,
  assocGroupId: 0,
  contexts: [{ contextId: 0, abstractSyntax: EMSMDB, transferSyntaxes: [NDR_TRANSFER_SYNTAX] }],
};

describe("DCE/RPC PDU codec (C706 12.6)", () => {
  it("encodes a bind byte for byte as C706 12.6.4.3 lays it out", () => {
    const bytes = encodePdu(bind);
    // Header: 5.0, bind (11), first|last, little-endian drep, frag_length 72, auth_length 0, call_id 1.
    expect(toHex(bytes.subarray(0, 16))).toBe("05000b031000000048000000" + "01000000");
    // max_xmit 5840, max_recv 5840, assoc group 0, 1 context, context 0 with 1 transfer syntax.
    expect(toHex(bytes.subarray(16, 32))).toBe("d016d016000000000100000000000100");
    // The EMSMDB interface UUID with its first three fields little-endian, then version 0.81.
    expect(toHex(bytes.subarray(32, 52))).toBe("00dbf1a447ca6710b31f00dd010662da00005100");
    // NDR 2.0.
    expect(toHex(bytes.subarray(52, 72))).toBe("045d888aeb1cc9119fe808002b10486002000000");
    expect(decodePdu(bytes)).toEqual({ ...bind, auth: undefined });
  });

  it("round-trips each PDU type with and without an auth verifier", () => {
    const auth = {
      authType: AuthType.winnt,
      authLevel: AuthLevel.privacy,
      authPadLength: 0,
      authContextId: 7,
      authValue: Uint8Array.from([1, 2, 3, 4, 5]),
    };
    const pdus: Pdu[] = [
      { ...bind, auth },
      { ...bind, type: PacketType.alter_context },
      {
        type: PacketType.bind_ack,
        flags: 3,
        callId: 1,
        maxXmitFrag: 5840,
        maxRecvFrag: 5840,
        assocGroupId: 0x1234,
        secondaryAddress: "6001",
        results: [{ result: 0, reason: 0, transferSyntax: NDR_TRANSFER_SYNTAX }],
        auth,
      },
      {
        type: PacketType.alter_context_resp,
        flags: 3,
        callId: 2,
        maxXmitFrag: 5840,
        maxRecvFrag: 5840,
        assocGroupId: 0x1234,
        secondaryAddress: "",
        results: [
          {
            result: 2,
            reason: 1,
            transferSyntax: { uuid: "00000000-0000-0000-0000-000000000000", major: 0, minor: 0 },
          },
        ],
      },
      { type: PacketType.bind_nak, flags: 3, callId: 1, reason: 9, versions: [[5, 0]] },
      {
        type: PacketType.request,
        flags: 3,
        callId: 9,
        allocHint: 8,
        contextId: 0,
        opnum: 11,
        stub: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      },
      {
        type: PacketType.request,
        flags: 3 | PfcFlag.OBJECT_UUID,
        callId: 9,
        allocHint: 0,
        contextId: 1,
        opnum: 3,
        object: EMSMDB.uuid,
        stub: new Uint8Array(16),
        auth: { ...auth, authPadLength: 4 },
      },
      {
        type: PacketType.response,
        flags: 1,
        callId: 9,
        allocHint: 100,
        contextId: 0,
        cancelCount: 0,
        stub: new Uint8Array(12),
      },
      {
        type: PacketType.fault,
        flags: 3 | PfcFlag.DID_NOT_EXECUTE,
        callId: 9,
        allocHint: 0,
        contextId: 0,
        cancelCount: 0,
        status: FaultStatus.nca_s_op_rng_error,
        stub: new Uint8Array(0),
      },
      { type: PacketType.auth3, flags: 3, callId: 1, auth },
      { type: PacketType.shutdown, flags: 3, callId: 0 },
    ];
    for (const pdu of pdus) {
      const decoded = decodePdu(encodePdu(pdu));
      expect(decoded).toEqual(pdu);
    }
  });

  it("puts the sec_trailer of a bind on a 4-byte boundary and counts the pad", () => {
    const auth = {
      authType: 10,
      authLevel: 6,
      authPadLength: 0,
      authContextId: 0,
      authValue: new Uint8Array(40),
    };
    const ack: Pdu = {
      type: PacketType.bind_ack,
      flags: 3,
      callId: 1,
      maxXmitFrag: 5840,
      maxRecvFrag: 5840,
      assocGroupId: 1,
      secondaryAddress: "135",
      results: [{ result: 0, reason: 0, transferSyntax: NDR_TRANSFER_SYNTAX }],
      auth,
    };
    const bytes = encodePdu(ack);
    const trailer = bytes.length - 40 - 8;
    expect(trailer % 4).toBe(0);
    const decoded = decodePdu(bytes);
    expect(decoded.type === PacketType.bind_ack && decoded.secondaryAddress).toBe("135");
  });

  it("UUIDs: wire order and back", () => {
    expect(toHex(uuidToBytes(EMSMDB.uuid))).toBe("00dbf1a447ca6710b31f00dd010662da");
    expect(uuidFromBytes(uuidToBytes(EMSMDB.uuid))).toBe(EMSMDB.uuid);
  });

  it("rejects a bad version, big-endian drep, a frag_length below 16 or above the limit", () => {
    const good = encodePdu(bind);
    const bad = (patch: (b: Uint8Array) => void) => {
      const copy = good.slice();
      patch(copy);
      return () => decodePdu(copy);
    };
    expect(bad((b) => (b[0] = 4))).toThrow(ParseError);
    expect(bad((b) => (b[4] = 0x00))).toThrow(ParseError);
    expect(bad((b) => (b[8] = 10))).toThrow(ParseError);
    expect(() => decodeCommonHeader(good, 64)).toThrow(LimitExceededError);
    expect(bad((b) => (b[10] = 0xff))).toThrow(ProtocolError);
    expect(bad((b) => (b[2] = 99))).toThrow(ParseError);
  });

  it("fault statuses have names; the typed errors carry them", () => {
    expect(faultStatusName(0x1c010002)).toBe("nca_s_op_rng_error");
    expect(faultStatusName(0x12345678)).toBe("0x12345678");
    const fault = new RpcFaultError(FaultStatus.nca_s_fault_context_mismatch, { operation: "EcDoRpcExt2" });
    expect(fault).toBeInstanceOf(ProtocolError);
    expect(fault.statusName).toBe("nca_s_fault_context_mismatch");
    expect(fault.message).toContain("EcDoRpcExt2");
    const nak = new RpcBindError("bind refused", 9);
    expect(nak.reasonName).toBe("invalid_checksum");
  });
});

describe("PduFramer (the one framer, shared with the RPC over HTTP carrier) on connection-oriented PDUs", () => {
  const pdus = [
    encodePdu(bind),
    encodePdu({
      type: 0,
      flags: 3,
      callId: 2,
      allocHint: 0,
      contextId: 0,
      opnum: 1,
      stub: new Uint8Array(33).fill(7),
    }),
    encodePdu({ type: 17, flags: 3, callId: 0 }),
  ];
  const stream = Uint8Array.from(pdus.flatMap((p) => [...p]));

  it("gives the same PDUs when the stream is split at every offset", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const framer = new PduFramer();
      const out = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(out.map(toHex)).toEqual(pdus.map(toHex));
      expect(framer.bufferedBytes).toBe(0);
    }
  });

  it("gives the same PDUs fed one byte at a time", () => {
    const framer = new PduFramer();
    const out: Uint8Array[] = [];
    for (const byte of stream) out.push(...framer.push(Uint8Array.of(byte)));
    expect(out.map(toHex)).toEqual(pdus.map(toHex));
  });

  it("refuses an oversized frag_length as soon as the header is in, before buffering the body", () => {
    const framer = new PduFramer({ maxPduSize: 5840 });
    const header = encodePdu(bind).subarray(0, 16).slice();
    new DataView(header.buffer).setUint16(8, 60000, true);
    expect(() => framer.push(header)).toThrow(expect.objectContaining({ code: ErrorCode.LIMIT_EXCEEDED }));
    expect(framer.bufferedBytes).toBe(0);
  });

  it("property: random chunking of random valid PDUs reproduces them", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (stubs, cuts) => {
          const encoded = stubs.map((stub, i) =>
            encodePdu({
              type: 2,
              flags: 3,
              callId: i,
              allocHint: stub.length,
              contextId: 0,
              cancelCount: 0,
              stub,
            }),
          );
          const all = Uint8Array.from(encoded.flatMap((p) => [...p]));
          const framer = new PduFramer();
          const out: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < all.length; i++) {
            const size = cuts[i % cuts.length] as number;
            out.push(...framer.push(all.subarray(at, at + size)));
            at += size;
          }
          expect(out.map(toHex)).toEqual(encoded.map(toHex));
        },
      ),
    );
  });
});

describe("decodePdu on untrusted bytes", () => {
  it("property: never crashes; only ParseError or LimitExceededError", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 400 }),
        fc.integer({ min: 0, max: 20 }),
        (bytes, type) => {
          const pdu = bytes.slice();
          if (pdu.length >= 16) {
            pdu.set([5, 0, type], 0);
            pdu[4] = 0x10;
            new DataView(pdu.buffer).setUint16(8, pdu.length, true);
          }
          try {
            decodePdu(pdu);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("property: mutated valid PDUs decode or fail with a typed error", () => {
    const base = encodePdu({
      ...bind,
      auth: { authType: 10, authLevel: 6, authPadLength: 0, authContextId: 0, authValue: new Uint8Array(20) },
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(255)), { maxLength: 6 }), (edits) => {
        const copy = base.slice();
        for (const [at, value] of edits) copy[at] = value;
        try {
          decodePdu(copy);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("fragmentation", () => {
  it("fragmentStubSize leaves room for header and verifier, multiple of 16 with auth", () => {
    expect(fragmentStubSize(5840, undefined)).toBe(5816);
    const withAuth = fragmentStubSize(5840, 16);
    expect(withAuth % 16).toBe(0);
    expect(24 + withAuth + 8 + 16).toBeLessThanOrEqual(5840);
    expect(() => fragmentStubSize(40, 16)).toThrow(ProtocolError);
  });

  it("StubAssembler joins first..last and refuses out-of-order or oversized input", () => {
    const assembler = new StubAssembler({ maxStubLength: 10 });
    expect(assembler.add(PfcFlag.FIRST_FRAG, Uint8Array.of(1, 2))).toBeUndefined();
    expect(assembler.add(0, Uint8Array.of(3))).toBeUndefined();
    expect([...(assembler.add(PfcFlag.LAST_FRAG, Uint8Array.of(4)) ?? [])]).toEqual([1, 2, 3, 4]);
    expect(() => assembler.add(0, Uint8Array.of(1))).toThrow(ProtocolError);
    assembler.add(PfcFlag.FIRST_FRAG, new Uint8Array(8));
    expect(() => assembler.add(PfcFlag.FIRST_FRAG, new Uint8Array(1))).toThrow(ProtocolError);
    const small = new StubAssembler({ maxStubLength: 10 });
    small.add(PfcFlag.FIRST_FRAG, new Uint8Array(8));
    expect(() => small.add(PfcFlag.LAST_FRAG, new Uint8Array(8))).toThrow(LimitExceededError);
  });
});
