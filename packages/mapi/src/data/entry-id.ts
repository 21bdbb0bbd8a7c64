import { ByteReader, ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import { type Guid, readGuid, writeGuid } from "./guid.js";
import { globalCounterBytes, globalCounterFromBytes } from "./ids.js";
import { readString8, writeString8 } from "./strings.js";

/** StoreObjectType of folder and message EntryIDs (MS-OXCDATA 2.2.4). */
export const StoreObjectType = {
  eitLTPrivateFolder: 0x0001,
  eitLTPublicFolder: 0x0003,
  eitLTWackyFolder: 0x0005,
  eitLTPrivateMessage: 0x0007,
  eitLTPublicMessage: 0x0009,
  eitLTWackyMessage: 0x000b,
  eitLTPublicFolderByName: 0x000c,
} as const;

/** Folder EntryID (MS-OXCDATA 2.2.4.1), 46 bytes. */
export interface FolderEntryId {
  readonly flags: number;
  /** The store's provider UID (PidTagStoreRecordKey for a private mailbox). */
  readonly providerUid: Guid;
  readonly folderType: number;
  readonly databaseGuid: Guid;
  readonly globalCounter: bigint;
}

/** Message EntryID (MS-OXCDATA 2.2.4.2), 70 bytes. */
export interface MessageEntryId {
  readonly flags: number;
  readonly providerUid: Guid;
  readonly messageType: number;
  readonly folderDatabaseGuid: Guid;
  readonly folderGlobalCounter: bigint;
  readonly messageDatabaseGuid: Guid;
  readonly messageGlobalCounter: bigint;
}

export const FOLDER_ENTRY_ID_LENGTH = 46;
export const MESSAGE_ENTRY_ID_LENGTH = 70;

function readCounterAndPad(reader: ByteReader): bigint {
  const counter = globalCounterFromBytes(reader.bytesView(6));
  reader.skip(2);
  return counter;
}

function exactReader(bytes: Uint8Array, length: number, what: string): ByteReader {
  if (bytes.length !== length) throw new ParseError(`${what} is ${length} bytes, got ${bytes.length}`);
  return new ByteReader(bytes);
}

export function decodeFolderEntryId(bytes: Uint8Array): FolderEntryId {
  const reader = exactReader(bytes, FOLDER_ENTRY_ID_LENGTH, "A folder EntryID");
  return {
    flags: reader.u32(),
    providerUid: readGuid(reader),
    folderType: reader.u16(),
    databaseGuid: readGuid(reader),
    globalCounter: readCounterAndPad(reader),
  };
}

export function encodeFolderEntryId(id: FolderEntryId): Uint8Array {
  const writer = new ByteWriter(FOLDER_ENTRY_ID_LENGTH);
  writer.u32(id.flags);
  writeGuid(writer, id.providerUid);
  writer.u16(id.folderType);
  writeGuid(writer, id.databaseGuid);
  writer.bytes(globalCounterBytes(id.globalCounter)).u16(0);
  return writer.finish().slice();
}

export function decodeMessageEntryId(bytes: Uint8Array): MessageEntryId {
  const reader = exactReader(bytes, MESSAGE_ENTRY_ID_LENGTH, "A message EntryID");
  return {
    flags: reader.u32(),
    providerUid: readGuid(reader),
    messageType: reader.u16(),
    folderDatabaseGuid: readGuid(reader),
    folderGlobalCounter: readCounterAndPad(reader),
    messageDatabaseGuid: readGuid(reader),
    messageGlobalCounter: readCounterAndPad(reader),
  };
}

export function encodeMessageEntryId(id: MessageEntryId): Uint8Array {
  const writer = new ByteWriter(MESSAGE_ENTRY_ID_LENGTH);
  writer.u32(id.flags);
  writeGuid(writer, id.providerUid);
  writer.u16(id.messageType);
  writeGuid(writer, id.folderDatabaseGuid);
  writer.bytes(globalCounterBytes(id.folderGlobalCounter)).u16(0);
  writeGuid(writer, id.messageDatabaseGuid);
  writer.bytes(globalCounterBytes(id.messageGlobalCounter)).u16(0);
  return writer.finish().slice();
}

/** The provider UID every address-book EntryID carries (MS-OXCDATA 2.2.5.2). */
export const ADDRESS_BOOK_PROVIDER_UID: Guid = "c840a7dc-42c0-1a10-b4b9-08002b2fe182";

/** Address Book EntryID.Type (MS-OXCDATA 2.2.5.2). */
export const AddressBookEntryIdType = {
  LocalMailUser: 0x00000000,
  DistributionList: 0x00000001,
  BulletinBoardOrPublicFolder: 0x00000002,
  AutomatedMailbox: 0x00000003,
  OrganizationalMailbox: 0x00000004,
  PrivateDistributionList: 0x00000005,
  RemoteMailUser: 0x00000006,
  Container: 0x00000100,
  Template: 0x00000101,
  OneOffUser: 0x00000102,
  Search: 0x00000200,
} as const;

/** Address Book EntryID (MS-OXCDATA 2.2.5.2): a fixed provider UID, Version 1, a Type and an X500 DN. */
export interface AddressBookEntryId {
  readonly flags: number;
  readonly providerUid: Guid;
  readonly version: number;
  readonly type: number;
  readonly x500Dn: string;
}

export function decodeAddressBookEntryId(bytes: Uint8Array): AddressBookEntryId {
  const reader = new ByteReader(bytes);
  const id = {
    flags: reader.u32(),
    providerUid: readGuid(reader),
    version: reader.u32(),
    type: reader.u32(),
    x500Dn: readString8(reader, "X500DN"),
  };
  if (reader.remaining !== 0) throw new ParseError("Address book EntryID has bytes after its X500 DN");
  return id;
}

export function encodeAddressBookEntryId(
  id: Omit<AddressBookEntryId, "flags" | "providerUid" | "version"> & Partial<AddressBookEntryId>,
): Uint8Array {
  if (id.x500Dn.length === 0) throw new InvalidArgumentError("An address book EntryID needs an X500 DN");
  const writer = new ByteWriter(32 + id.x500Dn.length);
  writer.u32(id.flags ?? 0);
  writeGuid(writer, id.providerUid ?? ADDRESS_BOOK_PROVIDER_UID);
  writer.u32(id.version ?? 1).u32(id.type);
  writeString8(writer, id.x500Dn);
  return writer.finish().slice();
}
