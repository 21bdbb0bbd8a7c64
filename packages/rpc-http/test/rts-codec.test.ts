import { ErrorCode, MailwireError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commandSize, type RtsCommand } from "../src/rts/rts-command.js";
import { ForwardDestination, RtsCommandType, RtsFlag } from "../src/rts/rts-constants.js";
import { decodeRtsPdu, encodeRtsPdu } from "../src/rts/rts-pdu.js";
import {
  connA1,
  connA3,
  connB1,
  connB2,
  connB3,
  connC,
  echo,
  expectRtsPdu,
  flowControlAck,
  flowControlAckWithDestination,
  inR1A1,
  inR2A4,
  inR2A5,
  matchRtsPdu,
  ping,
  RTS_PDU_SHAPES,
} from "../src/rts/rts-pdus.js";
import { bytesOf, fromHex, rtsByteVectors, rtsStructureFacts } from "./rts-vectors.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("RTS PDUs against /work/shared/vectors/rpch", () => {
  const vectors = rtsByteVectors();
  const facts = rtsStructureFacts();

  it("has the vectors this suite expects", () => {
    expect(vectors.map((vector) => vector.name)).toHaveLength(3);
  });

  for (const vector of vectors) {
    it(`decodes and re-encodes ${vector.name}`, () => {
      const bytes = fromHex(vector.hex);
      const pdu = decodeRtsPdu(bytes);
      expect(hex(encodeRtsPdu(pdu))).toBe(vector.hex);
      const name = vector.name.startsWith("CONN/A1") ? "CONN/A1" : "CONN/B1";
      expect(matchRtsPdu(pdu)).toEqual([name]);
    });
  }

  it("builds the impacket-style CONN/A1 byte for byte", () => {
    const bytes = connA1({
      virtualConnectionCookie: bytesOf(0x00),
      outChannelCookie: bytesOf(0x10),
      receiveWindowSize: 0x40000,
    });
    expect(hex(bytes)).toBe(vectors[1]?.hex);
  });

  it("builds the impacket-style CONN/B1 byte for byte", () => {
    const bytes = connB1({
      virtualConnectionCookie: bytesOf(0x00),
      inChannelCookie: bytesOf(0x20),
      channelLifetime: 0x40000000,
      clientKeepalive: 300_000,
      associationGroupId: bytesOf(0x30),
    });
    expect(hex(bytes)).toBe(vectors[2]?.hex);
  });

  it("uses the facts file's command type values and flags", () => {
    for (const [name, value] of Object.entries(facts.command_types)) {
      expect(RtsCommandType[name as keyof typeof RtsCommandType]).toBe(value);
    }
    for (const [name, value] of Object.entries(facts.rts_flags)) {
      expect(RtsFlag[name.replace("RTS_FLAG_", "") as keyof typeof RtsFlag]).toBe(Number(value));
    }
    expect(facts.rts_header.PTYPE).toBe(20);
  });

  it("gives each command the size the PDU definitions state", () => {
    const samples: Record<string, RtsCommand> = {
      Version: { type: "Version", value: 1 },
      Cookie: { type: "Cookie", cookie: bytesOf(0) },
      ReceiveWindowSize: { type: "ReceiveWindowSize", value: 65536 },
      ChannelLifetime: { type: "ChannelLifetime", value: 1 << 30 },
      ClientKeepalive: { type: "ClientKeepalive", value: 300_000 },
      ConnectionTimeout: { type: "ConnectionTimeout", value: 120_000 },
      AssociationGroupId: { type: "AssociationGroupId", cookie: bytesOf(0) },
    };
    for (const [name, size] of Object.entries(facts.command_sizes_bytes.stated_in_pdu_definitions)) {
      expect(commandSize(samples[name] as RtsCommand), name).toBe(size);
    }
    expect(
      commandSize({
        type: "FlowControlAck",
        bytesReceived: 0,
        availableWindow: 0,
        channelCookie: bytesOf(0),
      }),
    ).toBe(28);
    expect(commandSize({ type: "ANCE" })).toBe(4);
    expect(commandSize({ type: "ClientAddress", address: new Uint8Array(4) })).toBe(24);
    expect(commandSize({ type: "ClientAddress", address: new Uint8Array(16) })).toBe(36);
    expect(commandSize({ type: "Padding", length: 3 })).toBe(11);
  });

  it("lays out CONN/A1…C2 with the facts file's flags and commands", () => {
    for (const [name, fact] of Object.entries(facts.pdus)) {
      const shape = RTS_PDU_SHAPES[name as keyof typeof RTS_PDU_SHAPES];
      expect(shape, name).toBeDefined();
      const flags = fact.Flags.split("|").reduce(
        (sum, flag) => sum | RtsFlag[flag.trim().replace("RTS_FLAG_", "") as keyof typeof RtsFlag],
        0,
      );
      expect(shape.flags, name).toBe(flags);
      expect(shape.commands.length, name).toBe(fact.NumberOfCommands);
      expect(shape.commands, name).toEqual(fact.commands.map((command) => command.replace(/\(.*\)$/, "")));
    }
  });
});

