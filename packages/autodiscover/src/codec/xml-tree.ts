import { LimitExceededError, ParseError } from "@mailwire/core";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { AutodiscoverLimits } from "./limits.js";

/** One element with its namespace prefix removed; enough for the autodiscover schemas. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated, trimmed character data directly inside this element. */
  readonly text: string;
}

export interface XmlLimits {
  maxBytes?: number | undefined;
  maxDepth?: number | undefined;
  maxElements?: number | undefined;
}

const TEXT = "#text";
const ATTRIBUTES = ":@";
const ATTRIBUTE_PREFIX = "@_";

// No autodiscover document (MS-OXDSCLI 2.2.4, MS-OXWSADISC 2.2, autoconfig 1.1) has a DTD.
// Refusing any DOCTYPE or ENTITY declaration before parsing rules out external entities
// (XXE) and entity expansion (billion laughs) whatever the parser would do with them; the
// five predefined entities and character references still decode.
const DECLARATION = /<!\s*(?:DOCTYPE|ENTITY)/i;

function textOf(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === "string") {
    if (input.length > maxBytes) throw tooLarge(maxBytes);
    return input;
  }
  if (input.byteLength > maxBytes) throw tooLarge(maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(input);
  } catch (error) {
    throw new ParseError("the document is not valid UTF-8", { cause: error });
  }
}

function tooLarge(maxBytes: number): LimitExceededError {
  return new LimitExceededError(`the document exceeds ${maxBytes} bytes`, {
    limit: "maxBytes",
    max: maxBytes,
  });
}

type OrderedNode = Record<string, unknown>;

/**
 * Parses a small XML document into a tree of elements, or throws ParseError /
 * LimitExceededError. Never anything else: the callers feed it hostile bytes.
 */
export function parseXmlTree(input: string | Uint8Array, limits: XmlLimits = {}): XmlElement {
  const maxBytes = limits.maxBytes ?? AutodiscoverLimits.maxBodyBytes;
  const maxDepth = limits.maxDepth ?? AutodiscoverLimits.maxDepth;
  const maxElements = limits.maxElements ?? AutodiscoverLimits.maxElements;
  const text = textOf(input, maxBytes);
  if (DECLARATION.test(text)) {
    throw new ParseError("XML with a DOCTYPE or ENTITY declaration is refused (no DTD is ever needed here)");
  }
  let validation: ReturnType<typeof XMLValidator.validate>;
  try {
    validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  } catch (error) {
    throw new ParseError("the document is not well-formed XML", { cause: error });
  }
  if (validation !== true) {
    throw new ParseError(`the document is not well-formed XML: ${validation.err.msg}`, {
      details: { line: validation.err.line, column: validation.err.col },
    });
  }
  let ordered: unknown;
  try {
    const parser = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: ATTRIBUTE_PREFIX,
      removeNSPrefix: true,
      parseTagValue: false,
      parseAttributeValue: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      trimValues: true,
      // Entities are decoded below, by us: only the five XML predefines and character references.
      processEntities: false,
      maxNestedTags: maxDepth,
    });
    ordered = parser.parse(text);
  } catch (error) {
    throw new ParseError("the document could not be parsed as XML", { cause: error });
  }
  const counter = { elements: 0, maxElements };
  const roots = toElements(ordered, 1, maxDepth, counter);
  const root = roots[0];
  if (root === undefined || roots.length !== 1)
    throw new ParseError("the document has no single root element");
  return root;
}

function toElements(
  nodes: unknown,
  depth: number,
  maxDepth: number,
  counter: { elements: number; maxElements: number },
): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const elements: XmlElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    if (typeof node !== "object" || node === null) continue;
    for (const key of Object.keys(node)) {
      if (key === TEXT || key === ATTRIBUTES || key.startsWith("?") || key.startsWith("#")) continue;
      if (depth > maxDepth) {
        throw new LimitExceededError(`XML nesting exceeds ${maxDepth}`, { limit: "maxDepth", max: maxDepth });
      }
      counter.elements += 1;
      if (counter.elements > counter.maxElements) {
        throw new LimitExceededError(`the document has more than ${counter.maxElements} elements`, {
          limit: "maxElements",
          max: counter.maxElements,
        });
      }
      const childNodes = node[key];
      const children = toElements(childNodes, depth + 1, maxDepth, counter);
      elements.push({
        name: key,
        attributes: attributesOf(node[ATTRIBUTES]),
        children,
        text: textContent(childNodes),
      });
    }
  }
  return elements;
}

function attributesOf(raw: unknown): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (typeof raw !== "object" || raw === null) return attributes;
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith(ATTRIBUTE_PREFIX)) continue;
    attributes[key.slice(ATTRIBUTE_PREFIX.length)] = decodeEntities(
      typeof value === "string" ? value : String(value),
    );
  }
  return attributes;
}

function textContent(nodes: unknown): string {
  if (!Array.isArray(nodes)) return "";
  let text = "";
  for (const node of nodes as OrderedNode[]) {
    const value = typeof node === "object" && node !== null ? node[TEXT] : undefined;
    if (value !== undefined) text += String(value);
  }
  return decodeEntities(text.trim());
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML 1.0 4.6 predefined entities and 4.1 character references; anything else stays as written. */
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/gi, (whole, name: string) => {
    if (name.startsWith("#")) {
      const codePoint =
        name[1] === "x" || name[1] === "X"
          ? Number.parseInt(name.slice(2), 16)
          : Number.parseInt(name.slice(1), 10);
      return codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff) && codePoint !== 0
        ? String.fromCodePoint(codePoint)
        : whole;
    }
    return PREDEFINED[name] ?? whole;
  });
}

/** The first child with this local name (case-sensitive, as XML is). */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((candidate) => candidate.name === name);
}

/** Every child with this local name. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element === undefined ? [] : element.children.filter((candidate) => candidate.name === name);
}

/** The text of the first child with this name, or undefined when absent or empty. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const text = child(element, name)?.text;
  return text === undefined || text === "" ? undefined : text;
}

/** Follows a path of child names from `element`. */
export function descend(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let current = element;
  for (const name of path) current = child(current, name);
  return current;
}
