import { InvalidArgumentError, ProtocolError, toHex } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_CLIENT_VERSION,
  decodeMapiVersion,
  encodeMapiVersion,
  formatMapiVersion,
} from "../src/emsmdb/client-version.js";
import { EmsmdbError } from "../src/emsmdb/emsmdb-error.js";
import {
  decodeEcDoAsyncWaitExResponse,
  decodeEcDoConnectExRequest,
  decodeEcDoConnectExResponse,
  decodeEcDoRpcExt2Request,
  decodeEcDoRpcExt2Response,
  encodeEcDoConnectExRequest,
  encodeEcDoConnectExResponse,
  encodeEcDoRpcExt2Request,
  encodeEcDoRpcExt2Response,
} from "../src/emsmdb/emsmdb-stubs.js";
import { NdrWriter } from "../src/ndr/ndr-writer.js";

const handle = { attributes: 0, uuid: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i) };

describe("EMSMDB stubs (MS-OXCRPC 3.1.4)", () => {
  it("EcDoConnectEx request: the IDL's [in] parameters in order, NDR-aligned", () => {
    const bytes = encodeEcDoConnectExRequest({
      userDn: "/o=x",
      flags: 0,
      connectionModulus: 0x11223344,
      limit: 0,
      codePage: 1252,
      lcidString: 1033,
      lcidSort: 1033,
      icxrLink: 0xffffffff,
      canConvertCodePages: 1,
      clientVersion: encodeMapiVersion(DEFAULT_CLIENT_VERSION),
      timeStamp: 0,
      auxIn: new Uint8Array(0),
      maxAuxOut: 0x1008,
    });
    expect(toHex(bytes)).toBe(
      [
        "05000000" + "00000000" + "05000000" + "2f6f3d7800", // szUserDN: conformant varying, NUL counted
        "000000", // align to 4
        "00000000", // ulFlags
        "44332211", // ulConMod
        "00000000", // cbLimit
        "e4040000", // ulCpid 1252
        "09040000", // ulLcidString
        "09040000", // ulLcidSort
        "ffffffff", // ulIcxrLink
        "0100", // usFCanConvertCodePages
        "0010aa90e903", // rgwClientVersion 16.0.4266.1001
        "00000000", // pulTimeStamp
        "00000000", // rgbAuxIn max_count
        "00000000", // cbAuxIn
        "08100000", // pcbAuxOut
      ].join(""),
    );
    expect(decodeEcDoConnectExRequest(bytes).userDn).toBe("/o=x");
  });

  it("EcDoConnectEx response: unique string pointers, versions, aux, return value", () => {
    const response = {
      handle,
      pollsMaxMs: 60_000,
      retryCount: 6,
      retryDelayMs: 10_000,
      icxr: 7,
      dnPrefix: "/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)",
      displayName: "Alice",
      serverVersion: [15, 0x8002, 1544] as const,
      bestVersion: [15, 0x8002, 1544] as const,
      timeStamp: 5,
      auxOut: Uint8Array.of(1, 2, 3),
      returnValue: 0,
    };
    expect(decodeEcDoConnectExResponse(encodeEcDoConnectExResponse(response))).toEqual(response);
    const nulls = { ...response, dnPrefix: undefined, displayName: undefined };
    expect(decodeEcDoConnectExResponse(encodeEcDoConnectExResponse(nulls))).toEqual(nulls);
  });

  it("EcDoRpcExt2 request and response round-trip", () => {
    const request = {
      handle,
      flags: 3,
      rgbIn: Uint8Array.of(1, 2, 3, 4, 5),
      maxOut: 0x40000,
      auxIn: new Uint8Array(0),
      maxAuxOut: 0x1008,
    };
    expect(decodeEcDoRpcExt2Request(encodeEcDoRpcExt2Request(request))).toEqual(request);
    const response = {
      handle,
      flags: 0,
      rgbOut: new Uint8Array(1000).fill(3),
      auxOut: new Uint8Array(0),
      transTime: 12,
      returnValue: 0,
    };
    expect(decodeEcDoRpcExt2Response(encodeEcDoRpcExt2Response(response))).toEqual(response);
  });

  it("refuses an rgbOut past 0x40000 and mismatched sizes", () => {
    const big = new NdrWriter()
      .contextHandle(handle)
      .u32(0)
      .conformantVaryingBytes(new Uint8Array(0x40001))
      .finish();
    expect(() => decodeEcDoRpcExt2Response(big)).toThrow(ProtocolError);
    const mismatch = new NdrWriter()
      .contextHandle(handle)
      .u32(0)
      .conformantVaryingBytes(Uint8Array.of(1))
      .u32(2)
      .finish();
    expect(() => decodeEcDoRpcExt2Response(mismatch)).toThrow(ProtocolError);
  });

  it("EcDoAsyncWaitEx response", () => {
    expect(decodeEcDoAsyncWaitExResponse(new NdrWriter().u32(1).u32(0).finish())).toEqual({
      flagsOut: 1,
      returnValue: 0,
    });
  });

  it("property: response decoders only throw typed errors on arbitrary stubs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (stub) => {
        for (const decode of [
          decodeEcDoConnectExResponse,
          decodeEcDoRpcExt2Response,
          decodeEcDoAsyncWaitExResponse,
        ]) {
          try {
            decode(stub);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("version words (MS-OXCRPC 3.1.9) both ways; EmsmdbError names the code", () => {
    expect(encodeMapiVersion(DEFAULT_CLIENT_VERSION)).toEqual([0x1000, 0x90aa, 0x03e9]);
    expect(formatMapiVersion(decodeMapiVersion([0x1000, 0x90aa, 0x03e9]))).toBe("16.0.4266.1001");
    // The older form (high bit of WORD1 clear): what Microsoft's MS-OXCRPC test suite sends
    // (0x000C 0x183E 0x03E8), and Exchange 2000's store version 6.0.4417.5.
    expect(formatMapiVersion(decodeMapiVersion([0x000c, 0x183e, 0x03e8]))).toBe("12.0.6206.1000");
    expect(formatMapiVersion(decodeMapiVersion([0x0006, 0x1141, 0x0005]))).toBe("6.0.4417.5");
    // The sim's server version, 15.2.1544.4, in the high-bit form.
    expect(formatMapiVersion(decodeMapiVersion([0x0f02, 0x8608, 0x0004]))).toBe("15.2.1544.4");
    expect(encodeMapiVersion({ major: 15, minor: 2, build: 1544, minorBuild: 4 })).toEqual([
      0x0f02, 0x8608, 4,
    ]);
    // A major past a byte only fits the older form, with minor 0; a 16-bit build fits neither.
    expect(encodeMapiVersion({ major: 300, minor: 0, build: 7, minorBuild: 1 })).toEqual([300, 7, 1]);
    expect(() => encodeMapiVersion({ major: 300, minor: 1, build: 7, minorBuild: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => encodeMapiVersion({ major: 16, minor: 0, build: 0x8000, minorBuild: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => encodeMapiVersion({ major: 16, minor: 0, build: 1.5, minorBuild: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(new EmsmdbError("EcDoConnectEx", 0x970).message).toContain("ecNotEncrypted");
  });
});
