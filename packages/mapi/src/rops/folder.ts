import { type ByteReader, type ByteWriter, InvalidArgumentError } from "@mailwire/core";
import { readString8, readUnicodeString, writeString8, writeUnicodeString } from "../data/strings.js";
import { type Request, type Response, type RopDefinition, schemaRop } from "./rop-definition.js";
import { RopId, RopReturnValue } from "./rop-id.js";

/** Public-folder replica information sent when a folder is ghosted (MS-OXCROPS 2.2.4.1.2). */
export interface GhostInfo {
  readonly cheapServerCount: number;
  readonly servers: readonly string[];
}

function readGhost(reader: ByteReader): GhostInfo {
  const serverCount = reader.u16();
  const cheapServerCount = reader.u16();
  // Each server name takes at least its terminator.
  reader.need(serverCount, "server names");
  const servers: string[] = [];
  for (let i = 0; i < serverCount; i++) servers.push(readString8(reader, "Servers"));
  return { cheapServerCount, servers };
}

function writeGhost(writer: ByteWriter, ghost: GhostInfo): void {
  writer.u16(ghost.servers.length).u16(ghost.cheapServerCount);
  for (const server of ghost.servers) writeString8(writer, server);
}

export type RopOpenFolderRequest = Request<
  "RopOpenFolder",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly outputHandleIndex: number;
    readonly folderId: bigint;
    readonly openModeFlags: number;
  }
>;
export type RopOpenFolderResponse = Response<
  "RopOpenFolder",
  { readonly hasRules?: boolean; readonly ghost?: GhostInfo | null }
>;

/** RopOpenFolder (MS-OXCROPS 2.2.4.1). `ghost` is null unless IsGhosted. */
export const ropOpenFolder: RopDefinition<RopOpenFolderRequest, RopOpenFolderResponse> = {
  name: "RopOpenFolder",
  ropId: RopId.RopOpenFolder,
  writeRequest(writer, r) {
    writer.u8(r.logonId).u8(r.inputHandleIndex).u8(r.outputHandleIndex).u64(r.folderId).u8(r.openModeFlags);
  },
  readRequest(reader) {
    return {
      rop: "RopOpenFolder",
      logonId: reader.u8(),
      inputHandleIndex: reader.u8(),
      outputHandleIndex: reader.u8(),
      folderId: reader.u64(),
      openModeFlags: reader.u8(),
    };
  },
  response: {
    read(reader, header) {
      if (header.returnValue !== RopReturnValue.Success) return { rop: "RopOpenFolder", ...header };
      const hasRules = reader.u8() !== 0;
      const ghosted = reader.u8() !== 0;
      return { rop: "RopOpenFolder", ...header, hasRules, ghost: ghosted ? readGhost(reader) : null };
    },
    write(writer, response) {
      if (response.returnValue !== RopReturnValue.Success) return;
      writer.u8(response.hasRules ? 1 : 0).u8(response.ghost ? 1 : 0);
      if (response.ghost) writeGhost(writer, response.ghost);
    },
  },
};

export type RopCreateFolderRequest = Request<
  "RopCreateFolder",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly outputHandleIndex: number;
    /** 0x01 generic, 0x02 search folder (MS-OXCFOLD 2.2.1.2.1). */
    readonly folderType: number;
    /** Strings go as UTF-16LE when true, 8-bit otherwise. */
    readonly useUnicodeStrings: boolean;
    readonly openExisting: boolean;
    readonly reserved: number;
    readonly displayName: string;
    readonly comment: string;
  }
>;
export type RopCreateFolderResponse = Response<
  "RopCreateFolder",
  {
    readonly folderId?: bigint;
    /** Present when an existing folder was opened (OpenExisting). */
    readonly existing?: { readonly hasRules: boolean; readonly ghost: GhostInfo | null } | null;
  }
>;

