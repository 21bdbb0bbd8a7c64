import { Readable } from "node:stream";
import { LimitExceededError, ParseError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readBounded } from "../src/client/read-bounded.js";

// readBounded reads a whole EWS response. It decodes UTF-8 once, over all the bytes, so a
// character split between two chunks arrives whole; bytes that are not UTF-8 are a ParseError
// instead of U+FFFD slipped into a subject.

const body = (...chunks: Uint8Array[]) => Readable.from(chunks.map((chunk) => Buffer.from(chunk)));
const read = (...chunks: Uint8Array[]) => readBounded(body(...chunks), 1024 * 1024);
const MAX = 1024 * 1024;

describe("readBounded", () => {
  const subject = "<t:Subject>Bench message 9601 &amp; &lt;co&gt; — Grüße</t:Subject>";
  const bytes = Buffer.from(subject);
  const dash = bytes.indexOf(Buffer.from("—"));

  it.each([1, 2])("a character split between chunks after its byte %i arrives whole", async (cut) => {
    const at = dash + cut;
    await expect(read(bytes.subarray(0, at), bytes.subarray(at))).resolves.toBe(subject);
  });

  it("one chunk per byte decodes exactly", async () => {
    await expect(read(...[...bytes].map((byte) => Uint8Array.of(byte)))).resolves.toBe(subject);
  });

  it.each([
    ["a lead byte without its continuation (E2 then ASCII)", [0xe2, 0x20, 0x72], 0],
    ["a stray continuation byte", [0x80, 0x94], 0],
    ["a sequence cut off at the end of the body", [0xe2, 0x80], 0],
    ["an overlong encoding of '/'", [0xc0, 0xaf], 0],
    ["a UTF-16 surrogate encoded as UTF-8", [0xed, 0xa0, 0x80], 0],
    ["Latin-1 instead of UTF-8", [0x47, 0x72, 0xfc, 0xdf, 0x65], 2],
  ])("%s is a ParseError (MW_PARSE) with the offset of the bad byte", async (_name, bad, offset) => {
    const head = Buffer.from("<t:Subject>");
    const error = await read(head, Uint8Array.from(bad), Buffer.from("</t:Subject>")).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "MW_PARSE", details: { offset: head.length + offset } });
  });

  it("U+FFFD the server really sent is kept (it is valid UTF-8)", async () => {
    await expect(read(Buffer.from("a\uFFFDb"))).resolves.toBe("a\uFFFDb");
  });

  it("a byte order mark is kept as U+FEFF for the XML reader", async () => {
    await expect(read(Uint8Array.of(0xef, 0xbb, 0xbf, 0x3c))).resolves.toBe("\uFEFF<");
  });

  it("more than maxBytes is a LimitExceededError before any decoding", async () => {
    await expect(readBounded(body(Buffer.alloc(10, 0x41), Uint8Array.of(0xff)), 8)).rejects.toBeInstanceOf(
      LimitExceededError,
    );
  });

  it("property: any text in any chunking decodes to itself", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "grapheme", maxLength: 200 }),
        fc.array(fc.nat()),
        async (text, cuts) => {
          const encoded = Buffer.from(text);
          const points = [...new Set(cuts.map((cut) => cut % (encoded.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let from = 0;
          for (const point of points) {
            chunks.push(encoded.subarray(from, point));
            from = point;
          }
          chunks.push(encoded.subarray(from));
          expect(await read(...chunks)).toBe(text);
        },
      ),
    );
  });

  it("property: any bytes are either exactly their strict UTF-8 decoding or a ParseError", async () => {
    const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), fc.nat(), async (bytes, cut) => {
        const at = cut % (bytes.length + 1);
        let expected: string | undefined;
        try {
          expected = strict.decode(bytes);
        } catch {
          expected = undefined;
        }
        const result = await readBounded(body(bytes.subarray(0, at), bytes.subarray(at)), MAX).catch(
          (e: unknown) => e,
        );
        if (expected === undefined) {
          expect(result).toBeInstanceOf(ParseError);
          const offset = (result as ParseError).details.offset as number;
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset).toBeLessThan(bytes.length);
        } else expect(result).toBe(expected);
      }),
    );
  });
});
