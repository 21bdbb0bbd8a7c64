import { describe, expect, it } from "vitest";
import { ForwardDestination, RtsFlag } from "../src/rts/rts-constants.js";
import { decodeRtsPdu } from "../src/rts/rts-pdu.js";
import {
  expectRtsPdu,
  matchRtsPdu,
  outR1A3,
  outR1A7,
  outR1A11,
  outR2A2,
  outR2A6,
  outR2A7,
  outR2B3,
  RTS_PDU_SHAPES,
} from "../src/rts/rts-pdus.js";

// The OUT channel recycling PDUs ([MS-RPCH] 2.2.4.23–2.2.4.45), built by hand from the spec's
// field lists (header 2.2.3.6.1, commands 2.2.3.5.x) and compared byte for byte with the builders.

const u16 = (value: number) => [value & 0xff, value >>> 8];
const u32 = (value: number) => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
/** RTS header: rpc_vers 5, minor 0, PTYPE 20, first|last, little-endian drep, frag_length, auth 0, call_id 0, Flags, count. */
const header = (length: number, flags: number, count: number) => [
  5,
  0,
  20,
  3,
  0x10,
  0,
  0,
  0,
  ...u16(length),
  0,
  0,
  0,
  0,
  0,
  0,
  ...u16(flags),
  ...u16(count),
];
const cookieOf = (seed: number) => Array.from({ length: 16 }, (_, index) => (seed + index) & 0xff);
const commandU32 = (type: number, value: number) => [...u32(type), ...u32(value)];
const commandCookie = (bytes: number[]) => [...u32(3), ...bytes];

describe("OUT channel recycling PDUs, byte for byte from [MS-RPCH] 2.2.4", () => {
  const vc = cookieOf(0x10);
  const predecessor = cookieOf(0x20);
  const successor = cookieOf(0x30);

  it("OUT_R2/A2 (2.2.4.35): RECYCLE_CHANNEL, Destination FDClient, 28 bytes", () => {
    const expected = [...header(28, 0x04, 1), ...commandU32(13, 0)];
    expect([...outR2A2()]).toEqual(expected);
    expect(matchRtsPdu(decodeRtsPdu(outR2A2()))).toEqual(
      expect.arrayContaining(["OUT_R1/A1", "OUT_R1/A2", "OUT_R2/A1", "OUT_R2/A2"]),
    );
  });

  it("OUT_R1/A3 = OUT_R2/A3 (2.2.4.24, 2.2.4.36): RECYCLE_CHANNEL, Version, three cookies, window; 96 bytes", () => {
    const bytes = outR1A3({
      virtualConnectionCookie: Uint8Array.from(vc),
      predecessorChannelCookie: Uint8Array.from(predecessor),
      successorChannelCookie: Uint8Array.from(successor),
      receiveWindowSize: 0x10000,
    });
    const expected = [
      ...header(96, 0x04, 5),
      ...commandU32(6, 1),
      ...commandCookie(vc),
      ...commandCookie(predecessor),
      ...commandCookie(successor),
      ...commandU32(0, 0x10000),
    ];
    expect([...bytes]).toEqual(expected);
    expect(matchRtsPdu(decodeRtsPdu(bytes))).toEqual(["OUT_R1/A3", "OUT_R2/A3"]);
  });

  it("OUT_R2/A6 (2.2.4.39): NONE, Destination FDClient then ANCE; 32 bytes", () => {
    const expected = [...header(32, 0, 2), ...commandU32(13, 0), ...u32(10)];
    expect([...outR2A6()]).toEqual(expected);
    expect(matchRtsPdu(decodeRtsPdu(outR2A6()))).toEqual(["OUT_R2/A5", "OUT_R2/A6"]);
  });

  it("OUT_R2/A7 (2.2.4.40): OUT_CHANNEL, Destination FDServer, successor cookie, Version; 56 bytes", () => {
    const bytes = outR2A7({ successorChannelCookie: Uint8Array.from(successor) });
    const expected = [
      ...header(56, 0x10, 3),
      ...commandU32(13, ForwardDestination.FDServer),
      ...commandCookie(successor),
      ...commandU32(6, 1),
    ];
    expect([...bytes]).toEqual(expected);
    expect(matchRtsPdu(decodeRtsPdu(bytes))).toEqual(["OUT_R2/A7"]);
  });

  it("OUT_R1/A7 (2.2.4.29): OUT_CHANNEL, Destination FDServer, successor cookie, no Version; 48 bytes", () => {
    const bytes = outR1A7({ successorChannelCookie: Uint8Array.from(successor) });
    const expected = [
      ...header(48, 0x10, 2),
      ...commandU32(13, ForwardDestination.FDServer),
      ...commandCookie(successor),
    ];
    expect([...bytes]).toEqual(expected);
    expect(matchRtsPdu(decodeRtsPdu(bytes))).toEqual(["OUT_R1/A7", "OUT_R1/A8", "OUT_R2/A8"]);
  });

  it("OUT_R1/A11 (2.2.4.33): NONE, ANCE; 24 bytes, and with OUT_R1/A3 the 120-byte replacement OUT channel body of 2.1.2.1.2", () => {
    const expected = [...header(24, 0, 1), ...u32(10)];
    expect([...outR1A11()]).toEqual(expected);
    expect(matchRtsPdu(decodeRtsPdu(outR1A11()))).toContain("OUT_R1/A11");
    const a3 = outR1A3({
      virtualConnectionCookie: Uint8Array.from(vc),
      predecessorChannelCookie: Uint8Array.from(predecessor),
      successorChannelCookie: Uint8Array.from(successor),
      receiveWindowSize: 0x10000,
    });
    expect(a3.length + outR1A11().length).toBe(120);
  });

  it("OUT_R2/B3 (2.2.4.44): EOF, ANCE; 24 bytes, not mistaken for OUT_R2/B1", () => {
    const expected = [...header(24, 0x20, 1), ...u32(10)];
    expect([...outR2B3()]).toEqual(expected);
    expect(matchRtsPdu(decodeRtsPdu(outR2B3()))).toEqual(["OUT_R2/B3"]);
    expect(() => expectRtsPdu(outR2B3(), "OUT_R2/B1")).toThrow(/OUT_R2\/B1/);
  });

  it("lists every OUT_R1 PDU A1–A11 and OUT_R2 A1–A8, B1–B3, C1 with the spec's flags", () => {
    const names = Object.keys(RTS_PDU_SHAPES);
    for (let index = 1; index <= 11; index++) expect(names).toContain(`OUT_R1/A${index}`);
    for (let index = 1; index <= 8; index++) expect(names).toContain(`OUT_R2/A${index}`);
    for (const name of ["OUT_R2/B1", "OUT_R2/B2", "OUT_R2/B3", "OUT_R2/C1"]) expect(names).toContain(name);
    expect(RTS_PDU_SHAPES["OUT_R1/A4"].flags).toBe(RtsFlag.RECYCLE_CHANNEL | RtsFlag.OUT_CHANNEL);
    expect(RTS_PDU_SHAPES["OUT_R1/A6"]).toEqual(RTS_PDU_SHAPES["OUT_R1/A5"]);
    expect(RTS_PDU_SHAPES["OUT_R1/A7"]).toEqual({
      flags: RtsFlag.OUT_CHANNEL,
      commands: ["Destination", "Cookie"],
    });
    expect(RTS_PDU_SHAPES["OUT_R2/B2"].commands).toEqual(["NegativeANCE"]);
    expect(RTS_PDU_SHAPES["OUT_R2/C1"]).toEqual({ flags: RtsFlag.PING, commands: ["Empty"] });
  });
});
