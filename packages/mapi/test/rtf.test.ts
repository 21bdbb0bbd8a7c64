import { fromHex, MailwireError, toHex } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CompressedRtfType,
  compressedRtfCrc,
  compressRtf,
  decompressRtf,
  RTF_PREBUILT_DICTIONARY,
  readCompressedRtfHeader,
  readRtfBody,
} from "../src/index.js";

const ascii = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

// MS-OXRTFCP section 4: 4.1 "Simple Compressed RTF" and 4.2 "Crossing the Write Position".
const SIMPLE = {
  compressed:
    "2d0000002b0000004c5a4675f1c5c7a703000a007263706731323542320af32068656c090020627705b06c647d0a800fa0",
  rtf: "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n",
};
const CROSSING = {
  compressed: "1a0000001c0000004c5a4675e2d44b51410004205758595a0d6e7d010eb0",
  rtf: "{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}",
};

describe("compressed RTF (MS-OXRTFCP)", () => {
  it("the prebuilt dictionary is the specification's 207 bytes", () => {
    expect(RTF_PREBUILT_DICTIONARY).toHaveLength(207);
    expect(RTF_PREBUILT_DICTIONARY.startsWith("{\\rtf1\\ansi\\mac\\deff0")).toBe(true);
    expect(RTF_PREBUILT_DICTIONARY.endsWith("\\tab\\tx")).toBe(true);
  });

  it("decompresses the specification's examples, CRC checked", () => {
    for (const example of [SIMPLE, CROSSING]) {
      const input = fromHex(example.compressed);
      const header = readCompressedRtfHeader(input);
      expect(header.compressionType).toBe(CompressedRtfType.Compressed);
      expect(header.compressedSize).toBe(input.length - 4);
      expect(compressedRtfCrc(input.subarray(16))).toBe(header.crc);
      expect(latin1(decompressRtf(input))).toBe(example.rtf);
    }
  });

  it("compresses the specification's examples to exactly their bytes", () => {
    expect(toHex(compressRtf(ascii(SIMPLE.rtf)))).toBe(SIMPLE.compressed);
    expect(toHex(compressRtf(ascii(CROSSING.rtf)))).toBe(CROSSING.compressed);
  });

  it("reads and writes the uncompressed MELA form (CRC zero)", () => {
    const rtf = ascii("{\\rtf1\\ansi\\ansicpg1252\\pard test}");
    const stored = compressRtf(rtf, { uncompressed: true });
    expect(readCompressedRtfHeader(stored)).toEqual({
      compressedSize: rtf.length + 12,
      rawSize: rtf.length,
      compressionType: CompressedRtfType.Uncompressed,
      crc: 0,
    });
    expect(decompressRtf(stored)).toEqual(rtf);
  });

  it("a wrong CRC is a ParseError unless verification is off", () => {
    const input = fromHex(SIMPLE.compressed);
    input[12] = (input[12] as number) ^ 1;
    expect(() => decompressRtf(input)).toThrow(/CRC/);
    expect(latin1(decompressRtf(input, { verifyCrc: false }))).toBe(SIMPLE.rtf);
  });

  it("checks RAWSIZE against the limit before allocating", () => {
    const header = new Uint8Array(16);
    const view = new DataView(header.buffer);
    view.setUint32(0, 12, true);
    view.setUint32(4, 0xffffffff, true);
    view.setUint32(8, CompressedRtfType.Compressed, true);
    expect(() => decompressRtf(header)).toThrow(expect.objectContaining({ code: "MW_LIMIT_EXCEEDED" }));
    expect(() => decompressRtf(fromHex(SIMPLE.compressed), { maxRawSize: 10 })).toThrow(
      expect.objectContaining({ code: "MW_LIMIT_EXCEEDED", details: expect.objectContaining({ max: 10 }) }),
    );
  });

  it("rejects short headers, unknown types, truncated contents and a wrong RAWSIZE with ParseError", () => {
    const good = fromHex(SIMPLE.compressed);
    expect(() => decompressRtf(good.subarray(0, 15))).toThrow(expect.objectContaining({ code: "MW_PARSE" }));
    const unknown = good.slice();
    unknown[8] = 0x41;
    expect(() => decompressRtf(unknown)).toThrow(/COMPTYPE/);
    expect(() => decompressRtf(good.subarray(0, good.length - 3))).toThrow(/COMPSIZE/);
    const smaller = good.slice();
    smaller[4] = 0x20; // RAWSIZE 32 < 43
    expect(() => decompressRtf(smaller)).toThrow(/beyond RAWSIZE/);
    const larger = good.slice();
    larger[4] = 0x40;
    expect(() => decompressRtf(larger)).toThrow(/RAWSIZE states 64/);
  });

  it("round-trips random RTF-like and binary data, across the 4096-byte dictionary wrap", () => {
    const rtfish = fc
      .array(
        fc.constantFrom("{", "}", "\\par ", "\\b ", "hello ", "world", "\\'e9", "\r\n", "x", "\\fs20 "),
        {
          maxLength: 900,
        },
      )
      .map((parts) => ascii(parts.join("")));
    fc.assert(
      fc.property(fc.oneof(rtfish, fc.uint8Array({ maxLength: 6000 })), (data) => {
        const compressed = compressRtf(data);
        expect(decompressRtf(compressed)).toEqual(data);
      }),
      { numRuns: 150 },
    );
    const long = ascii(`{\\rtf1 ${"The quick brown fox \\b jumps\\b0  over the lazy dog. ".repeat(600)}}`);
    const compressed = compressRtf(long);
    expect(compressed.length).toBeLessThan(long.length / 4);
    expect(decompressRtf(compressed)).toEqual(long);
  });

  it("random or corrupted input: a typed error or bytes within RAWSIZE, never a crash", () => {
    const good = compressRtf(ascii(`{\\rtf1 ${"abc def ".repeat(50)}}`));
    const check = (input: Uint8Array) => {
      try {
        const out = decompressRtf(input, { maxRawSize: 1 << 16 });
        expect(out.length).toBe(readCompressedRtfHeader(input).rawSize);
      } catch (error) {
        expect(error).toBeInstanceOf(MailwireError);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), check), { numRuns: 300 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat({ max: good.length - 1 }), value: fc.nat({ max: 255 }) }), {
          maxLength: 6,
        }),
        fc.boolean(),
        (edits, skipCrc) => {
          const input = good.slice();
          for (const edit of edits) input[edit.at] = edit.value;
          try {
            decompressRtf(input, { verifyCrc: !skipCrc, maxRawSize: 1 << 16 });
          } catch (error) {
            expect(error).toBeInstanceOf(MailwireError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("RTF bodies (MS-OXRTFEX)", () => {
  it("de-encapsulates HTML: htmltag groups, text outside \\htmlrtf, escapes and \\par", () => {
    const rtf = [
      "{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss Arial;}}",
      "{\\*\\htmltag19 <html>}{\\*\\htmltag34 <head>}{\\*\\htmltag41 </head>}",
      "{\\*\\htmltag50 <body>}\\htmlrtf {\\htmlrtf0 ",
      "{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Caf\\'e9 \\{ok\\} \\\\ 5\\~\\u8364?\\htmlrtf\\par\\htmlrtf0 ",
      "{\\*\\htmltag72 </p>}\\htmlrtf }\\htmlrtf0 ",
      '{\\*\\htmltag84 <a href="https://example.test/">}\\htmlrtf {\\field{\\*\\fldinst HYPERLINK x}}\\htmlrtf0 link',
      "{\\*\\htmltag92 </a>}\\par{\\*\\mhtmltag84 ignored}",
      "\\htmlrtf }\\htmlrtf0 {\\*\\htmltag58 </body>}{\\*\\htmltag27 </html>}}",
    ].join("\r\n");
    const body = readRtfBody(ascii(rtf));
    expect(body.format).toBe("html");
    expect(body.html).toBe(
      '<html><head></head><body><p>Café {ok} \\ 5\u00a0€</p><a href="https://example.test/">link</a>\r\n</body></html>',
    );
  });

  it("plain text from simple RTF: paragraphs, tabs, code page and Unicode; tables and pictures skipped", () => {
    const rtf =
      "{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red255\\green0\\blue0;}" +
      "{\\*\\generator Test;}{\\info{\\title T}}\\pard\\b Hello\\b0\\tab \\'cf\\'f0\\'e8\\par " +
      "{\\pict\\pngblip\\bin4 \x00\x01{}}\\uc1\\u963?\\line world}";
    expect(readRtfBody(ascii(rtf))).toEqual({ format: "rtf", text: "Hello\tПри\r\nσ\r\nworld" });
    expect(readRtfBody(ascii("{\\rtf1\\ansi\\fromtext \\pard Plain\\par}"))).toEqual({
      format: "text",
      text: "Plain\r\n",
    });
  });

  it("a round trip: HTML-encapsulated RTF compressed, decompressed, de-encapsulated", () => {
    const rtf = ascii("{\\rtf1\\ansi\\fromhtml1 {\\*\\htmltag1 <b>}bold{\\*\\htmltag1 </b>}}");
    expect(readRtfBody(decompressRtf(compressRtf(rtf))).html).toBe("<b>bold</b>");
  });

  it("never crashes on random bytes; deep nesting is a LimitExceededError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 500 }),
          fc
            .array(
              fc.constantFrom(
                "{",
                "}",
                "\\",
                "\\'",
                "\\u",
                "-12",
                "\\bin9",
                "\\*",
                "\\htmltag",
                "a",
                "\\fromhtml1",
              ),
              {
                maxLength: 200,
              },
            )
            .map((p) => ascii(p.join(""))),
        ),
        (bytes) => {
          const body = readRtfBody(bytes);
          expect(["html", "text", "rtf"]).toContain(body.format);
        },
      ),
      { numRuns: 400 },
    );
    expect(() => readRtfBody(ascii("{".repeat(5000)))).toThrow(
      expect.objectContaining({ code: "MW_LIMIT_EXCEEDED" }),
    );
  });
});
