// Wire constants of the address book protocols (MS-OXNSPI; the same values over MAPI/HTTP
// and RPC), in `as const` tables with the specification's mnemonics.

/** PidTagDisplayType values (MS-OXNSPI 2.2.1.3; MS-OXOABK 2.2.3.11). */
export const DisplayType = {
  DT_MAILUSER: 0x00000000,
  DT_DISTLIST: 0x00000001,
  DT_FORUM: 0x00000002,
  DT_AGENT: 0x00000003,
  DT_ORGANIZATION: 0x00000004,
  DT_PRIVATE_DISTLIST: 0x00000005,
  DT_REMOTE_MAILUSER: 0x00000006,
  DT_CONTAINER: 0x00000100,
  DT_TEMPLATE: 0x00000101,
  DT_ADDRESS_TEMPLATE: 0x00000102,
  DT_SEARCH: 0x00000200,
} as const;

/** PidTagObjectType values an address book returns (MS-OXCPRPT 2.2.1.7). */
export const AddressBookObjectType = {
  MAPI_ABCONT: 0x00000004,
  MAPI_MAILUSER: 0x00000006,
  MAPI_DISTLIST: 0x00000008,
} as const;

/**
 * What NspiResolveNames puts in its Minimal Entry ID list for each name (MS-OXNSPI 2.2.1.9):
 * no match, more than one match, or otherwise the one match's Minimal Entry ID.
 */
export const ResolveResult = {
  MID_UNRESOLVED: 0x00000000,
  MID_AMBIGUOUS: 0x00000001,
  MID_RESOLVED: 0x00000002,
} as const;

/** Flags of NspiBind, NspiGetSpecialTable, NspiGetProps... (MS-OXNSPI 2.2.1.2 and 2.2.1.11). */
export const NspiFlag = {
  /** Bind: the client is anonymous. */
  fAnonymousLogin: 0x00000020,
  /** GetProps/QueryRows: skip PtypObject properties. */
  fSkipObjects: 0x00000001,
  /** GetProps/QueryRows: return Ephemeral rather than Permanent Entry IDs. */
  fEphID: 0x00000002,
  /** GetSpecialTable: return the address creation templates, not the hierarchy. */
  NspiAddressCreationTemplates: 0x00000002,
  /** GetSpecialTable: strings in the hierarchy rows as PtypString (UTF-16). */
  NspiUnicodeStrings: 0x00000004,
} as const;

/** NSPI return values (MS-OXNSPI 2.2.1.2 "ErrorCode"). */
export const NspiErrorCode = {
  Success: 0x00000000,
  UnbindSuccess: 0x00000001,
  UnbindFailure: 0x00000002,
  ErrorsReturned: 0x00040380,
  GeneralFailure: 0x80004005,
  NotEnoughMemory: 0x8007000e,
  InvalidParameter: 0x80070057,
  NotSupported: 0x80040102,
  LogonFailed: 0x80040111,
  OutOfResources: 0x8004010e,
  NotFound: 0x8004010f,
  TooComplex: 0x80040117,
  TableTooBig: 0x80040403,
  InvalidBookmark: 0x80040405,
  AccessDenied: 0x80070005,
  AmbiguousRecipient: 0x80040700,
  InvalidCodePage: 0x80040407,
  InvalidLocale: 0x80040408,
} as const;

const ERROR_NAMES = new Map<number, string>(
  Object.entries(NspiErrorCode).map(([name, code]) => [code, name]),
);

/** The mnemonic of an NSPI return value, or its hex. */
export function nspiErrorName(code: number): string {
  return ERROR_NAMES.get(code >>> 0) ?? `0x${(code >>> 0).toString(16).padStart(8, "0")}`;
}

/**
 * Property tags an address book serves (MS-OXOABK 2.2, MS-OXPROPS). PtypString tags ask for
 * UTF-16 strings; PtypString8 variants exist for the same IDs.
 */
export const AddressBookTags = {
  PidTagEntryId: 0x0fff0102,
  PidTagInstanceKey: 0x0ff60102,
  PidTagObjectType: 0x0ffe0003,
  PidTagDisplayName: 0x3001001f,
  PidTagAddressType: 0x3002001f,
  PidTagEmailAddress: 0x3003001f,
  PidTagDisplayType: 0x39000003,
  PidTagDisplayTypeEx: 0x39050003,
  PidTagSmtpAddress: 0x39fe001f,
  PidTagAccount: 0x3a00001f,
  PidTagTitle: 0x3a17001f,
  PidTagDepartmentName: 0x3a18001f,
  PidTagOfficeLocation: 0x3a19001f,
  PidTagBusinessTelephoneNumber: 0x3a08001f,
  PidTagCompanyName: 0x3a16001f,
  PidTagGivenName: 0x3a06001f,
  PidTagSurname: 0x3a11001f,
  PidTagContainerFlags: 0x36000003,
  PidTagDepth: 0x30050003,
  PidTagAddressBookContainerId: 0xfffd0003,
  PidTagAddressBookIsMaster: 0xfffb000b,
  PidTagAddressBookParentEntryId: 0xfffc0102,
  PidTagAddressBookProxyAddresses: 0x800f101f,
  PidTagAddressBookHomeMessageDatabase: 0x8006001e,
  PidTagAddressBookObjectGuid: 0x8c6d0102,
} as const;
