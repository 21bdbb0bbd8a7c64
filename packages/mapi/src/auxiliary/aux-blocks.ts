import { ByteReader, ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import { type Guid, readGuid, writeGuid } from "../data/guid.js";

/** AUX_HEADER Version values (MS-OXCRPC 2.2.2.2). */
export const AuxVersion = { V1: 0x01, V2: 0x02 } as const;

/** AUX_HEADER Type values (MS-OXCRPC 2.2.2.2); with Version they name the block that follows. */
export const AuxType = {
  PERF_REQUESTID: 0x01,
  PERF_CLIENTINFO: 0x02,
  PERF_SERVERINFO: 0x03,
  PERF_SESSIONINFO: 0x04,
  PERF_DEFMDB_SUCCESS: 0x05,
  PERF_DEFGC_SUCCESS: 0x06,
  PERF_MDB_SUCCESS: 0x07,
  PERF_GC_SUCCESS: 0x08,
  PERF_FAILURE: 0x09,
  CLIENT_CONTROL: 0x0a,
  PERF_PROCESSINFO: 0x0b,
  OSVERSIONINFO: 0x16,
  EXORGINFO: 0x17,
  PERF_ACCOUNTINFO: 0x18,
  SERVER_CAPABILITIES: 0x46,
  ENDPOINT_CAPABILITIES: 0x48,
  EXCEPTION_TRACE: 0x49,
  CLIENT_CONNECTION_INFO: 0x4a,
  SERVER_SESSION_INFO: 0x4b,
  PROTOCOL_DEVICE_IDENTIFICATION: 0x4e,
} as const;

/** AUX_SERVER_CAPABILITIES flags (MS-OXCRPC 2.2.2.2.19). */
export const ServerCapabilityFlag = {
  PACKED_FAST_TRANSFER_UPLOAD_BUFFERS: 0x01,
  PACKED_WRITE_STREAM_UPLOAD_BUFFERS: 0x02,
  ULTRA_LARGE_PACKED_DOWNLOAD_BUFFERS: 0x08,
} as const;

/** AUX_ENDPOINT_CAPABILITIES flag (MS-OXCRPC 2.2.2.2.20): mailbox and address book on one endpoint. */
export const ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT = 0x01;

/** AUX_CLIENT_CONTROL EnableFlags (MS-OXCRPC 2.2.2.2.15). */
export const ClientControlFlag = {
  ENABLE_PERF_SENDTOSERVER: 0x01,
  ENABLE_COMPRESSION: 0x04,
  ENABLE_HTTP_TUNNELING: 0x08,
  ENABLE_PERF_SENDGCDATA: 0x10,
} as const;

/** One auxiliary block (MS-OXCRPC 2.2.2.2.x); blocks this package does not model stay raw. */
export type AuxBlock =
  | { readonly kind: "perfRequestId"; readonly sessionId: number; readonly requestId: number }
  | {
      readonly kind: "perfClientInfo";
      readonly adapterSpeed: number;
      readonly clientId: number;
      readonly machineName?: string | undefined;
      readonly userName?: string | undefined;
      readonly clientIp?: Uint8Array | undefined;
      readonly clientIpMask?: Uint8Array | undefined;
      readonly adapterName?: string | undefined;
      readonly macAddress?: Uint8Array | undefined;
      /** 0 unknown, 1 classic (online), 2 cached. */
      readonly clientMode: number;
    }
  | {
      readonly kind: "perfServerInfo";
      readonly serverId: number;
      readonly serverType: number;
      readonly serverDn?: string | undefined;
      readonly serverName?: string | undefined;
    }
  | {
      readonly kind: "perfSessionInfo";
      readonly sessionId: number;
      readonly sessionGuid: Guid;
      /** Present in the Version 2 block (AUX_PERF_SESSIONINFO_V2). */
      readonly connectionId?: number | undefined;
    }
  | {
      readonly kind: "perfProcessInfo";
      readonly processId: number;
      readonly processGuid: Guid;
      readonly processName?: string | undefined;
    }
  | { readonly kind: "perfAccountInfo"; readonly clientId: number; readonly account: Guid }
  | { readonly kind: "clientControl"; readonly enableFlags: number; readonly expiryTime: number }
  | {
      readonly kind: "osVersionInfo";
      readonly majorVersion: number;
      readonly minorVersion: number;
      readonly buildNumber: number;
      readonly servicePackMajor: number;
      readonly servicePackMinor: number;
    }
  | { readonly kind: "exOrgInfo"; readonly orgFlags: number }
  | { readonly kind: "serverCapabilities"; readonly flags: number }
  | { readonly kind: "endpointCapabilities"; readonly flags: number }
  | {
      readonly kind: "clientConnectionInfo";
      readonly connectionGuid: Guid;
      readonly connectionAttempts: number;
      readonly connectionFlags: number;
      readonly connectionContextInfo?: string | undefined;
    }
  | { readonly kind: "serverSessionInfo"; readonly serverSessionContextInfo?: string | undefined }
  | { readonly kind: "unknown"; readonly version: number; readonly type: number; readonly data: Uint8Array };

const HEADER = 4;
/** Fixed part of AUX_OSVERSIONINFO: OSVersionInfoSize, three versions, 132 reserved bytes, SP, reserved. */
const OS_VERSION_INFO_SIZE = 156;

/**
 * A null-terminated UTF-16LE string at `offset` from the start of the AUX_HEADER (0: none),
 * never read beyond the block.
 */
function stringAt(block: Uint8Array, offset: number): string | undefined {
  if (offset === 0) return undefined;
  if (offset < HEADER || offset >= block.length) {
    throw new ParseError(`Auxiliary block: string offset ${offset} outside the ${block.length}-byte block`);
  }
  let end = offset;
  while (end + 1 < block.length && (block[end] !== 0 || block[end + 1] !== 0)) end += 2;
  if (end + 1 >= block.length) throw new ParseError("Auxiliary block: string without its terminator");
  return Buffer.from(block.buffer, block.byteOffset + offset, end - offset).toString("utf16le");
}

/** `size` bytes at `offset` from the start of the AUX_HEADER (offset or size 0: none). */
function bytesAt(block: Uint8Array, offset: number, size: number): Uint8Array | undefined {
  if (offset === 0 || size === 0) return undefined;
  if (offset < HEADER || offset + size > block.length) {
    throw new ParseError(
      `Auxiliary block: ${size} bytes at ${offset} outside the ${block.length}-byte block`,
    );
  }
  return Uint8Array.prototype.slice.call(block, offset, offset + size);
}

function readBlock(version: number, type: number, block: Uint8Array): AuxBlock {
  const r = new ByteReader(block, HEADER);
  const unknown = (): AuxBlock => ({
    kind: "unknown",
    version,
    type,
    data: Uint8Array.prototype.slice.call(block, HEADER),
  });
  if (version === AuxVersion.V2) {
    if (type !== AuxType.PERF_SESSIONINFO) return unknown();
    const sessionId = r.u16();
    r.skip(2);
    const sessionGuid = readGuid(r);
    return { kind: "perfSessionInfo", sessionId, sessionGuid, connectionId: r.u32() };
  }
  if (version !== AuxVersion.V1) return unknown();
  switch (type) {
    case AuxType.PERF_REQUESTID:
      return { kind: "perfRequestId", sessionId: r.u16(), requestId: r.u16() };
    case AuxType.PERF_CLIENTINFO: {
      const adapterSpeed = r.u32();
      const clientId = r.u16();
      const machineNameOffset = r.u16();
      const userNameOffset = r.u16();
      const clientIpSize = r.u16();
      const clientIpOffset = r.u16();
      const clientIpMaskSize = r.u16();
      const clientIpMaskOffset = r.u16();
      const adapterNameOffset = r.u16();
      const macAddressSize = r.u16();
      const macAddressOffset = r.u16();
      const clientMode = r.u16();
      r.skip(2);
      return {
        kind: "perfClientInfo",
        adapterSpeed,
        clientId,
        machineName: stringAt(block, machineNameOffset),
        userName: stringAt(block, userNameOffset),
        clientIp: bytesAt(block, clientIpOffset, clientIpSize),
        clientIpMask: bytesAt(block, clientIpMaskOffset, clientIpMaskSize),
        adapterName: stringAt(block, adapterNameOffset),
        macAddress: bytesAt(block, macAddressOffset, macAddressSize),
        clientMode,
      };
    }
    case AuxType.PERF_SERVERINFO: {
      const serverId = r.u16();
      const serverType = r.u16();
      const serverDnOffset = r.u16();
      const serverNameOffset = r.u16();
      return {
        kind: "perfServerInfo",
        serverId,
        serverType,
        serverDn: stringAt(block, serverDnOffset),
        serverName: stringAt(block, serverNameOffset),
      };
    }
    case AuxType.PERF_SESSIONINFO: {
      const sessionId = r.u16();
      r.skip(2);
      return { kind: "perfSessionInfo", sessionId, sessionGuid: readGuid(r) };
    }
    case AuxType.PERF_PROCESSINFO: {
      const processId = r.u16();
      r.skip(2);
      const processGuid = readGuid(r);
      const nameOffset = r.u16();
      r.skip(2);
      return { kind: "perfProcessInfo", processId, processGuid, processName: stringAt(block, nameOffset) };
    }
    case AuxType.PERF_ACCOUNTINFO: {
      const clientId = r.u16();
      r.skip(2);
      return { kind: "perfAccountInfo", clientId, account: readGuid(r) };
    }
    case AuxType.CLIENT_CONTROL:
      return { kind: "clientControl", enableFlags: r.u32(), expiryTime: r.u32() };
    case AuxType.OSVERSIONINFO: {
      r.need(OS_VERSION_INFO_SIZE, "AUX_OSVERSIONINFO");
      r.skip(4);
      const majorVersion = r.u32();
      const minorVersion = r.u32();
      const buildNumber = r.u32();
      r.skip(132);
      const servicePackMajor = r.u16();
      const servicePackMinor = r.u16();
      return {
        kind: "osVersionInfo",
        majorVersion,
        minorVersion,
        buildNumber,
        servicePackMajor,
        servicePackMinor,
      };
    }
    case AuxType.EXORGINFO:
      return { kind: "exOrgInfo", orgFlags: r.u32() };
    case AuxType.SERVER_CAPABILITIES:
      return { kind: "serverCapabilities", flags: r.u32() };
    case AuxType.ENDPOINT_CAPABILITIES:
      return { kind: "endpointCapabilities", flags: r.u32() };
    case AuxType.CLIENT_CONNECTION_INFO: {
      const connectionGuid = readGuid(r);
      const contextOffset = r.u16();
      r.skip(2);
      const connectionAttempts = r.u32();
      const connectionFlags = r.u32();
      return {
        kind: "clientConnectionInfo",
        connectionGuid,
        connectionAttempts,
        connectionFlags,
        connectionContextInfo: stringAt(block, contextOffset),
      };
    }
    case AuxType.SERVER_SESSION_INFO:
      return { kind: "serverSessionInfo", serverSessionContextInfo: stringAt(block, r.u16()) };
    default:
      return unknown();
  }
}

/**
 * Reads the blocks of an auxiliary payload (MS-OXCRPC 3.1.4.1.2: the bytes an RPC_HEADER_EXT
 * chain carries in rgbAuxIn/rgbAuxOut, or MAPI/HTTP's AuxiliaryBuffer after that header).
 * Each AUX_HEADER's Size covers header and block and must fit what is left; blocks of a
 * version or type not modelled come back as `unknown` with their bytes.
 */
export function decodeAuxBlocks(payload: Uint8Array): AuxBlock[] {
  const blocks: AuxBlock[] = [];
  let offset = 0;
  while (offset < payload.length) {
    if (payload.length - offset < HEADER) {
      throw new ParseError("Auxiliary buffer: truncated AUX_HEADER", { offset });
    }
    const size = (payload[offset] as number) | ((payload[offset + 1] as number) << 8);
    if (size < HEADER || size > payload.length - offset) {
      throw new ParseError(`Auxiliary buffer: AUX_HEADER Size ${size} does not fit`, { offset });
    }
    const block = payload.subarray(offset, offset + size);
    blocks.push(readBlock(block[2] as number, block[3] as number, block));
    offset += size;
  }
  return blocks;
}

function utf16z(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(`${value}\0`, "utf16le"));
}

