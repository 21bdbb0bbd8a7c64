/**
 * Property data types (MS-OXCDATA 2.11.1), by their spec mnemonic. A property tag carries
 * one of these in its low 16 bits.
 */
export const PropertyType = {
  /** Any type; only as a column or restriction type, the value then carries its own type. */
  PtypUnspecified: 0x0000,
  PtypNull: 0x0001,
  PtypInteger16: 0x0002,
  PtypInteger32: 0x0003,
  PtypFloating32: 0x0004,
  PtypFloating64: 0x0005,
  PtypCurrency: 0x0006,
  PtypFloatingTime: 0x0007,
  PtypErrorCode: 0x000a,
  PtypBoolean: 0x000b,
  /** PtypObject / PtypEmbeddedTable: opened with RopOpenStream or RopOpenEmbeddedMessage, never sent as a value (MS-OXCDATA 2.11.1.5). */
  PtypObject: 0x000d,
  PtypInteger64: 0x0014,
  PtypString8: 0x001e,
  PtypString: 0x001f,
  PtypTime: 0x0040,
  PtypGuid: 0x0048,
  PtypServerId: 0x00fb,
  PtypRestriction: 0x00fd,
  PtypRuleAction: 0x00fe,
  PtypBinary: 0x0102,
  PtypMultipleInteger16: 0x1002,
  PtypMultipleInteger32: 0x1003,
  PtypMultipleFloating32: 0x1004,
  PtypMultipleFloating64: 0x1005,
  PtypMultipleCurrency: 0x1006,
  PtypMultipleFloatingTime: 0x1007,
  PtypMultipleInteger64: 0x1014,
  PtypMultipleString8: 0x101e,
  PtypMultipleString: 0x101f,
  PtypMultipleTime: 0x1040,
  PtypMultipleGuid: 0x1048,
  PtypMultipleBinary: 0x1102,
} as const;

export type PropertyTypeName = keyof typeof PropertyType;
export type PropertyTypeCode = (typeof PropertyType)[PropertyTypeName];

/** The multi-value bit (MS-OXCDATA 2.11.1: PtypMultiple* = base type | 0x1000). */
export const MULTI_VALUE_FLAG = 0x1000;
/**
 * MV_INSTANCE (MS-OXCTABL 2.2.2.1.1 / MS-OXCDATA 2.9): a table column over a multi-valued
 * property with this bit set yields one row per value, so each cell holds a single value.
 */
export const MULTI_VALUE_INSTANCE_FLAG = 0x2000;

const KNOWN = new Set<number>(Object.values(PropertyType));
const NAMES = new Map<number, PropertyTypeName>(
  Object.entries(PropertyType).map(([name, code]) => [code, name as PropertyTypeName]),
);

export function isKnownPropertyType(type: number): type is PropertyTypeCode {
  return KNOWN.has(type);
}

export function propertyTypeName(type: number): string {
  return NAMES.get(type) ?? `0x${type.toString(16).padStart(4, "0")}`;
}

export function isMultiValuedType(type: number): boolean {
  return (type & MULTI_VALUE_FLAG) !== 0 && (type & MULTI_VALUE_INSTANCE_FLAG) === 0;
}

/**
 * The type of the value actually present in a table cell for a column of `type`: with the
 * MV_INSTANCE bit the cell holds one element of the multi-valued property.
 */
export function cellValueType(type: number): number {
  return type & MULTI_VALUE_INSTANCE_FLAG ? type & ~(MULTI_VALUE_FLAG | MULTI_VALUE_INSTANCE_FLAG) : type;
}
