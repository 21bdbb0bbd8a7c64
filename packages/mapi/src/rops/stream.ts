import { InvalidArgumentError } from "@mailwire/core";
import { type Request, type RopDefinition, schemaRop } from "./rop-definition.js";

/** OpenModeFlags of RopOpenStream (MS-OXCPRPT 2.2.14.1). */
export const StreamOpenMode = {
  ReadOnly: 0x00,
  ReadWrite: 0x01,
  Create: 0x02,
  BestAccess: 0x03,
} as const;

/** RopReadStream ByteCount value that means "MaximumByteCount follows" (MS-OXCROPS 2.2.9.2.1). */
export const READ_STREAM_USE_MAXIMUM = 0xbabe;

/** RopOpenStream (MS-OXCROPS 2.2.9.1). */
export const ropOpenStream = schemaRop(
  "RopOpenStream",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["outputHandleIndex", "u8"],
    ["propertyTag", "u32"],
    ["openModeFlags", "u8"],
  ] as const,
  [["streamSize", "u32"]] as const,
);

export type RopReadStreamRequest = Request<
  "RopReadStream",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly byteCount: number;
    /** Sent only when byteCount is 0xBABE. */
    readonly maximumByteCount?: number;
  }
>;

const readStreamResponse = schemaRop("RopReadStream", [], [["data", "bytes16"]] as const, { always: true });

/** RopReadStream (MS-OXCROPS 2.2.9.2): DataSize and Data come whatever the ReturnValue. */
export const ropReadStream: RopDefinition<
  RopReadStreamRequest,
  NonNullable<typeof readStreamResponse.response> extends { read(...a: never[]): infer R } ? R : never
> = {
  name: "RopReadStream",
  ropId: readStreamResponse.ropId,
  writeRequest(writer, r) {
    writer.u8(r.logonId).u8(r.inputHandleIndex).u16(r.byteCount);
    if (r.byteCount === READ_STREAM_USE_MAXIMUM) {
      if (r.maximumByteCount === undefined)
        throw new InvalidArgumentError("ByteCount 0xBABE needs maximumByteCount");
      writer.u32(r.maximumByteCount);
    }
  },
  readRequest(reader) {
    const logonId = reader.u8();
    const inputHandleIndex = reader.u8();
    const byteCount = reader.u16();
    if (byteCount !== READ_STREAM_USE_MAXIMUM)
      return { rop: "RopReadStream", logonId, inputHandleIndex, byteCount };
    return { rop: "RopReadStream", logonId, inputHandleIndex, byteCount, maximumByteCount: reader.u32() };
  },
  response: readStreamResponse.response as never,
};

/** RopWriteStream (MS-OXCROPS 2.2.9.3): WrittenSize comes whatever the ReturnValue. */
export const ropWriteStream = schemaRop(
  "RopWriteStream",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["data", "bytes16"],
  ] as const,
  [["writtenSize", "u16"]] as const,
  { always: true },
);

/** RopCommitStream (MS-OXCROPS 2.2.9.4). */
export const ropCommitStream = schemaRop(
  "RopCommitStream",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
  ] as const,
  [],
);

/** RopGetStreamSize (MS-OXCROPS 2.2.9.5). */
export const ropGetStreamSize = schemaRop(
  "RopGetStreamSize",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
  ] as const,
  [["streamSize", "u32"]] as const,
);
