import { InvalidArgumentError } from "@mailwire/core";

/**
 * A property tag (MS-OXCDATA 2.9): property ID in the high 16 bits, type in the low 16.
 * On the wire it is a little-endian u32, so the type's two bytes come first.
 */
export type PropertyTag = number;

export function propertyTag(id: number, type: number): PropertyTag {
  if (
    !Number.isInteger(id) ||
    id < 0 ||
    id > 0xffff ||
    !Number.isInteger(type) ||
    type < 0 ||
    type > 0xffff
  ) {
    throw new InvalidArgumentError(`Property id and type must be 16-bit unsigned integers (${id}, ${type})`);
  }
  return ((id << 16) | type) >>> 0;
}

export function propertyTagId(tag: PropertyTag): number {
  return tag >>> 16;
}

export function propertyTagType(tag: PropertyTag): number {
  return tag & 0xffff;
}

/** `0x0037001F`, the form specs and logs use. */
export function formatPropertyTag(tag: PropertyTag): string {
  return `0x${(tag >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

/** Property IDs 0x8000 and above are named properties, mapped per mailbox (MS-OXPROPS 1.3.2). */
export function isNamedPropertyId(id: number): boolean {
  return id >= 0x8000;
}

/**
 * A few tags the ROP layer and its tests refer to (MS-OXPROPS). The full list belongs to a
 * generated table, not to the codec.
 */
export const PropertyTags = {
  PidTagFolderId: 0x67480014,
  PidTagMid: 0x674a0014,
  PidTagInstID: 0x674d0014,
  PidTagInstanceNum: 0x674e0003,
  PidTagSubject: 0x0037001f,
  PidTagMessageDeliveryTime: 0x0e060040,
  PidTagDisplayName: 0x3001001f,
  PidTagMessageClass: 0x001a001f,
  PidTagMessageFlags: 0x0e070003,
  PidTagBody: 0x1000001f,
  PidTagHtml: 0x10130102,
  PidTagRtfCompressed: 0x10090102,
  PidTagEntryId: 0x0fff0102,
  PidTagContentCount: 0x36020003,
  PidTagContentUnreadCount: 0x36030003,
  PidTagSubfolders: 0x360a000b,
  PidTagAttachDataBinary: 0x37010102,
  PidTagAttachNumber: 0x0e210003,
  PidTagAttachLongFilename: 0x3707001f,
  PidTagEmailAddress: 0x3003001f,
  PidTagAddressType: 0x3002001f,
  PidTagRecipientType: 0x0c150003,
  PidTagRowid: 0x30000003,
} as const;
