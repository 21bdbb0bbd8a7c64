import { readFileSync } from "node:fs";
import { ErrorCode } from "@mailwire/core";
import { describe, expect, it } from "vitest";
import {
  apopDigest,
  encodeCommandLine,
  extractApopTimestamp,
  hasResponseCode,
  LEGACY_CAPABILITIES,
  parseCapabilities,
  parseDropListing,
  parseScanListing,
  parseStatusLine,
  parseUniqueIdListing,
} from "../src/index.js";

const VECTORS = "/work/shared/vectors/pop3-imap";
const apopVector = JSON.parse(readFileSync(`${VECTORS}/rfc1939-apop.json`, "utf8")) as Record<string, string>;

/** The S: lines of the RFC 2449 CAPA example between the status line and the terminator. */
function capaExampleLines(): string[] {
  const lines = readFileSync(`${VECTORS}/rfc2449-capa-example.txt`, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("S: "))
    .map((line) => line.slice(3));
  expect(lines[0]).toBe("+OK Capability list follows");
  expect(lines.at(-1)).toBe(".");
  return lines.slice(1, -1);
}

describe("parseStatusLine", () => {
  it("reads +OK and -ERR with their text", () => {
    expect(parseStatusLine("+OK 2 320")).toEqual({
      ok: true,
      responseCode: undefined,
      responseCodeLevels: [],
      text: "2 320",
    });
    expect(parseStatusLine("-ERR no such message")).toMatchObject({ ok: false, text: "no such message" });
    expect(parseStatusLine("+OK")).toMatchObject({ ok: true, text: "" });
    expect(parseStatusLine(new TextEncoder().encode("-ERR"))).toMatchObject({ ok: false, text: "" });
  });

  it("extracts RFC 2449 §8 response codes, hierarchical", () => {
    const status = parseStatusLine("-ERR [SYS/TEMP] try later");
    expect(status).toMatchObject({
      ok: false,
      responseCode: "SYS/TEMP",
      responseCodeLevels: ["SYS", "TEMP"],
    });
    expect(status.text).toBe("try later");
    expect(hasResponseCode(status, "SYS")).toBe(true);
    expect(hasResponseCode(status, "SYS/TEMP")).toBe(true);
    expect(hasResponseCode(status, "SYS/PERM")).toBe(false);
    for (const code of ["IN-USE", "LOGIN-DELAY", "SYS/PERM", "AUTH", "UTF8"]) {
      expect(parseStatusLine(`-ERR [${code}] x`).responseCode).toBe(code);
    }
    expect(parseStatusLine("-ERR [in-use] locked").responseCodeLevels).toEqual(["IN-USE"]);
  });

  it("leaves a bracket that is not a response code in the text", () => {
    expect(parseStatusLine("-ERR [not a code] x")).toMatchObject({
      responseCode: undefined,
      text: "[not a code] x",
    });
    expect(parseStatusLine("-ERR [A//B] x").responseCode).toBeUndefined();
    expect(parseStatusLine("-ERR []").responseCode).toBeUndefined();
  });

  it("refuses anything that is not a status line", () => {
    for (const line of ["", "OK", "+OKAY", "-ERROR x", "* OK imap", "+ challenge", "220 smtp"]) {
      expect(() => parseStatusLine(line), line).toThrow(expect.objectContaining({ code: ErrorCode.PARSE }));
    }
  });
});

describe("parseCapabilities", () => {
  it("parses the RFC 2449 CAPA example", () => {
    const capabilities = parseCapabilities(capaExampleLines());
    expect(capabilities).toMatchObject({
      top: true,
      user: true,
      sasl: ["CRAM-MD5", "KERBEROS_V4"],
      respCodes: true,
      loginDelaySeconds: 900,
      loginDelayPerUser: false,
      pipelining: true,
      expire: { days: 60, perUser: false },
      uidl: true,
      implementation: "Shlemazle-Plotz-v302",
      stls: false,
      utf8: false,
      lang: false,
      authRespCode: false,
    });
    // The parsed form the example's sources give.
    expect(Object.fromEntries(capabilities.tags)).toEqual({
      TOP: [],
      USER: [],
      SASL: ["CRAM-MD5", "KERBEROS_V4"],
      "RESP-CODES": [],
      "LOGIN-DELAY": ["900"],
      PIPELINING: [],
      EXPIRE: ["60"],
      UIDL: [],
      IMPLEMENTATION: ["Shlemazle-Plotz-v302"],
    });
  });

  it("reads STLS, UTF8 USER, LANG, AUTH-RESP-CODE, EXPIRE NEVER/USER, LOGIN-DELAY USER", () => {
    const capabilities = parseCapabilities([
      "stls",
      "UTF8 USER",
      "LANG",
      "AUTH-RESP-CODE",
      "EXPIRE NEVER",
      "LOGIN-DELAY 30 USER",
      "SASL plain SCRAM-SHA-256",
      "IMPLEMENTATION Dovecot (Debian) 2.3",
    ]);
    expect(capabilities).toMatchObject({
      stls: true,
      utf8: true,
      utf8User: true,
      lang: true,
      authRespCode: true,
      expire: { days: "never", perUser: false },
      loginDelaySeconds: 30,
      loginDelayPerUser: true,
      sasl: ["PLAIN", "SCRAM-SHA-256"],
      implementation: "Dovecot (Debian) 2.3",
    });
    expect(parseCapabilities(["EXPIRE 0 USER"]).expire).toEqual({ days: 0, perUser: true });
    expect(parseCapabilities(["LOGIN-DELAY soon"]).loginDelaySeconds).toBeUndefined();
    expect(LEGACY_CAPABILITIES.sasl).toEqual([]);
  });

  it("bounds the number of lines", () => {
    const many = Array.from({ length: 300 }, (_, index) => `X-TAG-${index}`);
    expect(() => parseCapabilities(many)).toThrow(
      expect.objectContaining({ code: ErrorCode.LIMIT_EXCEEDED }),
    );
  });
});