/** Builds one block: header, fixed fields, then the variable data the offsets point at. */
class BlockWriter {
  readonly fixed = new ByteWriter(64);
  readonly #tail: Uint8Array[] = [];
  #tailLength = 0;
  readonly #patches: { at: number; data: Uint8Array }[] = [];

  /** Reserves a 16-bit offset field for `data` (none when undefined). */
  offsetOf(data: Uint8Array | undefined): this {
    const at = this.fixed.offset;
    this.fixed.u16(0);
    if (data !== undefined && data.length > 0) {
      this.#patches.push({ at, data });
      this.#tail.push(data);
      this.#tailLength += data.length;
    }
    return this;
  }

  finish(version: number, type: number): Uint8Array {
    const fixed = this.fixed.finish();
    const size = HEADER + fixed.length + this.#tailLength;
    if (size > 0xffff) throw new InvalidArgumentError("An auxiliary block holds at most 65535 bytes");
    const out = new Uint8Array(size);
    out[0] = size & 0xff;
    out[1] = size >>> 8;
    out[2] = version;
    out[3] = type;
    out.set(fixed, HEADER);
    let at = HEADER + fixed.length;
    for (const patch of this.#patches) {
      out[HEADER + patch.at] = at & 0xff;
      out[HEADER + patch.at + 1] = at >>> 8;
      out.set(patch.data, at);
      at += patch.data.length;
    }
    return out;
  }
}

