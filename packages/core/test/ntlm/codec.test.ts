import { describe, expect, it } from "vitest";
import { ByteWriter } from "../../src/bytes/byte-writer.js";
import { fromHex, toHex } from "../../src/bytes/encoding.js";
import { ErrorCode } from "../../src/errors/index.js";
import {
  AvId,
  decodeAuthenticate,
  decodeAvPairs,
  decodeChallenge,
  decodeNegotiate,
  describeFlags,
  encodeAuthenticate,
  encodeAvPairs,
  encodeNegotiate,
  NegotiateFlag,
  NTLM_CLIENT_NEGOTIATE_FLAGS,
  NtlmClient,
  NtlmLimits,
  textAvPair,
} from "../../src/ntlm/index.js";
import { MODERN_CHALLENGE_FLAGS, modernChallenge } from "./modern-challenge.js";
import { ntlmv2Vector } from "./vectors.js";

const code = (c: string) => expect.objectContaining({ code: c });

describe("NEGOTIATE_MESSAGE (2.2.1.1)", () => {
  it("the client's message: flags, empty domain/workstation, version, 40 bytes", () => {
    const bytes = new NtlmClient({ username: "a", password: "b" }).createNegotiate();
    expect(bytes).toHaveLength(40);
    expect(toHex(bytes.subarray(0, 16))).toBe("4e544c4d5353500001000000358208e2");
    const message = decodeNegotiate(bytes);
    expect(message.flags).toBe(NTLM_CLIENT_NEGOTIATE_FLAGS);
    expect(describeFlags(message.flags)).not.toContain("NTLMSSP_NEGOTIATE_LM_KEY");
    expect(message).toMatchObject({
      domain: "",
      workstation: "",
      version: { productMajorVersion: 10, ntlmRevision: 15 },
    });
  });

  it("round-trips OEM domain and workstation, setting the *_SUPPLIED flags", () => {
    const bytes = encodeNegotiate({
      flags: NegotiateFlag.NTLMSSP_NEGOTIATE_UNICODE,
      domain: "CONTOSO",
      workstation: "WS01",
    });
    const message = decodeNegotiate(bytes);
    expect(message.domain).toBe("CONTOSO");
    expect(message.workstation).toBe("WS01");
    expect(message.flags & NegotiateFlag.NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED).not.toBe(0);
    expect(message.version).toBeUndefined();
    expect(() => encodeNegotiate({ flags: 0, domain: "Dömain" })).toThrowError(
      code(ErrorCode.INVALID_ARGUMENT),
    );
  });
});

describe("AUTHENTICATE_MESSAGE (2.2.1.3)", () => {
  it("round-trips with a MIC field", () => {
    const init = {
      flags: NegotiateFlag.NTLMSSP_NEGOTIATE_UNICODE | NegotiateFlag.NTLMSSP_NEGOTIATE_VERSION,
      lmChallengeResponse: new Uint8Array(24),
      ntChallengeResponse: fromHex("00112233"),
      domain: "",
      userName: "alice@contoso.com",
      workstation: "WS01",
      encryptedRandomSessionKey: fromHex("ff".repeat(16)),
      version: { productMajorVersion: 10, productMinorVersion: 0, productBuild: 1, ntlmRevision: 15 },
      mic: fromHex("ab".repeat(16)),
    };
    const message = decodeAuthenticate(encodeAuthenticate(init));
    expect(message).toEqual({ ...init, mic: init.mic });
  });

  it("requires Unicode and bounds every field", () => {
    const base = {
      flags: 1,
      lmChallengeResponse: new Uint8Array(0),
      ntChallengeResponse: new Uint8Array(0),
      userName: "a",
    };
    expect(() => encodeAuthenticate({ ...base, flags: 0 })).toThrowError(code(ErrorCode.INVALID_ARGUMENT));
    expect(() => encodeAuthenticate({ ...base, userName: "x".repeat(40_000) })).toThrowError(
      code(ErrorCode.INVALID_ARGUMENT),
    );
    expect(() => encodeAuthenticate({ ...base, mic: new Uint8Array(3) })).toThrowError(
      code(ErrorCode.INVALID_ARGUMENT),
    );
  });
});