/** RopCreateFolder (MS-OXCROPS 2.2.4.2). */
export const ropCreateFolder: RopDefinition<RopCreateFolderRequest, RopCreateFolderResponse> = {
  name: "RopCreateFolder",
  ropId: RopId.RopCreateFolder,
  writeRequest(writer, r) {
    writer.u8(r.logonId).u8(r.inputHandleIndex).u8(r.outputHandleIndex).u8(r.folderType);
    writer
      .u8(r.useUnicodeStrings ? 1 : 0)
      .u8(r.openExisting ? 1 : 0)
      .u8(r.reserved);
    const write = r.useUnicodeStrings ? writeUnicodeString : writeString8;
    write(writer, r.displayName);
    write(writer, r.comment);
  },
  readRequest(reader) {
    const head = {
      logonId: reader.u8(),
      inputHandleIndex: reader.u8(),
      outputHandleIndex: reader.u8(),
      folderType: reader.u8(),
      useUnicodeStrings: reader.u8() !== 0,
      openExisting: reader.u8() !== 0,
      reserved: reader.u8(),
    };
    const read = head.useUnicodeStrings ? readUnicodeString : readString8;
    return { rop: "RopCreateFolder", ...head, displayName: read(reader), comment: read(reader) };
  },
  response: {
    read(reader, header) {
      if (header.returnValue !== RopReturnValue.Success) return { rop: "RopCreateFolder", ...header };
      const folderId = reader.u64();
      if (reader.u8() === 0) return { rop: "RopCreateFolder", ...header, folderId, existing: null };
      const hasRules = reader.u8() !== 0;
      const ghosted = reader.u8() !== 0;
      return {
        rop: "RopCreateFolder",
        ...header,
        folderId,
        existing: { hasRules, ghost: ghosted ? readGhost(reader) : null },
      };
    },
    write(writer, response) {
      if (response.returnValue !== RopReturnValue.Success) return;
      if (response.folderId === undefined)
        throw new InvalidArgumentError("RopCreateFolder success needs folderId");
      writer.u64(response.folderId);
      if (!response.existing) {
        writer.u8(0);
        return;
      }
      writer
        .u8(1)
        .u8(response.existing.hasRules ? 1 : 0)
        .u8(response.existing.ghost ? 1 : 0);
      if (response.existing.ghost) writeGhost(writer, response.existing.ghost);
    },
  },
};

/** RopDeleteFolder (MS-OXCROPS 2.2.4.3). */
export const ropDeleteFolder = schemaRop(
  "RopDeleteFolder",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["deleteFolderFlags", "u8"],
    ["folderId", "u64"],
  ] as const,
  [["partialCompletion", "bool"]] as const,
);

const tableRequest = [
  ["logonId", "u8"],
  ["inputHandleIndex", "u8"],
  ["outputHandleIndex", "u8"],
  ["tableFlags", "u8"],
] as const;

/** RopGetHierarchyTable (MS-OXCROPS 2.2.4.13); RowCount is the number of child folders. */
export const ropGetHierarchyTable = schemaRop("RopGetHierarchyTable", tableRequest, [
  ["rowCount", "u32"],
] as const);

/** RopGetContentsTable (MS-OXCROPS 2.2.4.14). */
export const ropGetContentsTable = schemaRop("RopGetContentsTable", tableRequest, [
  ["rowCount", "u32"],
] as const);

const deleteMessagesRequest = [
  ["logonId", "u8"],
  ["inputHandleIndex", "u8"],
  ["wantAsynchronous", "bool"],
  ["notifyNonRead", "bool"],
  ["messageIds", "ids16"],
] as const;

/** RopDeleteMessages (MS-OXCROPS 2.2.4.11): to the deleted-items retention, soft delete. */
export const ropDeleteMessages = schemaRop("RopDeleteMessages", deleteMessagesRequest, [
  ["partialCompletion", "bool"],
] as const);

/** RopHardDeleteMessages (MS-OXCROPS 2.2.4.12). */
export const ropHardDeleteMessages = schemaRop("RopHardDeleteMessages", deleteMessagesRequest, [
  ["partialCompletion", "bool"],
] as const);

export type RopMoveCopyMessagesRequest = Request<
  "RopMoveCopyMessages",
  {
    readonly logonId: number;
    readonly sourceHandleIndex: number;
    readonly destHandleIndex: number;
    readonly messageIds: readonly bigint[];
    readonly wantAsynchronous: boolean;
    readonly wantCopy: boolean;
  }
>;
export type RopMoveCopyMessagesResponse = Response<
  "RopMoveCopyMessages",
  { readonly partialCompletion?: boolean; readonly destHandleIndex?: number }
>;

const moveCopyRequest = [
  ["logonId", "u8"],
  ["sourceHandleIndex", "u8"],
  ["destHandleIndex", "u8"],
  ["messageIds", "ids16"],
  ["wantAsynchronous", "bool"],
  ["wantCopy", "bool"],
] as const;
const moveCopyBase = schemaRop("RopMoveCopyMessages", moveCopyRequest, null);

/**
 * RopMoveCopyMessages (MS-OXCROPS 2.2.4.6). PartialCompletion comes with success and with
 * most failures; ecNullObject (0x503) also names the bad DestHandleIndex.
 */
export const ropMoveCopyMessages: RopDefinition<RopMoveCopyMessagesRequest, RopMoveCopyMessagesResponse> = {
  ...moveCopyBase,
  response: {
    read(reader, header) {
      if (header.returnValue === RopReturnValue.NullDestinationObject) {
        const destHandleIndex = reader.u32();
        return {
          rop: "RopMoveCopyMessages",
          ...header,
          destHandleIndex,
          partialCompletion: reader.u8() !== 0,
        };
      }
      return { rop: "RopMoveCopyMessages", ...header, partialCompletion: reader.u8() !== 0 };
    },
    write(writer, response) {
      if (response.returnValue === RopReturnValue.NullDestinationObject)
        writer.u32(response.destHandleIndex ?? 0);
      writer.u8(response.partialCompletion ? 1 : 0);
    },
  },
};
