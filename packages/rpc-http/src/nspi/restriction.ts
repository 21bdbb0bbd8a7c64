import { InvalidArgumentError } from "@mailwire/core";
import type { NdrWriter } from "../ndr/ndr-writer.js";

// The Restriction_r the client sends with NspiGetMatches (MS-OXNSPI 2.2.2 and the appendix A
// IDL; MS-OXCDATA 2.12): RES_AND / RES_OR (cRes, then a pointer to cRes restrictions),
// RES_NOT (a pointer to one), and property, content or exist restrictions on a string
// property. Restriction_r carries rt, then its union with rt again as the switch. NDR writes
// a construct's flat part first and the pointees of its embedded pointers after it, in
// order, each pointee whole (its own pointees right behind it): so an AND's children are
// written as a conformant array of flat Restriction_r, then each child's pointees in turn.

/** PidTagAnr (MS-OXPROPS): ambiguous name resolution, the filter Outlook's "Check Names" sends. */
export const PID_TAG_ANR = 0x360c001f;

/** rt of Restriction_r (MS-OXCDATA 2.12, the RES_* values). */
export const RestrictionType = { and: 0, or: 1, not: 2, content: 3, property: 4, exist: 8 } as const;
/** relop of RES_PROPERTY (MS-OXCDATA 2.12.5). */
export const Relop = { lt: 0, le: 1, gt: 2, ge: 3, eq: 4, ne: 5 } as const;
/** ulFuzzyLevel of RES_CONTENT (MS-OXCDATA 2.12.4): FL_FULLSTRING 0, FL_SUBSTRING 1, FL_PREFIX 2; FL_IGNORECASE 0x10000. */
export const FuzzyLevel = { fullString: 0, substring: 1, prefix: 2, ignoreCase: 0x10000 } as const;

/** Nesting depth and children per AND/OR the client sends (the IDL's range on cRes is 0..100000). */
export const RestrictionLimits = { maxDepth: 16, maxChildren: 1000 } as const;

export type NspiFilter =
  /** Ambiguous name resolution (RES_PROPERTY, RELOP_EQ on PidTagAnr). */
  | { readonly anr: string }
  /** RES_PROPERTY on a string property. */
  | { readonly tag: number; readonly relop: number; readonly value: string }
  /** RES_CONTENT (substring/prefix) on a string property. */
  | { readonly tag: number; readonly fuzzyLevel: number; readonly value: string }
  /** RES_EXIST: the object has the property. */
  | { readonly exists: number }
  /** RES_AND: every child matches (none: everything). */
  | { readonly and: readonly NspiFilter[] }
  /** RES_OR: some child matches (none: nothing). */
  | { readonly or: readonly NspiFilter[] }
  /** RES_NOT: the child does not match. */
  | { readonly not: NspiFilter };

type Deferred = () => void;

/** A Restriction_r as the pointee of a unique pointer: its flat part, then its pointees. */
export function writeRestriction(writer: NdrWriter, filter: NspiFilter, depth = 0): void {
  const deferred: Deferred[] = [];
  writeFlat(writer, filter, deferred, depth);
  for (const write of deferred) write();
}

function writeFlat(writer: NdrWriter, filter: NspiFilter, deferred: Deferred[], depth: number): void {
  if (depth > RestrictionLimits.maxDepth) {
    throw new InvalidArgumentError(`NSPI restriction nested deeper than ${RestrictionLimits.maxDepth}`);
  }
  if ("and" in filter || "or" in filter) {
    const children = "and" in filter ? filter.and : filter.or;
    if (children.length > RestrictionLimits.maxChildren) {
      throw new InvalidArgumentError(
        `NSPI restriction with more than ${RestrictionLimits.maxChildren} children`,
      );
    }
    const rt = "and" in filter ? RestrictionType.and : RestrictionType.or;
    writer.u32(rt).u32(rt).u32(children.length);
    writer.pointer(true); // lpRes (a null pointer would do for none; an empty array is as valid)
    deferred.push(() => {
      writer.u32(children.length); // conformance of [size_is(cRes)]
      const inner: Deferred[] = [];
      for (const child of children) writeFlat(writer, child, inner, depth + 1);
      for (const write of inner) write();
    });
    return;
  }
  if ("not" in filter) {
    writer.u32(RestrictionType.not).u32(RestrictionType.not);
    writer.pointer(true); // lpRes
    deferred.push(() => writeRestriction(writer, filter.not, depth + 1));
    return;
  }
  if ("exists" in filter) {
    // ExistRestriction_r: ulReserved1, ulPropTag, ulReserved2.
    writer.u32(RestrictionType.exist).u32(RestrictionType.exist).u32(0).u32(filter.exists).u32(0);
    return;
  }
  const tag = "anr" in filter ? PID_TAG_ANR : filter.tag;
  const value = "anr" in filter ? filter.anr : filter.value;
  if ("fuzzyLevel" in filter) {
    writer.u32(RestrictionType.content).u32(RestrictionType.content).u32(filter.fuzzyLevel).u32(tag);
  } else {
    const relop = "anr" in filter ? Relop.eq : filter.relop;
    writer.u32(RestrictionType.property).u32(RestrictionType.property).u32(relop).u32(tag);
  }
  writer.pointer(true); // lpProp
  deferred.push(() => {
    writer
      .u32(tag)
      .u32(0)
      .u32(tag & 0xffff); // PropertyValue_r: ulPropTag, ulReserved, union switch
    writer.pointer(true); // lpszW / lpszA
    if ((tag & 0xffff) === 0x001f) writer.utf16String(value);
    else writer.asciiString(value);
  });
}