describe("AV_PAIR lists (2.2.2.1)", () => {
  it("round-trip and keep unknown ids", () => {
    const pairs = [textAvPair(AvId.MsvAvNbComputerName, "MAIL01"), { id: 0x7777, value: fromHex("010203") }];
    expect(decodeAvPairs(encodeAvPairs(pairs))).toEqual(pairs);
    expect(decodeAvPairs(fromHex("00000000ffff"))).toEqual([]); // bytes after MsvAvEOL are ignored
  });

  it.each([
    ["missing MsvAvEOL", "01000200410000", ErrorCode.PARSE],
    ["empty list", "", ErrorCode.PARSE],
    ["truncated header", "0100", ErrorCode.PARSE],
    ["value longer than the list", "0100ff00", ErrorCode.PARSE],
    ["MsvAvEOL with a length", "0000010000", ErrorCode.PARSE],
    ["MsvAvFlags not 4 bytes", "0600020000000000", ErrorCode.PARSE],
    ["MsvAvTimestamp not 8 bytes", "070004000000000000000000", ErrorCode.PARSE],
    ["odd-length name", "01000300414243" + "00000000", ErrorCode.PARSE],
  ])("%s", (_name, hex, expected) => {
    expect(() => decodeAvPairs(fromHex(hex))).toThrowError(code(expected));
  });

  it(`more than ${NtlmLimits.maxAvPairs} pairs is LimitExceededError`, () => {
    const writer = new ByteWriter();
    for (let i = 0; i <= NtlmLimits.maxAvPairs; i++) writer.u16(0x100).u16(0);
    writer.u32(0);
    expect(() => decodeAvPairs(writer.finish())).toThrowError(code(ErrorCode.LIMIT_EXCEEDED));
  });

  it("refuses MsvAvEOL and oversize values when encoding", () => {
    expect(() => encodeAvPairs([{ id: AvId.MsvAvEOL, value: new Uint8Array(0) }])).toThrow();
    expect(() => encodeAvPairs([{ id: 1, value: new Uint8Array(0x10000) }])).toThrow();
  });
});

describe("CHALLENGE_MESSAGE from a hostile server (2.2.1.2)", () => {
  const valid = fromHex(ntlmv2Vector().challenge_message);
  const patched = (offset: number, bytes: string, base = valid) => {
    const copy = base.slice();
    copy.set(fromHex(bytes), offset);
    return copy;
  };

  it.each([
    ["empty", new Uint8Array(0), ErrorCode.PARSE],
    ["shorter than the header", valid.subarray(0, 47), ErrorCode.PARSE],
    ["wrong signature", patched(0, "4e544c4d53535001"), ErrorCode.PARSE],
    ["wrong message type", patched(8, "03000000"), ErrorCode.PARSE],
    ["TargetName past the end", patched(12, "ffffffff38000000"), ErrorCode.PARSE],
    ["TargetName offset overlapping the header", patched(12, "0c000c0010000000"), ErrorCode.PARSE],
    ["TargetName offset at 2^32-1", patched(12, "0c000c00ffffffff"), ErrorCode.PARSE],
    ["TargetInfo past the end", patched(40, "ffffffff44000000"), ErrorCode.PARSE],
    ["odd-length Unicode TargetName", patched(12, "0b000b0038000000"), ErrorCode.PARSE],
    ["TargetInfo cut before MsvAvEOL", patched(40, "2000200044000000"), ErrorCode.PARSE],
    ["VERSION flag with no room for it", patched(20, "33828ae2", valid.subarray(0, 50)), ErrorCode.PARSE],
    ["over the size limit", new Uint8Array(NtlmLimits.maxMessageBytes + 1), ErrorCode.LIMIT_EXCEEDED],
  ])("%s", (_name, bytes, expected) => {
    expect(() => decodeChallenge(bytes)).toThrowError(code(expected));
  });

  it("an empty field may carry any offset", () => {
    const challenge = decodeChallenge(patched(12, "00000000ffffffff"));
    expect(challenge.targetName).toBe("");
  });

  it("TargetInfo is ignored without NTLMSSP_NEGOTIATE_TARGET_INFO", () => {
    const flags = MODERN_CHALLENGE_FLAGS & ~NegotiateFlag.NTLMSSP_NEGOTIATE_TARGET_INFO;
    expect(decodeChallenge(modernChallenge(flags)).targetInfo).toEqual([]);
  });

  it("returned byte arrays are copies, not views that pin the input", () => {
    const challenge = decodeChallenge(modernChallenge());
    for (const bytes of [challenge.serverChallenge, ...challenge.targetInfo.map((pair) => pair.value)]) {
      expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
    }
  });
});
