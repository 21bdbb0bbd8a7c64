import { LimitExceededError, ParseError } from "@mailwire/core";
import { EwsLimits, type EwsLimitsShape } from "../limits.js";
import { decodeXmlText } from "./decode-text.js";
import type { XmlElement } from "./xml-element.js";

// One linear pass that checks a response and builds its tree (see docs/decisions/0001-xml-parser.md
// for why this is not fast-xml-parser). A reply is well-formed with balanced tags, or it is a
// ParseError with the offset. Every `<!DOCTYPE`/`<!ENTITY` is refused: no external entities, so
// no XXE; no internal entities, so no billion laughs; only the five predefined entities and
// character references exist (XML 1.0 4.6). Depth, element-count and attribute-length limits
// hold. EWS never sends a DTD (responses are plain SOAP 1.1 documents, MS-OXWSCDATA 2.1).
// Names lose their namespace prefix (see xml-element.ts). Comments and processing instructions
// are skipped.

const NAME = /[A-Za-z_\u00C0-\uFFFF][\w.\-:\u00B7\u00C0-\uFFFF]*/y;
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});/y;

export type XmlReadLimits = Pick<EwsLimitsShape, "maxDepth" | "maxElements" | "maxAttributeLength">;

interface OpenElement {
  qualifiedName: string;
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const localName = (qualified: string) => {
  const colon = qualified.indexOf(":");
  return colon === -1 ? qualified : qualified.slice(colon + 1);
};

const finish = (open: OpenElement): XmlElement => ({
  name: open.name,
  attributes: open.attributes,
  children: open.children,
  text: open.text,
});

/** Checks `xml` and returns its root element. */
export function readXmlTree(xml: string, limits: XmlReadLimits = EwsLimits): XmlElement {
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let rootClosed = false;
  let position = 0;
  const length = xml.length;

  const fail = (message: string, offset: number): never => {
    throw new ParseError(`XML ${message} at offset ${offset}`, { offset });
  };

  const checkReferences = (from: number, to: number) => {
    let amp = xml.indexOf("&", from);
    while (amp !== -1 && amp < to) {
      REFERENCE.lastIndex = amp;
      if (!REFERENCE.test(xml) || REFERENCE.lastIndex > to) {
        fail("has an undefined entity reference (only the predefined ones are allowed)", amp);
      }
      amp = xml.indexOf("&", REFERENCE.lastIndex);
    }
  };

  const readName = (at: number): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(xml);
    if (match === null) return fail("expected a name", at);
    return match[0];
  };

