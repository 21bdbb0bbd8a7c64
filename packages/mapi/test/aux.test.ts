import { fromHex, MailwireError, toHex } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AuxBlock,
  AuxType,
  AuxVersion,
  decodeAuxBlocks,
  decodeAuxiliaryBuffer,
  ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT,
  encodeAuxBlocks,
  encodeAuxiliaryBuffer,
  ServerCapabilityFlag,
} from "../src/index.js";

const guid = "01234567-89ab-cdef-0123-456789abcdef";

const samples: AuxBlock[] = [
  { kind: "perfRequestId", sessionId: 1, requestId: 7 },
  {
    kind: "perfClientInfo",
    adapterSpeed: 1_000_000,
    clientId: 2,
    machineName: "WORKSTATION",
    userName: "alex",
    clientIp: Uint8Array.of(10, 0, 0, 5),
    clientIpMask: Uint8Array.of(255, 255, 255, 0),
    adapterName: "eth0",
    macAddress: Uint8Array.of(1, 2, 3, 4, 5, 6),
    clientMode: 2,
  },
  {
    kind: "perfServerInfo",
    serverId: 3,
    serverType: 1,
    serverDn: "/o=x/cn=Servers/cn=ex1",
    serverName: "ex1",
  },
  { kind: "perfSessionInfo", sessionId: 4, sessionGuid: guid },
  { kind: "perfSessionInfo", sessionId: 5, sessionGuid: guid, connectionId: 99 },
  { kind: "perfProcessInfo", processId: 6, processGuid: guid, processName: "node" },
  { kind: "perfAccountInfo", clientId: 2, account: guid },
  { kind: "clientControl", enableFlags: 0x0c, expiryTime: 604_800_000 },
  {
    kind: "osVersionInfo",
    majorVersion: 10,
    minorVersion: 0,
    buildNumber: 20348,
    servicePackMajor: 0,
    servicePackMinor: 0,
  },
  { kind: "exOrgInfo", orgFlags: 0x01 },
  { kind: "serverCapabilities", flags: ServerCapabilityFlag.PACKED_WRITE_STREAM_UPLOAD_BUFFERS },
  { kind: "endpointCapabilities", flags: ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT },
  {
    kind: "clientConnectionInfo",
    connectionGuid: guid,
    connectionAttempts: 1,
    connectionFlags: 0,
    connectionContextInfo: "mailwire",
  },
  { kind: "serverSessionInfo", serverSessionContextInfo: "ctx" },
  { kind: "unknown", version: AuxVersion.V1, type: 0x4e, data: Uint8Array.of(0, 0, 0, 0) },
];

describe("auxiliary buffers (MS-OXCRPC 2.2.2.2)", () => {
  it("lays out AUX_HEADER and the fixed blocks as the specification draws them", () => {
    // AUX_HEADER: Size 8 (header + 4), Version 1, Type 0x48; EndpointCapabilityFlag 1.
    expect(toHex(encodeAuxBlocks([{ kind: "endpointCapabilities", flags: 1 }]))).toBe("0800014801000000");
    expect(toHex(encodeAuxBlocks([{ kind: "perfRequestId", sessionId: 0x0102, requestId: 0x0304 }]))).toBe(
      "0800010102010403",
    );
    // AUX_CLIENT_CONTROL: EnableFlags, ExpiryTime.
    expect(
      toHex(encodeAuxBlocks([{ kind: "clientControl", enableFlags: 0x0000000c, expiryTime: 604800000 }])),
    ).toBe("0c00010a0c00000000840c24");
    // AUX_SERVER_SESSION_INFO: the offset counts from the AUX_HEADER (6 = after header + offset field).
    expect(toHex(encodeAuxBlocks([{ kind: "serverSessionInfo", serverSessionContextInfo: "A" }]))).toBe(
      "0a00014b060041000000",
    );
    // AUX_PERF_SESSIONINFO_V2 is Version 2 of type 0x04.
    const v2 = encodeAuxBlocks([
      { kind: "perfSessionInfo", sessionId: 1, sessionGuid: guid, connectionId: 2 },
    ]);
    expect([v2[0], v2[2], v2[3]]).toEqual([28, AuxVersion.V2, AuxType.PERF_SESSIONINFO]);
    const os = encodeAuxBlocks([samples[8] as AuxBlock]);
    expect(os.length).toBe(4 + 156);
  });

  it("every modelled block round-trips, alone and together, through an RPC_HEADER_EXT buffer", () => {
    for (const block of samples) expect(decodeAuxBlocks(encodeAuxBlocks([block]))).toEqual([block]);
    for (const options of [{}, { compress: true }, { compress: true, obfuscate: true }]) {
      const buffer = encodeAuxiliaryBuffer(samples, options);
      expect(decodeAuxiliaryBuffer(buffer)).toEqual(samples);
    }
    expect(decodeAuxiliaryBuffer(new Uint8Array(0))).toEqual([]);
    expect(encodeAuxiliaryBuffer([])).toHaveLength(0);
  });

  it("reads strings by their offsets and rejects ones outside the block or unterminated", () => {
    const good = encodeAuxBlocks([{ kind: "serverSessionInfo", serverSessionContextInfo: "A" }]);
    const outside = good.slice();
    outside[4] = 40;
    expect(() => decodeAuxBlocks(outside)).toThrow(/outside/);
    const unterminated = good.slice(0, 8);
    unterminated[0] = 8;
    expect(() => decodeAuxBlocks(unterminated)).toThrow(/terminator/);
    expect(() => decodeAuxBlocks(fromHex("0300014b"))).toThrow(/Size 3/);
    expect(() => decodeAuxBlocks(fromHex("ff00014b00"))).toThrow(/does not fit/);
    expect(() => decodeAuxBlocks(fromHex("0800"))).toThrow(/truncated/);
  });

  it("random and mutated buffers raise only typed errors", () => {
    const good = encodeAuxBlocks(samples);
    const check = (bytes: Uint8Array) => {
      try {
        decodeAuxBlocks(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(MailwireError);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 300 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat({ max: good.length - 1 }), value: fc.nat({ max: 255 }) }), {
          maxLength: 6,
        }),
        fc.nat({ max: good.length }),
        (edits, cut) => {
          const bytes = good.slice(0, cut);
          for (const edit of edits) if (edit.at < bytes.length) bytes[edit.at] = edit.value;
          check(bytes);
        },
      ),
      { numRuns: 400 },
    );
  });
});
