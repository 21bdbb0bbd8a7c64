import { describe, expect, it } from "vitest";
import { toHex, utf16le } from "../../src/bytes/encoding.js";
import { hmacMd5 } from "../../src/crypto/md5.js";
import { ErrorCode } from "../../src/errors/index.js";
import { ntlmUppercase, ntowfv1, ntowfv2, parseNtlmUserName } from "../../src/ntlm/index.js";

describe("parseNtlmUserName", () => {
  it("DOMAIN\\user", () => {
    expect(parseNtlmUserName("CONTOSO\\alice")).toEqual({ userName: "alice", domain: "CONTOSO" });
    expect(parseNtlmUserName("CONTOSO\\alice", "contoso")).toEqual({ userName: "alice", domain: "CONTOSO" });
  });

  it("UPN: the whole UPN is the user name and the domain is empty", () => {
    expect(parseNtlmUserName("alice@contoso.com")).toEqual({ userName: "alice@contoso.com", domain: "" });
  });

  it("plain user with a separate domain, or none", () => {
    expect(parseNtlmUserName("alice", "CONTOSO")).toEqual({ userName: "alice", domain: "CONTOSO" });
    expect(parseNtlmUserName("alice")).toEqual({ userName: "alice", domain: "" });
  });

  it("refuses empty parts and contradictions", () => {
    for (const [user, domain] of [
      ["", undefined],
      ["\\alice", undefined],
      ["CONTOSO\\", undefined],
      ["CONTOSO\\alice", "FABRIKAM"],
    ] as const) {
      expect(() => parseNtlmUserName(user, domain)).toThrowError(
        expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
      );
    }
  });
});

describe("NTOWFv2 user forms", () => {
  it("uppercases the user, not the domain, one code unit at a time", () => {
    expect(ntlmUppercase("alice@contoso.com")).toBe("ALICE@CONTOSO.COM");
    expect(ntlmUppercase("straße")).toBe("STRAßE");
    const expected = hmacMd5(ntowfv1("pw"), utf16le("ALICE@CONTOSO.COMcontoso"));
    expect(toHex(ntowfv2("pw", "alice@contoso.com", "contoso"))).toBe(toHex(expected));
  });
});
