import { isMailwireError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAutoconfig } from "../src/codec/autoconfig.js";
import { parseAutodiscoverV2 } from "../src/codec/autodiscover-v2.js";
import { AutodiscoverLimits } from "../src/codec/limits.js";
import { parsePoxResponse } from "../src/codec/pox-response.js";
import { settingsFromPox } from "../src/codec/settings-from-pox.js";
import { parseGetUserSettingsResponse } from "../src/codec/soap-get-user-settings.js";
import { parseXmlTree } from "../src/codec/xml-tree.js";
import { vector } from "./vectors.js";

const parsers: Array<[string, (input: string | Uint8Array) => unknown]> = [
  [
    "pox",
    (input) => {
      const answer = parsePoxResponse(input);
      return answer.kind === "settings" ? settingsFromPox("a@b.c", answer) : answer;
    },
  ],
  ["soap", parseGetUserSettingsResponse],
  ["autoconfig", (input) => parseAutoconfig(input, "a@b.c")],
  ["v2", parseAutodiscoverV2],
];

function onlyMailwireErrors(
  parse: (input: string | Uint8Array) => unknown,
  input: string | Uint8Array,
): void {
  try {
    parse(input);
  } catch (error) {
    if (!isMailwireError(error)) throw error;
  }
}

describe("hostile XML", () => {
  it("refuses an external entity (XXE) before parsing", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><Autodiscover><Response>&x;</Response></Autodiscover>`;
    expect(() => parsePoxResponse(xxe)).toThrowError(expect.objectContaining({ code: "MW_PARSE" }));
  });

  it("refuses a billion-laughs document", () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Autodiscover>&lol3;</Autodiscover>`;
    expect(() => parsePoxResponse(lol)).toThrowError(expect.objectContaining({ code: "MW_PARSE" }));
  });

  it("decodes the predefined entities and character references", () => {
    expect(parseXmlTree("<a>x &amp; y &#65;&#x42;</a>").text).toBe("x & y AB");
  });

  it("enforces size, depth and element-count limits", () => {
    const big = `<Autodiscover>${" ".repeat(AutodiscoverLimits.maxBodyBytes)}</Autodiscover>`;
    expect(() => parsePoxResponse(big)).toThrowError(expect.objectContaining({ code: "MW_LIMIT_EXCEEDED" }));
    const deep = `${"<a>".repeat(200)}${"</a>".repeat(200)}`;
    expect(() => parseXmlTree(deep)).toThrowError(
      expect.objectContaining({ code: expect.stringMatching(/MW_LIMIT_EXCEEDED|MW_PARSE/) }),
    );
    const wide = `<a>${"<b/>".repeat(100)}</a>`;
    expect(() => parseXmlTree(wide, { maxElements: 50 })).toThrowError(
      expect.objectContaining({ code: "MW_LIMIT_EXCEEDED" }),
    );
  });

  it("refuses malformed XML and invalid UTF-8", () => {
    for (const text of ["<a><b></a>", "<a", "", "text only", "<a></a><b></b>"]) {
      expect(() => parseXmlTree(text), text).toThrowError(expect.objectContaining({ code: "MW_PARSE" }));
    }
    expect(() => parseXmlTree(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]))).toThrowError(
      expect.objectContaining({ code: "MW_PARSE" }),
    );
  });

  for (const [name, parse] of parsers) {
    it(`${name}: arbitrary strings and bytes raise only MailwireErrors`, () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 400 }), (text) => onlyMailwireErrors(parse, text)),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => onlyMailwireErrors(parse, bytes)),
        { numRuns: 300 },
      );
    });
  }

  const seeds = [
    vector("pox-autodiscover-response-settings-EXCH-EXPR-WEB.xml"),
    vector("ms-oxdscli-4.4-mapihttp-response.xml"),
    vector("ms-oxdscli-4.2-redirectAddr-response.xml"),
    vector("soap-getusersettings-response.xml"),
  ].map((bytes) => new TextDecoder().decode(bytes));

  for (const [name, parse] of parsers) {
    it(`${name}: mutated vectors (cut, spliced, characters replaced) raise only MailwireErrors`, () => {
      const mutated = fc
        .tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat(), fc.string({ maxLength: 12 }))
        .map(([seed, a, b, insert]) => {
          const start = a % (seed.length + 1);
          const end = start + (b % 40);
          return seed.slice(0, start) + insert + seed.slice(end);
        });
      fc.assert(
        fc.property(mutated, (text) => onlyMailwireErrors(parse, text)),
        { numRuns: 400 },
      );
    });
  }
});