  const skipSpace = (at: number): number => {
    let i = at;
    while (i < length) {
      const c = xml.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
    return i;
  };

  while (position < length) {
    const lt = xml.indexOf("<", position);
    const textEnd = lt === -1 ? length : lt;
    if (textEnd > position) {
      if (stack.length === 0) {
        if (xml.slice(position, textEnd).trim() !== "" && !(position === 0 && xml.charCodeAt(0) === 0xfeff)) {
          fail("has text outside the root element", position);
        }
      } else {
        checkReferences(position, textEnd);
        (stack[stack.length - 1] as OpenElement).text += decodeXmlText(xml.slice(position, textEnd));
      }
    }
    if (lt === -1) break;
    if (xml.startsWith("<?", lt)) {
      const end = xml.indexOf("?>", lt + 2);
      if (end === -1) fail("is truncated inside a processing instruction", lt);
      position = end + 2;
    } else if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end === -1) fail("is truncated inside a comment", lt);
      position = end + 3;
    } else if (xml.startsWith("<![CDATA[", lt)) {
      if (stack.length === 0) fail("has CDATA outside the root element", lt);
      const end = xml.indexOf("]]>", lt + 9);
      if (end === -1) fail("is truncated inside CDATA", lt);
      (stack[stack.length - 1] as OpenElement).text += xml.slice(lt + 9, end);
      position = end + 3;
    } else if (xml.startsWith("<!", lt)) {
      // DOCTYPE, ENTITY, ELEMENT, ATTLIST...: any DTD is refused (XXE, entity expansion).
      fail("contains a DTD or entity declaration, which EWS responses never have", lt);
    } else if (xml.charCodeAt(lt + 1) === 0x2f /* / */) {
      const name = readName(lt + 2);
      const close = skipSpace(lt + 2 + name.length);
      if (xml.charCodeAt(close) !== 0x3e /* > */) fail("has a malformed end tag", lt);
      const open = stack.pop();
      if (open === undefined) return fail(`has an end tag </${name}> with no open element`, lt);
      if (open.qualifiedName !== name) fail(`has </${name}> where </${open.qualifiedName}> was expected`, lt);
      const closed = finish(open);
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(closed);
      else {
        root = closed;
        rootClosed = true;
      }
      position = close + 1;
    } else {
      if (rootClosed) fail("has a second root element", lt);
      const name = readName(lt + 1);
      let i = lt + 1 + name.length;
      let selfClosing = false;
      const attributes: Record<string, string> = {};
      for (;;) {
        const afterSpace = skipSpace(i);
        const c = xml.charCodeAt(afterSpace);
        if (c === 0x3e) {
          i = afterSpace + 1;
          break;
        }
        if (c === 0x2f && xml.charCodeAt(afterSpace + 1) === 0x3e) {
          selfClosing = true;
          i = afterSpace + 2;
          break;
        }
        if (afterSpace >= length) fail("is truncated inside a start tag", lt);
        if (afterSpace === i) fail("needs white space between attributes", afterSpace);
        const attribute = readName(afterSpace);
        let j = skipSpace(afterSpace + attribute.length);
        if (xml.charCodeAt(j) !== 0x3d /* = */) fail("has an attribute without a value", j);
        j = skipSpace(j + 1);
        const quote = xml[j];
        if (quote !== '"' && quote !== "'") fail("has an unquoted attribute value", j);
        const end = xml.indexOf(quote as string, j + 1);
        if (end === -1) fail("is truncated inside an attribute value", j);
        if (end - j - 1 > limits.maxAttributeLength) {
          throw new LimitExceededError(
            `an XML attribute value exceeds ${limits.maxAttributeLength} characters`,
            {
              limit: "maxAttributeLength",
              max: limits.maxAttributeLength,
            },
          );
        }
        const lessThan = xml.indexOf("<", j + 1);
        if (lessThan !== -1 && lessThan < end) fail("has '<' in an attribute value", lessThan);
        checkReferences(j + 1, end);
        // xmlns declarations are dropped with the prefixes they bind.
        if (attribute !== "xmlns" && !attribute.startsWith("xmlns:")) {
          attributes[localName(attribute)] = decodeXmlText(xml.slice(j + 1, end));
        }
        i = end + 1;
      }
      elements += 1;
      if (elements > limits.maxElements) {
        throw new LimitExceededError(`the XML has more than ${limits.maxElements} elements`, {
          limit: "maxElements",
          max: limits.maxElements,
        });
      }
      const open: OpenElement = {
        qualifiedName: name,
        name: localName(name),
        attributes,
        children: [],
        text: "",
      };
      if (!selfClosing) {
        stack.push(open);
        if (stack.length > limits.maxDepth) {
          throw new LimitExceededError(`XML nesting exceeds ${limits.maxDepth} levels`, {
            limit: "maxDepth",
            max: limits.maxDepth,
          });
        }
      } else {
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(finish(open));
        else {
          root = finish(open);
          rootClosed = true;
        }
      }
      position = i;
    }
  }
  if (stack.length > 0)
    fail(`is truncated: <${stack[stack.length - 1]?.qualifiedName}> is never closed`, length);
  if (root === undefined || !rootClosed) return fail("has no root element", length);
  return root;
}
