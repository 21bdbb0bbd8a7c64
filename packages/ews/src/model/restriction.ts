import { InvalidArgumentError } from "@mailwire/core";
import { element, type XmlNode } from "../xml/serialize-xml.js";
import { type PropertyPath, propertyPathNode } from "./property-path.js";

// RestrictionType / SearchExpressionType (MS-OXWSSRCH 2.2.4.x): a tree of boolean operators over
// comparisons between a property and a constant.

export type ComparisonOperator =
  | "isEqualTo"
  | "isNotEqualTo"
  | "isGreaterThan"
  | "isGreaterThanOrEqualTo"
  | "isLessThan"
  | "isLessThanOrEqualTo";

const COMPARISON_ELEMENT: Readonly<Record<ComparisonOperator, string>> = {
  isEqualTo: "t:IsEqualTo",
  isNotEqualTo: "t:IsNotEqualTo",
  isGreaterThan: "t:IsGreaterThan",
  isGreaterThanOrEqualTo: "t:IsGreaterThanOrEqualTo",
  isLessThan: "t:IsLessThan",
  isLessThanOrEqualTo: "t:IsLessThanOrEqualTo",
};

export type Restriction =
  | { readonly and: readonly Restriction[] }
  | { readonly or: readonly Restriction[] }
  | { readonly not: Restriction }
  | { readonly exists: PropertyPath }
  | {
      readonly contains: PropertyPath;
      readonly value: string;
      /** Default "Substring". */
      readonly mode?: "FullString" | "Prefixed" | "Substring" | "PrefixOnWords" | "ExactPhrase";
      /** Default "IgnoreCase". */
      readonly comparison?: "Exact" | "IgnoreCase" | "IgnoreNonSpacingCharacters" | "Loose";
    }
  | {
      readonly compare: PropertyPath;
      readonly operator: ComparisonOperator;
      readonly value: string | number | boolean | Date;
    };

function constant(value: string | number | boolean | Date): XmlNode {
  return element("t:Constant", { Value: value instanceof Date ? value.toISOString() : String(value) });
}

/** Depth guard: a restriction built from user input must not recurse without bound. */
const MAX_RESTRICTION_DEPTH = 32;

export function restrictionExpressionNode(restriction: Restriction, depth = 0): XmlNode {
  if (depth > MAX_RESTRICTION_DEPTH) throw new InvalidArgumentError("restriction nests too deeply");
  if ("and" in restriction)
    return element(
      "t:And",
      undefined,
      ...restriction.and.map((r) => restrictionExpressionNode(r, depth + 1)),
    );
  if ("or" in restriction)
    return element("t:Or", undefined, ...restriction.or.map((r) => restrictionExpressionNode(r, depth + 1)));
  if ("not" in restriction)
    return element("t:Not", undefined, restrictionExpressionNode(restriction.not, depth + 1));
  if ("exists" in restriction) return element("t:Exists", undefined, propertyPathNode(restriction.exists));
  if ("contains" in restriction) {
    return element(
      "t:Contains",
      {
        ContainmentMode: restriction.mode ?? "Substring",
        ContainmentComparison: restriction.comparison ?? "IgnoreCase",
      },
      propertyPathNode(restriction.contains),
      constant(restriction.value),
    );
  }
  return element(
    COMPARISON_ELEMENT[restriction.operator],
    undefined,
    propertyPathNode(restriction.compare),
    element("t:FieldURIOrConstant", undefined, constant(restriction.value)),
  );
}

export function restrictionNode(restriction: Restriction): XmlNode {
  return element("m:Restriction", undefined, restrictionExpressionNode(restriction));
}

export interface SortField {
  readonly path: PropertyPath;
  readonly order: "Ascending" | "Descending";
}

/** SortOrder / FieldOrder (MS-OXWSSRCH 2.2.4.x NonEmptyArrayOfFieldOrdersType). */
export function sortOrderNode(sort: readonly SortField[]): XmlNode | undefined {
  if (sort.length === 0) return undefined;
  return element(
    "m:SortOrder",
    undefined,
    ...sort.map((field) => element("t:FieldOrder", { Order: field.order }, propertyPathNode(field.path))),
  );
}
