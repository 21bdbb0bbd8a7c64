import type { NdrWriter } from "../ndr/ndr-writer.js";

// The Restriction_r subset the client sends with NspiGetMatches (MS-OXNSPI 2.2.2, appendix A
// IDL; MS-OXCDATA 2.12): a property or content restriction on a string value. Restriction_r
// carries rt, then its union with rt again as the switch; lpProp is an embedded pointer whose
// PropertyValue_r (and that one's string) follow the restriction (deferred pointees).

/** PidTagAnr (MS-OXPROPS): ambiguous name resolution, the filter Outlook's "Check Names" sends. */
export const PID_TAG_ANR = 0x360c001f;

export const RestrictionType = { content: 3, property: 4 } as const;
/** relop of RES_PROPERTY (MS-OXCDATA 2.12.5). */
export const Relop = { lt: 0, le: 1, gt: 2, ge: 3, eq: 4, ne: 5 } as const;
/** ulFuzzyLevel of RES_CONTENT (MS-OXCDATA 2.12.4): FL_FULLSTRING 0, FL_SUBSTRING 1, FL_PREFIX 2; FL_IGNORECASE 0x10000. */
export const FuzzyLevel = { fullString: 0, substring: 1, prefix: 2, ignoreCase: 0x10000 } as const;

export type NspiFilter =
  /** Ambiguous name resolution (RES_PROPERTY, RELOP_EQ on PidTagAnr). */
  | { readonly anr: string }
  /** RES_PROPERTY on a string property. */
  | { readonly tag: number; readonly relop: number; readonly value: string }
  /** RES_CONTENT (substring/prefix) on a string property. */
  | { readonly tag: number; readonly fuzzyLevel: number; readonly value: string };

export function writeRestriction(writer: NdrWriter, filter: NspiFilter): void {
  const tag = "anr" in filter ? PID_TAG_ANR : filter.tag;
  const value = "anr" in filter ? filter.anr : filter.value;
  const unicode = (tag & 0xffff) === 0x001f;
  if ("fuzzyLevel" in filter) {
    writer.u32(RestrictionType.content).u32(RestrictionType.content).u32(filter.fuzzyLevel).u32(tag);
  } else {
    const relop = "anr" in filter ? Relop.eq : filter.relop;
    writer.u32(RestrictionType.property).u32(RestrictionType.property).u32(relop).u32(tag);
  }
  writer.pointer(true); // lpProp
  writer
    .u32(tag)
    .u32(0)
    .u32(tag & 0xffff); // PropertyValue_r: ulPropTag, ulReserved, union switch
  writer.pointer(true); // lpszW / lpszA
  if (unicode) writer.utf16String(value);
  else writer.asciiString(value);
}
