import type { MessageStructureObject } from "imapflow";

/** One node of RFC 9051 §7.5.2 BODYSTRUCTURE. `part` is what `downloadPart` takes. */
export interface BodyPart {
  /** Part specifier, e.g. `1.2`; undefined for the root of a single-part message (use `"1"`). */
  readonly part: string | undefined;
  /** `text/plain`, `multipart/mixed`, ... lower case. */
  readonly type: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly contentId: string | undefined;
  readonly encoding: string | undefined;
  readonly size: number | undefined;
  readonly disposition: string | undefined;
  readonly dispositionParameters: Readonly<Record<string, string>>;
  readonly children: readonly BodyPart[];
}

export function toBodyPart(node: MessageStructureObject): BodyPart {
  return {
    part: node.part,
    type: node.type.toLowerCase(),
    parameters: { ...node.parameters },
    contentId: node.id,
    encoding: node.encoding,
    size: node.size,
    disposition: node.disposition,
    dispositionParameters: { ...node.dispositionParameters },
    children: (node.childNodes ?? []).map(toBodyPart),
  };
}
