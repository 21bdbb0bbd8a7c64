import { LimitExceededError, ParseError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EwsLimits } from "../src/limits.js";
import { parseXml } from "../src/xml/parse-xml.js";
import { element, escapeXmlText, serializeXml, type XmlNode } from "../src/xml/serialize-xml.js";

// The response parser is the boundary with untrusted bytes: a reply is well-formed and
// DTD-free, within limits, or a typed error; never an expansion, a fetch, or a hang.

describe("hostile XML", () => {
  it("refuses the billion laughs", () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`;
    expect(() => parseXml(lol)).toThrow(ParseError);
    expect(() => parseXml(lol)).toThrow(/DTD/);
  });

  it("refuses external entities (XXE)", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>`;
    expect(() => parseXml(xxe)).toThrow(ParseError);
  });

  it("refuses undefined entity references even without a DTD", () => {
    expect(() => parseXml("<a>&xxe;</a>")).toThrow(/undefined entity/);
    expect(() => parseXml('<a b="&nbsp;"/>')).toThrow(ParseError);
  });

  it("refuses a DOCTYPE after the root has started", () => {
    expect(() => parseXml("<a><!DOCTYPE x></a>")).toThrow(ParseError);
  });

  it("decodes predefined entities and character references, and keeps CDATA literal", () => {
    const root = parseXml(`<a t="x&amp;&quot;&#x41;">&lt;b&gt; &#233;<![CDATA[&amp;<c>]]></a>`);
    expect(root.attributes.t).toBe('x&"A');
    expect(root.text).toBe("<b> é&amp;<c>");
  });

  it("refuses illegal character references", () => {
    expect(() => parseXml("<a>&#0;</a>")).toThrow(ParseError);
    expect(() => parseXml("<a>&#xD800;</a>")).toThrow(ParseError);
  });

  it.each([
    ["<soap:Envelope><soap:Body><m:GetItemResponse>", "never closed"],
    ["<a><b></a>", "where </b> was expected"],
    ["<a", "name|truncated"],
    ['<a b="1', "truncated"],
    ["<a><!-- x", "truncated"],
    ["", "no root"],
    ["<a/><b/>", "second root"],
    ["<a/>text", "outside the root"],
    ["<a b=1/>", "unquoted"],
  ])("truncated or malformed %j is a ParseError", (xml, message) => {
    expect(() => parseXml(xml)).toThrow(ParseError);
    expect(() => parseXml(xml)).toThrow(new RegExp(message));
  });

  it("limits nesting depth", () => {
    const deep = `${"<a>".repeat(EwsLimits.maxDepth + 1)}${"</a>".repeat(EwsLimits.maxDepth + 1)}`;
    expect(() => parseXml(deep)).toThrow(LimitExceededError);
    const ok = `${"<a>".repeat(EwsLimits.maxDepth)}${"</a>".repeat(EwsLimits.maxDepth)}`;
    expect(parseXml(ok).name).toBe("a");
  });

  it("limits document size, element count and attribute length", () => {
    expect(() => parseXml("<a>xxxxxxxxxx</a>", { ...EwsLimits, maxResponseBytes: 8 })).toThrow(
      LimitExceededError,
    );
    expect(() => parseXml("<a><b/><b/><b/></a>", { ...EwsLimits, maxElements: 3 })).toThrow(
      LimitExceededError,
    );
    expect(() => parseXml(`<a b="${"x".repeat(65)}"/>`, { ...EwsLimits, maxAttributeLength: 64 })).toThrow(
      LimitExceededError,
    );
  });

  it("a huge text value within limits parses in linear time", () => {
    const big = "A".repeat(20 * 1024 * 1024);
    const started = performance.now();
    expect(parseXml(`<a>${big}</a>`).text.length).toBe(big.length);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("many unclosed tags fail fast (no quadratic rescans)", () => {
    const started = performance.now();
    expect(() => parseXml("<a>".repeat(50) + "<b ".repeat(100_000))).toThrow();
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("serializer", () => {
  it("escapes text and attributes, and drops characters XML cannot carry", () => {
    const xml = serializeXml(element("t:Subject", { Name: `a"<&>\n` }, `x</t:Subject><inject/>&\u0001\r`));
    expect(xml).toBe(
      '<t:Subject Name="a&quot;&lt;&amp;&gt;&#10;">x&lt;/t:Subject&gt;&lt;inject/&gt;&amp;&#13;</t:Subject>',
    );
    expect(parseXml(xml).text).toBe("x</t:Subject><inject/>&\r");
  });

  it("refuses element names that are not names", () => {
    expect(() => serializeXml(element("a b"))).toThrow(TypeError);
  });

  it("escapeXmlText keeps surrogate pairs, drops lone surrogates", () => {
    expect(escapeXmlText("😀\uD800x")).toBe("😀x");
  });
});

describe("properties", () => {
  const xmlChar = fc
    .string({ unit: "binary", maxLength: 40 })
    .map((s) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/g, ""));

  const node: fc.Arbitrary<XmlNode> = fc.letrec<{ node: XmlNode }>((tie) => ({
    node: fc.record({
      name: fc.constantFrom("a", "t:B", "m:C", "d"),
      attributes: fc.dictionary(fc.constantFrom("x", "Id", "ChangeKey"), xmlChar, { maxKeys: 2 }),
      children: fc.array(fc.oneof({ depthSize: "small" }, xmlChar, tie("node")), { maxLength: 4 }),
    }),
  })).node;

  it("what we serialize parses back to the same text and attributes", () => {
    fc.assert(
      fc.property(node, (tree) => {
        const parsed = parseXml(serializeXml(tree));
        expect(parsed.name).toBe(tree.name.replace(/^\w+:/, ""));
        const expected = (tree.children ?? [])
          .filter((c) => typeof c === "string")
          .join("")
          .replace(/\r\n?/g, (m) => m);
        expect(parsed.text).toBe(expected);
        for (const [key, value] of Object.entries(tree.attributes ?? {}))
          expect(parsed.attributes[key]).toBe(value);
      }),
    );
  });

  it("arbitrary input either parses or throws a MailwireError, quickly", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({
            unit: fc.constantFrom("<", ">", "/", "a", "!", "&", ";", '"', "=", " ", "?", "[", "-"),
            maxLength: 200,
          }),
        ),
        (input) => {
          try {
            parseXml(input);
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("every prefix of a valid response is a ParseError (truncation), never a partial tree", () => {
    const xml = serializeXml(
      element(
        "s:Envelope",
        undefined,
        element("s:Body", undefined, element("m:R", { a: "1" }, "text", element("t:X", undefined, "y"))),
      ),
    );
    for (let cut = 0; cut < xml.length; cut++) expect(() => parseXml(xml.slice(0, cut))).toThrow(ParseError);
  });
});
