import { ErrorCode } from "@mailwire/core";
import { RpcHttpError } from "../rpc-http-error.js";
import { MAX_PDU_SIZE, MAX_RTS_COMMANDS } from "./limits.js";
import { commandSize, type RtsCommand, readCommand, writeCommand } from "./rts-command.js";
import { DREP_LITTLE_ENDIAN, PFC_FIRST_LAST, RTS_HEADER_SIZE, RTS_PTYPE } from "./rts-constants.js";

// An RTS PDU ([MS-RPCH] 2.2.3.6): the C706 common header with PTYPE 20, then Flags (u16),
// NumberOfCommands (u16) and the commands.

export interface RtsPdu {
  /** Bit-wise OR of RtsFlag values. */
  flags: number;
  commands: RtsCommand[];
}

/** Encodes an RTS PDU; frag_length is computed, call_id and auth_length are 0 (2.2.3.6.1). */
export function encodeRtsPdu(pdu: RtsPdu): Uint8Array {
  if (!Number.isInteger(pdu.flags) || pdu.flags < 0 || pdu.flags > 0xffff) {
    throw new RpcHttpError("RTS flags are not a u16", { code: ErrorCode.PROTOCOL });
  }
  if (pdu.commands.length > MAX_RTS_COMMANDS) {
    throw new RpcHttpError("too many RTS commands", { code: ErrorCode.LIMIT_EXCEEDED });
  }
  let size = RTS_HEADER_SIZE;
  for (const command of pdu.commands) size += commandSize(command);
  if (size > MAX_PDU_SIZE) throw new RpcHttpError("RTS PDU too large", { code: ErrorCode.LIMIT_EXCEEDED });
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = 5; // rpc_vers ([MS-RPCE] 1.7)
  bytes[1] = 0; // rpc_vers_minor
  bytes[2] = RTS_PTYPE;
  bytes[3] = PFC_FIRST_LAST;
  bytes[4] = DREP_LITTLE_ENDIAN;
  view.setUint16(8, size, true);
  view.setUint16(16, pdu.flags, true);
  view.setUint16(18, pdu.commands.length, true);
  let offset = RTS_HEADER_SIZE;
  for (const command of pdu.commands) offset = writeCommand(view, bytes, offset, command);
  return bytes;
}

/** The PTYPE of a whole PDU (C706 12.6.1), for telling RTS PDUs from the DCE/RPC ones. */
export function pduType(pdu: Uint8Array): number {
  return pdu[2] ?? -1;
}

export function isRtsPdu(pdu: Uint8Array): boolean {
  return pdu.length >= RTS_HEADER_SIZE && pdu[2] === RTS_PTYPE;
}

/**
 * Decodes one whole RTS PDU (as the framer delivers it). Rejects anything 2.2.3.6.1 forbids
 * a sender to produce: another PTYPE, big-endian data representation, a frag_length that is
 * not the buffer's length, fragmentation flags other than first+last, bytes after the last command.
 */
export function decodeRtsPdu(bytes: Uint8Array): RtsPdu {
  const parseError = (message: string, details?: Record<string, unknown>) =>
    new RpcHttpError(message, { code: ErrorCode.PARSE, ...(details ? { details } : {}) });
  if (bytes.length < RTS_HEADER_SIZE) throw parseError("RTS PDU shorter than its header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 5) throw parseError("unsupported RPC version", { rpcVersion: bytes[0] });
  if (bytes[2] !== RTS_PTYPE) throw parseError("not an RTS PDU", { ptype: bytes[2] });
  if (((bytes[4] ?? 0) & 0xf0) !== DREP_LITTLE_ENDIAN) throw parseError("RTS PDU is not little-endian");
  const fragLength = view.getUint16(8, true);
  if (fragLength !== bytes.length) throw parseError("RTS frag_length does not match the PDU", { fragLength });
  if (view.getUint16(10, true) !== 0) throw parseError("RTS PDU with an auth_length");
  const flags = view.getUint16(16, true);
  const count = view.getUint16(18, true);
  if (count > MAX_RTS_COMMANDS) {
    throw new RpcHttpError("too many RTS commands", { code: ErrorCode.LIMIT_EXCEEDED, details: { count } });
  }
  const commands: RtsCommand[] = [];
  let offset = RTS_HEADER_SIZE;
  for (let index = 0; index < count; index++) {
    const { command, next } = readCommand(view, bytes, offset, bytes.length);
    commands.push(command);
    offset = next;
  }
  if (offset !== bytes.length) throw parseError("bytes after the last RTS command");
  return { flags, commands };
}
