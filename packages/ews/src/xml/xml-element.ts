// The parsed form of an XML response: namespace prefixes removed (EWS puts every element of
// interest in either the messages or the types namespace, and local names do not collide
// within one parent), children kept in document order (SyncFolderItems changes, mixed item
// types in one Items list), text decoded.

export interface XmlElement {
  /** Local name, without prefix. */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own character data, concatenated (whitespace kept). */
  readonly text: string;
}

/** The first child with this local name. */
export function childElement(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (element === undefined) return undefined;
  for (const child of element.children) if (child.name === name) return child;
  return undefined;
}

/** Every child with this local name. */
export function childElements(element: XmlElement | undefined, name: string): XmlElement[] {
  if (element === undefined) return [];
  return element.children.filter((child) => child.name === name);
}

/** Follows a path of local names from `element`. */
export function pathElement(element: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let current = element;
  for (const name of names) current = childElement(current, name);
  return current;
}

/** Trimmed text of a child, or undefined when the child is absent. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const child = childElement(element, name);
  return child === undefined ? undefined : child.text.trim();
}

export function childNumber(element: XmlElement | undefined, name: string): number | undefined {
  const text = childText(element, name);
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** xs:boolean: "true"/"1" and "false"/"0". */
export function childBoolean(element: XmlElement | undefined, name: string): boolean | undefined {
  const text = childText(element, name);
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  return undefined;
}
