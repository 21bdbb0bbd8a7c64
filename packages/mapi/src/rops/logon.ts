import { type ByteReader, type ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import { type Guid, readGuid, writeGuid } from "../data/guid.js";
import { readString8, string8Bytes } from "../data/strings.js";
import { type Request, type Response, type RopDefinition, schemaRop } from "./rop-definition.js";
import { RopId, RopReturnValue } from "./rop-id.js";

/** RopLogon LogonFlags (MS-OXCSTOR 2.2.1.1.1). */
export const LogonFlags = {
  Private: 0x01,
  Undercover: 0x02,
  Ghosted: 0x04,
  SplProcess: 0x08,
} as const;

/** RopLogon OpenFlags (MS-OXCSTOR 2.2.1.1.1). */
export const LogonOpenFlags = {
  USE_ADMIN_PRIVILEGE: 0x00000001,
  PUBLIC: 0x00000002,
  HOME_LOGON: 0x00000004,
  TAKE_OWNERSHIP: 0x00000008,
  ALTERNATE_SERVER: 0x00000100,
  IGNORE_HOME_MDB: 0x00000200,
  NO_MAIL: 0x00000400,
  USE_PER_MDB_REPLID_MAPPING: 0x01000000,
  SUPPORT_PROGRESS: 0x20000000,
} as const;

/** Number of folder IDs in a logon response (MS-OXCROPS 2.2.3.1.2). */
export const LOGON_FOLDER_ID_COUNT = 13;

export type RopLogonRequest = Request<
  "RopLogon",
  {
    readonly logonId: number;
    readonly outputHandleIndex: number;
    readonly logonFlags: number;
    readonly openFlags: number;
    readonly storeState: number;
    /** The mailbox's DN (ESSDN); empty for a public-folder logon. */
    readonly essdn: string;
  }
>;

export interface LogonTime {
  readonly seconds: number;
  readonly minutes: number;
  readonly hour: number;
  readonly dayOfWeek: number;
  readonly day: number;
  readonly month: number;
  readonly year: number;
}

/** Success for a private mailbox (MS-OXCROPS 2.2.3.1.2). */
export interface LogonPrivateMailbox {
  readonly logonFlags: number;
  /** Root, Deferred Action, Spooler Queue, IPM subtree, Inbox, Outbox, Sent Items, Deleted Items, Common Views, Schedule, Finder, Views, Shortcuts. */
  readonly folderIds: readonly bigint[];
  readonly responseFlags: number;
  readonly mailboxGuid: Guid;
  readonly replId: number;
  readonly replGuid: Guid;
  readonly logonTime: LogonTime;
  readonly gwartTime: bigint;
  readonly storeState: number;
}

/** Success for public folders (MS-OXCROPS 2.2.3.1.3). */
export interface LogonPublicFolders {
  readonly logonFlags: number;
  readonly folderIds: readonly bigint[];
  readonly replId: number;
  readonly replGuid: Guid;
  readonly perUserGuid: Guid;
}

/** ReturnValue 0x478: log on at `serverName` instead (MS-OXCROPS 2.2.3.1.4). */
export interface LogonRedirect {
  readonly logonFlags: number;
  readonly serverName: string;
}

export type RopLogonResponse = Response<
  "RopLogon",
  {
    readonly privateMailbox?: LogonPrivateMailbox;
    readonly publicFolders?: LogonPublicFolders;
    readonly redirect?: LogonRedirect;
  }
>;

function readFolderIds(reader: ByteReader): bigint[] {
  const ids: bigint[] = [];
  for (let i = 0; i < LOGON_FOLDER_ID_COUNT; i++) ids.push(reader.u64());
  return ids;
}

function writeFolderIds(writer: ByteWriter, ids: readonly bigint[]): void {
  if (ids.length !== LOGON_FOLDER_ID_COUNT)
    throw new InvalidArgumentError("A logon response carries 13 folder IDs");
  for (const id of ids) writer.u64(BigInt.asUintN(64, id));
}

export const ropLogon: RopDefinition<RopLogonRequest, RopLogonResponse> = {
  name: "RopLogon",
  ropId: RopId.RopLogon,
  writeRequest(writer, request) {
    writer.u8(request.logonId).u8(request.outputHandleIndex).u8(request.logonFlags);
    writer.u32(request.openFlags).u32(request.storeState);
    // EssdnSize counts the terminating null; an empty DN is sent as size 0 and no bytes.
    if (request.essdn === "") {
      writer.u16(0);
    } else {
      const dn = string8Bytes(request.essdn);
      if (dn.length + 1 > 0xffff) throw new InvalidArgumentError("ESSDN too long");
      writer
        .u16(dn.length + 1)
        .bytes(dn)
        .u8(0);
    }
  },
  readRequest(reader) {
    const fields = {
      logonId: reader.u8(),
      outputHandleIndex: reader.u8(),
      logonFlags: reader.u8(),
      openFlags: reader.u32(),
      storeState: reader.u32(),
    };
    const sizeOffset = reader.offset;
    const size = reader.u16();
    let essdn = "";
    if (size > 0) {
      const bytes = reader.bytesView(size);
      if (bytes[size - 1] !== 0)
        throw new ParseError("RopLogon Essdn is not null-terminated", { offset: sizeOffset });
      essdn = Buffer.from(bytes.subarray(0, size - 1)).toString("latin1");
    }
    return { rop: "RopLogon", ...fields, essdn };
  },
  response: {
    read(reader, header, request) {
      if (header.returnValue === RopReturnValue.WrongServer) {
        const logonFlags = reader.u8();
        const sizeOffset = reader.offset;
        const size = reader.u8();
        const serverName = readString8(reader, "ServerName");
        if (serverName.length + 1 !== size) {
          throw new ParseError(`ServerNameSize ${size} does not match the name`, { offset: sizeOffset });
        }
        return { rop: "RopLogon", ...header, redirect: { logonFlags, serverName } };
      }
      if (header.returnValue !== RopReturnValue.Success) return { rop: "RopLogon", ...header };
      const logonFlags = reader.u8();
      const folderIds = readFolderIds(reader);
      // The request decides the layout: the response does not say which one it is.
      if (request.logonFlags & LogonFlags.Private) {
        const privateMailbox: LogonPrivateMailbox = {
          logonFlags,
          folderIds,
          responseFlags: reader.u8(),
          mailboxGuid: readGuid(reader),
          replId: reader.u16(),
          replGuid: readGuid(reader),
          logonTime: {
            seconds: reader.u8(),
            minutes: reader.u8(),
            hour: reader.u8(),
            dayOfWeek: reader.u8(),
            day: reader.u8(),
            month: reader.u8(),
            year: reader.u16(),
          },
          gwartTime: reader.u64(),
          storeState: reader.u32(),
        };
        return { rop: "RopLogon", ...header, privateMailbox };
      }
      const publicFolders: LogonPublicFolders = {
        logonFlags,
        folderIds,
        replId: reader.u16(),
        replGuid: readGuid(reader),
        perUserGuid: readGuid(reader),
      };
      return { rop: "RopLogon", ...header, publicFolders };
    },
    write(writer, response) {
      if (response.redirect) {
        const name = string8Bytes(response.redirect.serverName);
        if (name.length + 1 > 0xff) throw new InvalidArgumentError("ServerName too long");
        writer
          .u8(response.redirect.logonFlags)
          .u8(name.length + 1)
          .bytes(name)
          .u8(0);
        return;
      }
      if (response.privateMailbox) {
        const m = response.privateMailbox;
        writer.u8(m.logonFlags);
        writeFolderIds(writer, m.folderIds);
        writer.u8(m.responseFlags);
        writeGuid(writer, m.mailboxGuid);
        writer.u16(m.replId);
        writeGuid(writer, m.replGuid);
        const t = m.logonTime;
        writer.u8(t.seconds).u8(t.minutes).u8(t.hour).u8(t.dayOfWeek).u8(t.day).u8(t.month).u16(t.year);
        writer.u64(m.gwartTime).u32(m.storeState);
        return;
      }
      if (response.publicFolders) {
        const p = response.publicFolders;
        writer.u8(p.logonFlags);
        writeFolderIds(writer, p.folderIds);
        writer.u16(p.replId);
        writeGuid(writer, p.replGuid);
        writeGuid(writer, p.perUserGuid);
      }
    },
  },
};

/** RopRelease (MS-OXCROPS 2.2.15.3): frees a handle; the server sends no response. */
export const ropRelease = schemaRop(
  "RopRelease",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
  ] as const,
  null,
);

/** RopGetReceiveFolder (MS-OXCROPS 2.2.3.2). */
export const ropGetReceiveFolder = schemaRop(
  "RopGetReceiveFolder",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["messageClass", "string8"],
  ] as const,
  [
    ["folderId", "u64"],
    ["explicitMessageClass", "string8"],
  ] as const,
);
