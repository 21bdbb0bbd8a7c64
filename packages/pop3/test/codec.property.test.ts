import { isMailwireError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeCommandLine,
  extractApopTimestamp,
  parseCapabilities,
  parseScanListing,
  parseStatusLine,
  parseUniqueIdListing,
} from "../src/index.js";

/** Untrusted input either parses or throws a MailwireError; nothing else (TypeError, RangeError) escapes. */
function onlyMailwireErrors(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    expect(isMailwireError(error)).toBe(true);
  }
}

const anyLine = fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }));
const printable = fc.string({ unit: fc.constantFrom(..."abcXYZ019-_./[]:@<>+ "), maxLength: 60 });

describe("parsers of untrusted bytes (fast-check)", () => {
  it("status, listing, capability and greeting parsers only throw typed errors", () => {
    fc.assert(
      fc.property(anyLine, (line) => {
        onlyMailwireErrors(() => parseStatusLine(line));
        onlyMailwireErrors(() => parseScanListing(line));
        onlyMailwireErrors(() => parseUniqueIdListing(line));
        onlyMailwireErrors(() => parseCapabilities([line]));
        onlyMailwireErrors(() => extractApopTimestamp(line));
      }),
      { numRuns: 2000 },
    );
  });

  it("status lines round-trip: indicator, code and text come back as sent", () => {
    const level = fc.string({ unit: fc.constantFrom(..."ABCZ-019"), minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.option(fc.array(level, { minLength: 1, maxLength: 3 }), { nil: undefined }),
        printable.filter((text) => !text.startsWith("[")),
        (ok, levels, text) => {
          const code = levels?.join("/");
          const line = `${ok ? "+OK" : "-ERR"}${code ? ` [${code}]` : ""}${text ? ` ${text}` : ""}`;
          const status = parseStatusLine(line);
          expect(status.ok).toBe(ok);
          expect(status.responseCode).toBe(code);
          expect(status.text).toBe(text);
        },
      ),
    );
  });

  it("scan and unique-id listings round-trip", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.nat(),
        fc.string({
          unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
          minLength: 1,
          maxLength: 70,
        }),
        (messageNumber, octets, uniqueId) => {
          expect(parseScanListing(`${messageNumber} ${octets}`)).toEqual({ messageNumber, octets });
          expect(parseUniqueIdListing(`${messageNumber} ${uniqueId}`)).toEqual({ messageNumber, uniqueId });
        },
      ),
    );
  });

  it("encodeCommandLine never emits CR, LF or NUL", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("USER", "PASS", "LANG", "APOP"),
        fc.string({ maxLength: 80 }),
        (keyword, arg) => {
          try {
            const line = encodeCommandLine(keyword, arg);
            expect(line).not.toMatch(/[\r\n\0]/);
          } catch (error) {
            expect(isMailwireError(error)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