describe("listings", () => {
  it("parses STAT, LIST and UIDL replies (RFC 1939 §5, §7)", () => {
    expect(parseDropListing("2 320")).toEqual({ messageCount: 2, octets: 320 });
    expect(parseDropListing("0 0")).toEqual({ messageCount: 0, octets: 0 });
    expect(parseScanListing("1 120")).toEqual({ messageNumber: 1, octets: 120 });
    expect(parseScanListing("2 200 extra info the RFC allows")).toEqual({ messageNumber: 2, octets: 200 });
    expect(parseUniqueIdListing("1 whqtswO00WBw418f9t5JxYwZ")).toEqual({
      messageNumber: 1,
      uniqueId: "whqtswO00WBw418f9t5JxYwZ",
    });
  });

  it("rejects malformed or out-of-bounds fields", () => {
    for (const text of ["", "x 1", "1", "-1 2", "1 -2", "1 1e3", "0 10", "99999999999999999 1", "1 0x10"]) {
      expect(() => parseScanListing(text), text).toThrow(expect.objectContaining({ code: ErrorCode.PARSE }));
    }
    expect(() => parseDropListing("2")).toThrow(expect.objectContaining({ code: ErrorCode.PARSE }));
    for (const text of ["1", "1 " + "a".repeat(71), "1 bad\u0001id", "0 abc", "x abc"]) {
      expect(() => parseUniqueIdListing(text), text).toThrow(
        expect.objectContaining({ code: ErrorCode.PARSE }),
      );
    }
    expect(parseUniqueIdListing(`3 ${"~".repeat(70)}`).uniqueId).toHaveLength(70);
  });
});

describe("APOP (RFC 1939 §7)", () => {
  it("reproduces the RFC digest from the vector", () => {
    const timestamp = extractApopTimestamp(apopVector.server_greeting as string);
    expect(timestamp).toBe(apopVector.timestamp);
    expect(apopDigest(timestamp as string, apopVector.shared_secret as string)).toBe(apopVector.digest);
    expect(encodeCommandLine("APOP", apopVector.user as string, apopVector.digest as string)).toBe(
      apopVector.client_command,
    );
  });

  it("accepts only msg-id shaped printable ASCII timestamps", () => {
    expect(extractApopTimestamp("+OK ready")).toBeUndefined();
    expect(extractApopTimestamp("POP3 <no-at-sign>")).toBeUndefined();
    expect(extractApopTimestamp("ready <a b@c>")).toBeUndefined();
    expect(extractApopTimestamp("ready <\u00ff\u00fe@c>")).toBeUndefined();
    expect(extractApopTimestamp(`ready <${"x".repeat(300)}@h>`)).toBeUndefined();
    expect(extractApopTimestamp("Dovecot ready. <1a2b.3.4c@host>")).toBe("<1a2b.3.4c@host>");
    expect(() => apopDigest("no brackets", "pw")).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
  });
});

describe("encodeCommandLine", () => {
  it("joins keyword and arguments with single spaces, upper-casing the keyword", () => {
    expect(encodeCommandLine("retr", 1)).toBe("RETR 1");
    expect(encodeCommandLine("TOP", 3, 0)).toBe("TOP 3 0");
    expect(encodeCommandLine("PASS", "secret with spaces")).toBe("PASS secret with spaces");
  });

  it("rejects CR, LF and NUL injection with InvalidArgumentError", () => {
    for (const value of ["a\r\nDELE 1", "a\nb", "a\rb", "a\0b"]) {
      for (const keyword of ["USER", "PASS", "LANG"]) {
        expect(() => encodeCommandLine(keyword, value)).toThrow(
          expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
        );
      }
    }
  });

  it("rejects spaces outside PASS, empty arguments, bad numbers, long lines and bad keywords", () => {
    const invalid = expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT });
    expect(() => encodeCommandLine("USER", "a b")).toThrow(invalid);
    expect(() => encodeCommandLine("USER", "")).toThrow(invalid);
    expect(() => encodeCommandLine("RETR", -1)).toThrow(invalid);
    expect(() => encodeCommandLine("RETR", 1.5)).toThrow(invalid);
    expect(() => encodeCommandLine("USER", "u".repeat(300))).toThrow(invalid);
    expect(() => encodeCommandLine("RE TR")).toThrow(invalid);
    expect(() => encodeCommandLine("X")).toThrow(invalid);
  });

  it("never puts a password into the error message", () => {
    try {
      encodeCommandLine("PASS", `${"p".repeat(260)}-secret`);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("secret");
    }
  });
});
