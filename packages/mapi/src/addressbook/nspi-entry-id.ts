import { ByteReader, ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import {
  ADDRESS_BOOK_PROVIDER_UID,
  decodeAddressBookEntryId,
  encodeAddressBookEntryId,
} from "../data/entry-id.js";
import { type Guid, readGuid, writeGuid } from "../data/guid.js";

/**
 * The two Entry ID forms an NSPI server hands out (MS-OXNSPI 2.2.9). A Minimal Entry ID
 * (2.2.9.1) is just a 32-bit number valid on one server, so it needs no type here.
 * - Permanent (2.2.9.3, IDType 0x00): the object's DN; valid anywhere, forever. Its bytes
 *   are the MS-OXCDATA 2.2.5.2 Address Book EntryID with Flags 0 and the NSPI provider UID.
 * - Ephemeral (2.2.9.2, IDType 0x87): the server's GUID (from Bind) and a Minimal Entry ID.
 */
export type NspiEntryId =
  | { readonly kind: "permanent"; readonly displayType: number; readonly dn: string }
  | {
      readonly kind: "ephemeral";
      readonly providerUid: Guid;
      readonly displayType: number;
      readonly mid: number;
    };

const EPHEMERAL_ID_TYPE = 0x87;
const EPHEMERAL_LENGTH = 32;

export function encodeNspiEntryId(id: NspiEntryId): Uint8Array {
  if (id.kind === "permanent") {
    return encodeAddressBookEntryId({ type: id.displayType, x500Dn: id.dn });
  }
  if (!Number.isInteger(id.mid) || id.mid < 0 || id.mid > 0xffffffff) {
    throw new InvalidArgumentError("An Ephemeral Entry ID's MId is a 32-bit unsigned integer");
  }
  const writer = new ByteWriter(EPHEMERAL_LENGTH);
  writer.u8(EPHEMERAL_ID_TYPE).u8(0).u8(0).u8(0);
  writeGuid(writer, id.providerUid);
  writer
    .u32(1)
    .u32(id.displayType >>> 0)
    .u32(id.mid);
  return writer.finish().slice();
}

export function decodeNspiEntryId(bytes: Uint8Array): NspiEntryId {
  const idType = bytes[0];
  if (idType === 0x00) {
    const permanent = decodeAddressBookEntryId(bytes);
    // A Permanent Entry ID always names GUID_NSPI as its provider (MS-OXNSPI 2.2.9.3).
    if (permanent.providerUid !== ADDRESS_BOOK_PROVIDER_UID || permanent.flags !== 0) {
      throw new ParseError("A Permanent Entry ID must have ID type 0 and the GUID_NSPI provider", {
        offset: 0,
      });
    }
    return { kind: "permanent", displayType: permanent.type, dn: permanent.x500Dn };
  }
  if (idType !== EPHEMERAL_ID_TYPE) {
    throw new ParseError(`Unknown NSPI Entry ID type 0x${(idType ?? 0).toString(16)}`, { offset: 0 });
  }
  if (bytes.length !== EPHEMERAL_LENGTH) {
    throw new ParseError(`An Ephemeral Entry ID is ${EPHEMERAL_LENGTH} bytes, got ${bytes.length}`);
  }
  const reader = new ByteReader(bytes, 4);
  const providerUid = readGuid(reader);
  reader.u32(); // R4, the version: 1
  return { kind: "ephemeral", providerUid, displayType: reader.u32(), mid: reader.u32() };
}
