import { readFileSync } from "node:fs";
import { isMailwireError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readItem } from "../src/model/item.js";
import { readSoapResponse } from "../src/soap/parse-response.js";
import { ItemSplitter, pieceXml } from "../src/streaming/item-splitter.js";
import { parseXml } from "../src/xml/parse-xml.js";
import { childElement, pathElement } from "../src/xml/xml-element.js";

// The splitter behind findItems: items and frame come out the same in every chunking, the frame
// keeps the paging attributes, and broken or hostile input is a typed error.

const vector = readFileSync(
  new URL("../../../../shared/vectors/ews/finditem-response.xml", import.meta.url),
  "utf8",
);
const limits = { maxFrameChars: 64 * 1024, maxItemChars: 64 * 1024 };

function split(document: string, cuts: number[]) {
  const bytes = Buffer.from(document);
  const splitter = new ItemSplitter(limits);
  const items: string[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    for (const piece of splitter.push(bytes.subarray(at, cut))) items.push(pieceXml(piece));
    at = cut;
  }
  return { items, frame: splitter.end() };
}

const page = (n: number) =>
  vector.replace(
    /<t:Items>[\s\S]*<\/t:Items>/,
    `<t:Items>${Array.from(
      { length: n },
      (_, i) =>
        `<t:Message><t:ItemId Id="id-${i}" ChangeKey="ck"/><t:Subject>Grüße — ${i} &amp; &lt;x&gt;</t:Subject><t:Message2/></t:Message>`,
    ).join("\n")}</t:Items>`,
  );

describe("ItemSplitter", () => {
  it("the documented FindItem response: two items, and a frame that keeps RootFolder", () => {
    const { items, frame } = split(vector, []);
    expect(items.map((xml) => readItem(parseXml(xml)).itemId.id)).toEqual(["AS4AUn=", "AS4AUM="]);
    const response = readSoapResponse(parseXml(frame));
    const root = pathElement(response.body, "ResponseMessages", "FindItemResponseMessage", "RootFolder");
    expect(root?.attributes).toEqual({ TotalItemsInView: "10", IncludesLastItemInRange: "true" });
    expect(childElement(root, "Items")?.children).toEqual([]);
  });

  it("any chunking (multi-byte characters cut too) gives the same items and frame", () => {
    const document = page(20);
    const whole = split(document, []);
    expect(whole.items).toHaveLength(20);
    expect(readItem(parseXml(whole.items[7] as string)).subject).toBe("Grüße — 7 & <x>");
    const size = Buffer.byteLength(document);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: size - 1 }), { maxLength: 30 }), (cuts) => {
        expect(split(document, cuts)).toEqual(whole);
      }),
    );
  });

  it("an empty list, self-closing or not", () => {
    expect(split(vector.replace(/<t:Items>[\s\S]*<\/t:Items>/, "<t:Items/>"), []).items).toEqual([]);
    expect(split(vector.replace(/<t:Items>[\s\S]*<\/t:Items>/, "<t:Items>\n</t:Items>"), [5]).items).toEqual(
      [],
    );
  });

  it("truncation inside the list, text between items, invalid UTF-8 and oversized items are typed errors", () => {
    const document = page(3);
    const cut = document.indexOf("</t:Items>") - 20;
    expect(() => split(document.slice(0, cut), [])).toThrow(/ends inside <t:Items>/);
    expect(() => split(document.replace("<t:Items>", "<t:Items>oops"), [])).toThrow(/text between items/);
    const splitter = new ItemSplitter(limits);
    expect(() => splitter.push(new Uint8Array([0x3c, 0xff, 0xfe]))).toThrow(/UTF-8/);
    const small = new ItemSplitter({ maxFrameChars: 64 * 1024, maxItemChars: 100 });
    expect(() =>
      small.push(Buffer.from(`${page(0).split("</t:Items>")[0]}<t:Message>${"x".repeat(200)}`)),
    ).toThrow(/exceeds 100/);
    const frameOnly = new ItemSplitter({ maxFrameChars: 50, maxItemChars: 100 });
    expect(() => frameOnly.push(Buffer.from("<a>".repeat(30)))).toThrow(/exceeds 50/);
  });

  it("invalid UTF-8 inside an item or between items fails while the page arrives, in any chunking", () => {
    const document = Buffer.from(page(4));
    const inItem = document.indexOf("Grüße — 2");
    const between = document.indexOf("\n", inItem);
    for (const [at, bytes] of [
      [inItem, [0xc3, 0x28]],
      [inItem, [0xff]],
      [between, [0x3c, 0x21, 0x2d, 0x2d, 0xe2, 0x80, 0x2d, 0x2d, 0x3e]],
    ] as const) {
      const broken = Buffer.concat([document.subarray(0, at), Buffer.from(bytes), document.subarray(at)]);
      for (const cut of [1, at, at + 1, broken.length - 1]) {
        const splitter = new ItemSplitter(limits);
        expect(() => {
          splitter.push(broken.subarray(0, cut));
          splitter.push(broken.subarray(cut));
        }).toThrow(/not valid UTF-8/);
      }
    }
  });

  it("invalid UTF-8 before the list fails whether or not its chunk reaches the list's start tag", () => {
    const document = Buffer.from(page(2));
    const at = document.indexOf("<t:Items>") - 1;
    const broken = Buffer.concat([
      document.subarray(0, at),
      Buffer.from([0xe2, 0x28]),
      document.subarray(at),
    ]);
    for (const cut of [at, at + 1, broken.indexOf("<t:Items>") + 3, broken.length]) {
      const splitter = new ItemSplitter(limits);
      expect(() => {
        splitter.push(broken.subarray(0, cut));
        splitter.push(broken.subarray(cut));
      }).toThrow(/not valid UTF-8/);
    }
  });

  it("items are copies, not views of the caller's chunk (a view would keep the socket buffer alive)", () => {
    const chunk = Buffer.from(page(3));
    const splitter = new ItemSplitter(limits);
    const pieces = splitter.push(chunk);
    expect(pieces).toHaveLength(3);
    const before = pieces.map(pieceXml);
    chunk.fill(0x20);
    expect(pieces.map(pieceXml)).toEqual(before);
  });

  it("nested same-name items cannot smuggle an item: the fragment does not parse", () => {
    const { items } = split(
      vector.replace(
        /<t:Items>[\s\S]*<\/t:Items>/,
        '<t:Items><t:Message><t:ItemId Id="outer"/><t:Message><t:ItemId Id="inner"/></t:Message></t:Message></t:Items>',
      ),
      [],
    );
    expect(() => parseXml(items[0] as string)).toThrow();
  });

  it("random mutations end in items/frame or a MailwireError, never a crash", () => {
    const document = page(5);
    fc.assert(
      fc.property(
        fc.nat(document.length),
        fc.constantFrom("", "<", "</t:Items>", "<t:Items>", "&", "<!--", "\u00ff"),
        (at, insert) => {
          try {
            const { items, frame } = split(document.slice(0, at) + insert + document.slice(at), [at]);
            for (const xml of items) parseXml(xml);
            readSoapResponse(parseXml(frame));
          } catch (error) {
            if (!isMailwireError(error)) throw error;
          }
        },
      ),
    );
  });
});
