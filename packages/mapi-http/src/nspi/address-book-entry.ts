import {
  AddressBookTags,
  type MapiValue,
  type PropertyTag,
  PropertyType,
  propertyTagId,
  propertyTagType,
} from "@mailwire/mapi";
import type { AddressBookRow, AddressBookTaggedValue } from "./address-book-values.js";

/**
 * One address book object as the client hands it out: the properties most callers want as
 * named fields, and every value returned in `properties` (keyed by the tag with the type the
 * value actually has). Properties the server did not return are undefined.
 */
export interface AddressBookEntry {
  /** Minimal Entry ID: valid on this server only (MS-OXNSPI 2.2.9.1); undefined when not known. */
  readonly mid?: number;
  readonly displayName?: string;
  /** PidTagSmtpAddress. */
  readonly smtpAddress?: string;
  /** PidTagEmailAddress: for Exchange objects the legacy DN (X500 address). */
  readonly emailAddress?: string;
  /** PidTagAddressType, "EX" for directory objects. */
  readonly addressType?: string;
  /** PidTagObjectType (`AddressBookObjectType`). */
  readonly objectType?: number;
  /** PidTagDisplayType (`DisplayType`). */
  readonly displayType?: number;
  /** PidTagEntryId: a Permanent or Ephemeral Entry ID (decode with `decodeNspiEntryId`). */
  readonly entryId?: Uint8Array;
  readonly properties: ReadonlyMap<PropertyTag, MapiValue>;
}

/** The columns asked for when the caller names none. */
export const DEFAULT_ADDRESS_BOOK_COLUMNS: readonly PropertyTag[] = [
  AddressBookTags.PidTagEntryId,
  AddressBookTags.PidTagDisplayName,
  AddressBookTags.PidTagSmtpAddress,
  AddressBookTags.PidTagEmailAddress,
  AddressBookTags.PidTagAddressType,
  AddressBookTags.PidTagObjectType,
  AddressBookTags.PidTagDisplayType,
];

function retype(tag: PropertyTag, type: number): PropertyTag {
  return ((propertyTagId(tag) << 16) | type) >>> 0;
}

function field<T>(
  properties: ReadonlyMap<PropertyTag, MapiValue>,
  tag: PropertyTag,
  check: (v: MapiValue) => v is T & MapiValue,
): T | undefined {
  let value = properties.get(tag);
  // A PtypString column may come back as PtypString8 and the other way round.
  if (value === undefined && propertyTagType(tag) === PropertyType.PtypString) {
    value = properties.get(retype(tag, PropertyType.PtypString8));
  }
  return value !== undefined && check(value) ? value : undefined;
}

const isString = (v: MapiValue): v is string => typeof v === "string";
const isNumber = (v: MapiValue): v is number => typeof v === "number";
const isBytes = (v: MapiValue): v is Uint8Array => v instanceof Uint8Array;

export function entryFromProperties(
  properties: ReadonlyMap<PropertyTag, MapiValue>,
  mid?: number,
): AddressBookEntry {
  const T = AddressBookTags;
  const entry: Record<string, unknown> = { properties };
  const set = (name: string, value: unknown) => {
    if (value !== undefined) entry[name] = value;
  };
  set("mid", mid);
  set("displayName", field(properties, T.PidTagDisplayName, isString));
  set("smtpAddress", field(properties, T.PidTagSmtpAddress, isString));
  set("emailAddress", field(properties, T.PidTagEmailAddress, isString));
  set("addressType", field(properties, T.PidTagAddressType, isString));
  set("objectType", field(properties, T.PidTagObjectType, isNumber));
  set("displayType", field(properties, T.PidTagDisplayType, isNumber));
  set("entryId", field(properties, T.PidTagEntryId, isBytes));
  return entry as unknown as AddressBookEntry;
}

/** A row read with `columns`: value cells only, keyed by column ID and the cell's own type. */
export function entryFromRow(
  columns: readonly PropertyTag[],
  row: AddressBookRow,
  mid?: number,
): AddressBookEntry {
  const properties = new Map<PropertyTag, MapiValue>();
  row.forEach((cell, i) => {
    if (cell.kind === "value") properties.set(retype(columns[i] as number, cell.type), cell.value);
  });
  return entryFromProperties(properties, mid);
}

/** An AddressBookPropertyValueList (GetProps, GetSpecialTable): values that are present, by tag. */
export function entryFromValues(values: readonly AddressBookTaggedValue[], mid?: number): AddressBookEntry {
  const properties = new Map<PropertyTag, MapiValue>();
  for (const { tag, value } of values) {
    if (value !== undefined && propertyTagType(tag) !== PropertyType.PtypErrorCode)
      properties.set(tag >>> 0, value);
  }
  return entryFromProperties(properties, mid);
}
