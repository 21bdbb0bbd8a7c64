// Requests are built as a small tree and serialized here, the only place that writes markup, so
// every user-supplied string (subjects, names, ids, restriction constants) is escaped exactly
// once. The escape hatch for callers who bring their own SOAP body is `rawXml()`, explicit and
// greppable.

export interface XmlNode {
  /** Qualified name as written, e.g. "t:ItemId" or "m:GetItem". */
  readonly name: string;
  readonly attributes?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly children?: readonly XmlChild[];
}

const RAW: unique symbol = Symbol("mailwire.ews.rawXml");

/** Markup inserted verbatim; only for callers who built (and escaped) it themselves. */
export interface RawXml {
  readonly [RAW]: string;
}

export type XmlChild = XmlNode | RawXml | string | number | boolean | undefined | null | false;

export function rawXml(markup: string): RawXml {
  return { [RAW]: markup };
}

function isRaw(value: unknown): value is RawXml {
  return typeof value === "object" && value !== null && RAW in value;
}

/** Builds an element; `undefined`/`null`/`false` children are skipped, so optional parts read naturally. */
export function element(
  name: string,
  attributes?: XmlNode["attributes"] | undefined,
  ...children: XmlChild[]
): XmlNode {
  return attributes === undefined ? { name, children } : { name, attributes, children };
}

/** An element holding only text. */
export function textElement(name: string, value: string | number | boolean): XmlNode {
  return { name, children: [String(value)] };
}

// Characters XML 1.0 cannot carry at all (section 2.2 Char): C0 controls except TAB/LF/CR,
// lone surrogates, U+FFFE/U+FFFF. They are dropped rather than sent, since no escape exists.
const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXmlText(value: string): string {
  return value
    .replace(ILLEGAL, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r/g, "&#13;");
}

export function escapeXmlAttribute(value: string): string {
  return escapeXmlText(value).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

function checkName(name: string): string {
  // Names come from our own code, never from input; a bad one is a programming error.
  if (!NAME.test(name)) throw new TypeError(`invalid XML name ${JSON.stringify(name)}`);
  return name;
}

export function serializeXml(node: XmlChild): string {
  const parts: string[] = [];
  write(node, parts);
  return parts.join("");
}

function write(node: XmlChild, out: string[]): void {
  if (node === undefined || node === null || node === false) return;
  if (typeof node === "string") {
    out.push(escapeXmlText(node));
    return;
  }
  if (typeof node === "number" || typeof node === "boolean") {
    out.push(String(node));
    return;
  }
  if (isRaw(node)) {
    out.push(node[RAW]);
    return;
  }
  out.push("<", checkName(node.name));
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    if (value === undefined) continue;
    out.push(" ", checkName(name), '="', escapeXmlAttribute(String(value)), '"');
  }
  const children = node.children ?? [];
  if (children.every((child) => child === undefined || child === null || child === false)) {
    out.push("/>");
    return;
  }
  out.push(">");
  for (const child of children) write(child, out);
  out.push("</", node.name, ">");
}