describe("RTS PDU builders", () => {
  const cookie = bytesOf(0x40);
  const cases: [string, Uint8Array][] = [
    ["CONN/A3", connA3({ connectionTimeout: 120_000 })],
    [
      "CONN/B2",
      connB2({
        virtualConnectionCookie: cookie,
        inChannelCookie: cookie,
        receiveWindowSize: 65536,
        connectionTimeout: 120_000,
        associationGroupId: cookie,
        clientAddress: new Uint8Array([127, 0, 0, 1]),
      }),
    ],
    ["CONN/B3", connB3({ receiveWindowSize: 65536 })],
    ["CONN/C2", connC("CONN/C2", { receiveWindowSize: 65536, connectionTimeout: 120_000 })],
    [
      "IN_R1/A1",
      inR1A1({
        virtualConnectionCookie: cookie,
        predecessorChannelCookie: cookie,
        successorChannelCookie: cookie,
      }),
    ],
    ["IN_R2/A4", inR2A4()],
    ["IN_R2/A5", inR2A5({ successorChannelCookie: cookie })],
    ["Ping", ping()],
    ["Echo", echo()],
    ["FlowControlAck", flowControlAck({ bytesReceived: 1, availableWindow: 2, channelCookie: cookie })],
    [
      "FlowControlAckWithDestination",
      flowControlAckWithDestination(ForwardDestination.FDOutProxy, {
        bytesReceived: 1,
        availableWindow: 2,
        channelCookie: cookie,
      }),
    ],
  ];
  for (const [name, bytes] of cases) {
    it(`builds ${name} that decodes as ${name}`, () => {
      const pdu = expectRtsPdu(bytes, name as keyof typeof RTS_PDU_SHAPES);
      expect(matchRtsPdu(pdu)).toContain(name);
      expect(bytes.length).toBe(new DataView(bytes.buffer).getUint16(8, true));
    });
  }

  it("makes Ping and Echo bare 20-byte headers", () => {
    expect(hex(ping())).toBe("0500140310000000140000000000000001000000");
    expect(echo()).toHaveLength(20);
  });

  it("rejects a PDU of another kind with a typed error", () => {
    expect(() => expectRtsPdu(ping(), "CONN/C2")).toThrow(
      expect.objectContaining({ code: ErrorCode.PROTOCOL, name: "RpcHttpError" }),
    );
  });
});

const arbCookie = fc.uint8Array({ minLength: 16, maxLength: 16 });
const arbU32 = fc.nat({ max: 0xffffffff });
const arbCommand: fc.Arbitrary<RtsCommand> = fc.oneof(
  fc
    .constantFrom(
      "ReceiveWindowSize",
      "ConnectionTimeout",
      "ChannelLifetime",
      "ClientKeepalive",
      "Version",
      "Destination",
      "PingTrafficSentNotify",
    )
    .chain((type) => arbU32.map((value) => ({ type, value }) as RtsCommand)),
  fc.record({
    type: fc.constant("FlowControlAck" as const),
    bytesReceived: arbU32,
    availableWindow: arbU32,
    channelCookie: arbCookie,
  }),
  fc.record({ type: fc.constantFrom("Cookie" as const, "AssociationGroupId" as const), cookie: arbCookie }),
  fc.record({ type: fc.constantFrom("Empty" as const, "ANCE" as const, "NegativeANCE" as const) }),
  fc.record({ type: fc.constant("Padding" as const), length: fc.nat({ max: 64 }) }),
  fc.record({
    type: fc.constant("ClientAddress" as const),
    address: fc.oneof(
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
    ),
  }),
);

describe("RTS codec properties", () => {
  it("round-trips any list of commands", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffff }), fc.array(arbCommand, { maxLength: 12 }), (flags, commands) => {
        const bytes = encodeRtsPdu({ flags, commands });
        expect(decodeRtsPdu(bytes)).toEqual({ flags, commands });
      }),
    );
  });

  it("answers arbitrary bytes with a value or a typed error, never a crash", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 0xffff }), (tail, count) => {
        // A header that passes the first checks, so the fuzzing reaches the commands.
        const bytes = new Uint8Array(20 + tail.length);
        bytes.set([5, 0, 20, 3, 0x10, 0, 0, 0]);
        new DataView(bytes.buffer).setUint16(8, bytes.length, true);
        new DataView(bytes.buffer).setUint16(18, count, true);
        bytes.set(tail, 20);
        try {
          decodeRtsPdu(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(MailwireError);
          expect([ErrorCode.PARSE, ErrorCode.LIMIT_EXCEEDED]).toContain((error as MailwireError).code);
        }
      }),
    );
  });

  it("answers fully random bytes with a typed error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        try {
          decodeRtsPdu(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(MailwireError);
        }
      }),
    );
  });

  it("rejects a command count past the limit before reading commands", () => {
    const bytes = new Uint8Array(20);
    bytes.set([5, 0, 20, 3, 0x10, 0, 0, 0, 20, 0]);
    bytes[18] = 0xff;
    bytes[19] = 0xff;
    expect(() => decodeRtsPdu(bytes)).toThrow(expect.objectContaining({ code: ErrorCode.LIMIT_EXCEEDED }));
  });
});