const text = (value: string | undefined) => (value === undefined ? undefined : utf16z(value));

function writeBlock(block: AuxBlock): Uint8Array {
  const b = new BlockWriter();
  const w = b.fixed;
  switch (block.kind) {
    case "perfRequestId":
      w.u16(block.sessionId).u16(block.requestId);
      return b.finish(AuxVersion.V1, AuxType.PERF_REQUESTID);
    case "perfClientInfo":
      w.u32(block.adapterSpeed).u16(block.clientId);
      b.offsetOf(text(block.machineName)).offsetOf(text(block.userName));
      w.u16(block.clientIp?.length ?? 0);
      b.offsetOf(block.clientIp);
      w.u16(block.clientIpMask?.length ?? 0);
      b.offsetOf(block.clientIpMask).offsetOf(text(block.adapterName));
      w.u16(block.macAddress?.length ?? 0);
      b.offsetOf(block.macAddress);
      w.u16(block.clientMode).u16(0);
      return b.finish(AuxVersion.V1, AuxType.PERF_CLIENTINFO);
    case "perfServerInfo":
      w.u16(block.serverId).u16(block.serverType);
      b.offsetOf(text(block.serverDn)).offsetOf(text(block.serverName));
      return b.finish(AuxVersion.V1, AuxType.PERF_SERVERINFO);
    case "perfSessionInfo":
      w.u16(block.sessionId).u16(0);
      writeGuid(w, block.sessionGuid);
      if (block.connectionId === undefined) return b.finish(AuxVersion.V1, AuxType.PERF_SESSIONINFO);
      w.u32(block.connectionId);
      return b.finish(AuxVersion.V2, AuxType.PERF_SESSIONINFO);
    case "perfProcessInfo":
      w.u16(block.processId).u16(0);
      writeGuid(w, block.processGuid);
      b.offsetOf(text(block.processName));
      w.u16(0);
      return b.finish(AuxVersion.V1, AuxType.PERF_PROCESSINFO);
    case "perfAccountInfo":
      w.u16(block.clientId).u16(0);
      writeGuid(w, block.account);
      return b.finish(AuxVersion.V1, AuxType.PERF_ACCOUNTINFO);
    case "clientControl":
      w.u32(block.enableFlags).u32(block.expiryTime);
      return b.finish(AuxVersion.V1, AuxType.CLIENT_CONTROL);
    case "osVersionInfo":
      w.u32(OS_VERSION_INFO_SIZE).u32(block.majorVersion).u32(block.minorVersion).u32(block.buildNumber);
      w.zeros(132).u16(block.servicePackMajor).u16(block.servicePackMinor).u32(0);
      return b.finish(AuxVersion.V1, AuxType.OSVERSIONINFO);
    case "exOrgInfo":
      w.u32(block.orgFlags);
      return b.finish(AuxVersion.V1, AuxType.EXORGINFO);
    case "serverCapabilities":
      w.u32(block.flags);
      return b.finish(AuxVersion.V1, AuxType.SERVER_CAPABILITIES);
    case "endpointCapabilities":
      w.u32(block.flags);
      return b.finish(AuxVersion.V1, AuxType.ENDPOINT_CAPABILITIES);
    case "clientConnectionInfo":
      writeGuid(w, block.connectionGuid);
      b.offsetOf(text(block.connectionContextInfo));
      w.u16(0).u32(block.connectionAttempts).u32(block.connectionFlags);
      return b.finish(AuxVersion.V1, AuxType.CLIENT_CONNECTION_INFO);
    case "serverSessionInfo":
      b.offsetOf(text(block.serverSessionContextInfo));
      return b.finish(AuxVersion.V1, AuxType.SERVER_SESSION_INFO);
    case "unknown":
      w.bytes(block.data);
      return b.finish(block.version, block.type);
  }
}

/** Writes blocks, each behind its AUX_HEADER, into one auxiliary payload. */
export function encodeAuxBlocks(blocks: readonly AuxBlock[]): Uint8Array {
  const parts = blocks.map(writeBlock);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
