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

// Memory: a 1,000-item page is ~40,000 elements, most of them leaves. Leaves share one frozen
// empty attribute object and one frozen empty children array until they get their own; names
// are interned per document; the element under construction is the element returned (no copy).
// Every string kept in the tree is copied out of the document (`detach`), because V8 represents
// a substring of 13 or more characters as a view that keeps the whole response text alive: an
// item id kept by the caller would otherwise pin its page's response (1-2 MB) as long as it lives.
const EMPTY_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY_CHILDREN: readonly XmlElement[] = Object.freeze([]) as readonly XmlElement[];

interface MutableElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** A copy of `text` that does not share the document's storage (see above). */
const detach = (text: string): string => (text.length < 13 ? text : ` ${text}`.slice(1));

/** Checks `xml` and returns its root element. */
export function readXmlTree(xml: string, limits: XmlReadLimits = EwsLimits): XmlElement {
  const stack: MutableElement[] = [];
  const qualifiedNames: string[] = [];
  const localNames = new Map<string, string>();
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
    if (!NAME.test(xml)) return fail("expected a name", at);
    return xml.slice(at, NAME.lastIndex);
  };

  /** The interned local name (prefix removed) of a qualified name. */
  const localName = (qualified: string): string => {
    let local = localNames.get(qualified);
    if (local === undefined) {
      const colon = qualified.indexOf(":");
      local = detach(colon === -1 ? qualified : qualified.slice(colon + 1));
      localNames.set(qualified, local);
    }
    return local;
  };

  const append = (parent: MutableElement, child: XmlElement) => {
    if (parent.children === EMPTY_CHILDREN) parent.children = [child];
    else parent.children.push(child);
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
        const open = stack[stack.length - 1] as MutableElement;
        const decoded = decodeXmlText(xml.slice(position, textEnd));
        open.text = open.text === "" ? detach(decoded) : open.text + decoded;
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
      const open = stack[stack.length - 1] as MutableElement;
      open.text = open.text === "" ? detach(xml.slice(lt + 9, end)) : open.text + xml.slice(lt + 9, end);
      position = end + 3;
    } else if (xml.startsWith("<!", lt)) {
      // DOCTYPE, ENTITY, ELEMENT, ATTLIST...: any DTD is refused (XXE, entity expansion).
      fail("contains a DTD or entity declaration, which EWS responses never have", lt);
    } else if (xml.charCodeAt(lt + 1) === 0x2f /* / */) {
      const name = readName(lt + 2);
      const close = skipSpace(lt + 2 + name.length);
      if (xml.charCodeAt(close) !== 0x3e /* > */) fail("has a malformed end tag", lt);
      const closed = stack.pop();
      const qualifiedName = qualifiedNames.pop();
      if (closed === undefined) return fail(`has an end tag </${name}> with no open element`, lt);
      if (qualifiedName !== name) fail(`has </${name}> where </${qualifiedName}> was expected`, lt);
      const parent = stack[stack.length - 1];
      if (parent) append(parent, closed);
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
      let attributes = EMPTY_ATTRIBUTES as Record<string, string>;
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
          if (attributes === EMPTY_ATTRIBUTES) attributes = {};
          attributes[localName(attribute)] = detach(decodeXmlText(xml.slice(j + 1, end)));
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
      const open: MutableElement = {
        name: localName(name),
        attributes,
        children: EMPTY_CHILDREN as XmlElement[],
        text: "",
      };
      if (!selfClosing) {
        stack.push(open);
        qualifiedNames.push(name);
        if (stack.length > limits.maxDepth) {
          throw new LimitExceededError(`XML nesting exceeds ${limits.maxDepth} levels`, {
            limit: "maxDepth",
            max: limits.maxDepth,
          });
        }
      } else {
        const parent = stack[stack.length - 1];
        if (parent) append(parent, open);
        else {
          root = open;
          rootClosed = true;
        }
      }
      position = i;
    }
  }
  if (stack.length > 0)
    fail(`is truncated: <${qualifiedNames[qualifiedNames.length - 1]}> is never closed`, length);
  if (root === undefined || !rootClosed) return fail("has no root element", length);
  return root;
}
