import type { SyntaxId } from "../dcerpc/constants.js";

/** The NSPI interface (MS-OXNSPI appendix A IDL: uuid f5cc5a18-..., version 56.0). */
export const NSPI_INTERFACE: SyntaxId = { uuid: "f5cc5a18-4264-101a-8c59-08002b2f8426", major: 56, minor: 0 };

/** NSPI opnums (MS-OXNSPI 3.1.4.1). */
export const NspiOpnum = {
  NspiBind: 0,
  NspiUnbind: 1,
  NspiUpdateStat: 2,
  NspiQueryRows: 3,
  NspiSeekEntries: 4,
  NspiGetMatches: 5,
  NspiDNToMId: 7,
  NspiGetPropList: 8,
  NspiGetProps: 9,
  NspiGetSpecialTable: 12,
  NspiResolveNames: 19,
  NspiResolveNamesW: 20,
} as const;

/** MS-OXNSPI 2.2.1 constants the client uses. */
export const NspiConst = {
  /** dwFlags of NspiGetSpecialTable: strings as Unicode. */
  NspiUnicodeStrings: 0x4,
  /** NspiUnbind's success value (MS-OXNSPI 3.1.4.1.2). */
  UNBIND_SUCCESS: 1,
  /** Minimal Entry IDs NspiResolveNames puts in ppMIds. */
  MID_UNRESOLVED: 0,
  MID_AMBIGUOUS: 1,
  MID_RESOLVED: 2,
  /** Code page the client asks for in STAT (1252; NspiBind refuses 1200, MS-OXNSPI 3.1.4.1.1). */
  DEFAULT_CODE_PAGE: 1252,
} as const;
