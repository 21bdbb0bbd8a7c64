import { ByteWriter, InvalidArgumentError } from "@mailwire/core";
import { DREP_LITTLE_ENDIAN, PacketType, PfcFlag, SEC_TRAILER_LENGTH, type SyntaxId } from "./constants.js";
import { DceRpcLimits } from "./limits.js";
import type { AuthVerifier, Pdu } from "./pdu-types.js";
import { uuidToBytes } from "./uuid.js";

// Encoders of connection-oriented PDUs (C706 12.6.4, MS-RPCE 2.2.2). Pure: a Pdu value in,
// the bytes of one fragment out, frag_length and auth_length filled in.

function writeSyntax(writer: ByteWriter, syntax: SyntaxId): void {
  writer.bytes(uuidToBytes(syntax.uuid)).u16(syntax.major).u16(syntax.minor);
}

function padTo4(writer: ByteWriter): number {
  const pad = (4 - (writer.offset % 4)) % 4;
  writer.zeros(pad);
  return pad;
}

/**
 * The sec_trailer and auth_value. Bind-type PDUs pad to a 4-byte boundary here (MS-RPCE
 * 2.2.2.11); request and response stubs come already padded, their pad counted in
 * `authPadLength`.
 */
function writeAuth(writer: ByteWriter, auth: AuthVerifier, padHere: boolean): void {
  const pad = padHere ? padTo4(writer) : auth.authPadLength;
  if (auth.authValue.length > DceRpcLimits.maxAuthLength) {
    throw new InvalidArgumentError(`auth_value of ${auth.authValue.length} bytes is too long`);
  }
  writer
    .u8(auth.authType)
    .u8(auth.authLevel)
    .u8(pad)
    .u8(0)
    .u32(auth.authContextId >>> 0)
    .bytes(auth.authValue);
}

/** Encodes one PDU (one fragment). Throws InvalidArgumentError when it would not fit frag_length. */
export function encodePdu(pdu: Pdu): Uint8Array {
  const writer = new ByteWriter(256 + ("stub" in pdu ? pdu.stub.length : 0));
  writer
    .u8(5)
    .u8(0)
    .u8(pdu.type)
    .u8(pdu.flags)
    .bytes(Uint8Array.from(DREP_LITTLE_ENDIAN))
    .u16(0) // frag_length, patched below
    .u16(0) // auth_length, patched below
    .u32(pdu.callId >>> 0);
  let auth: AuthVerifier | undefined;
  switch (pdu.type) {
    case PacketType.bind:
    case PacketType.alter_context: {
      if (pdu.contexts.length > DceRpcLimits.maxContextElements) {
        throw new InvalidArgumentError(`${pdu.contexts.length} presentation contexts are too many`);
      }
      writer
        .u16(pdu.maxXmitFrag)
        .u16(pdu.maxRecvFrag)
        .u32(pdu.assocGroupId >>> 0);
      writer.u8(pdu.contexts.length).u8(0).u16(0);
      for (const context of pdu.contexts) {
        writer.u16(context.contextId).u8(context.transferSyntaxes.length).u8(0);
        writeSyntax(writer, context.abstractSyntax);
        for (const syntax of context.transferSyntaxes) writeSyntax(writer, syntax);
      }
      if (pdu.auth) writeAuth(writer, pdu.auth, true);
      auth = pdu.auth;
      break;
    }
    case PacketType.bind_ack:
    case PacketType.alter_context_resp: {
      writer
        .u16(pdu.maxXmitFrag)
        .u16(pdu.maxRecvFrag)
        .u32(pdu.assocGroupId >>> 0);
      const address = pdu.secondaryAddress;
      if (address.length === 0) writer.u16(0);
      else writer.u16(address.length + 1).bytes(new TextEncoder().encode(`${address}\0`));
      padTo4(writer);
      writer.u8(pdu.results.length).u8(0).u16(0);
      for (const result of pdu.results) {
        writer.u16(result.result).u16(result.reason);
        writeSyntax(writer, result.transferSyntax);
      }
      if (pdu.auth) writeAuth(writer, pdu.auth, true);
      auth = pdu.auth;
      break;
    }
    case PacketType.bind_nak:
      writer.u16(pdu.reason).u8(pdu.versions.length);
      for (const [major, minor] of pdu.versions) writer.u8(major).u8(minor);
      break;
    case PacketType.request:
      writer
        .u32(pdu.allocHint >>> 0)
        .u16(pdu.contextId)
        .u16(pdu.opnum);
      if (pdu.flags & PfcFlag.OBJECT_UUID) {
        if (pdu.object === undefined)
          throw new InvalidArgumentError("PFC_OBJECT_UUID set without an object UUID");
        writer.bytes(uuidToBytes(pdu.object));
      }
      writer.bytes(pdu.stub);
      if (pdu.auth) writeAuth(writer, pdu.auth, false);
      auth = pdu.auth;
      break;
    case PacketType.response:
      writer
        .u32(pdu.allocHint >>> 0)
        .u16(pdu.contextId)
        .u8(pdu.cancelCount)
        .u8(0)
        .bytes(pdu.stub);
      if (pdu.auth) writeAuth(writer, pdu.auth, false);
      auth = pdu.auth;
      break;
    case PacketType.fault:
      writer
        .u32(pdu.allocHint >>> 0)
        .u16(pdu.contextId)
        .u8(pdu.cancelCount)
        .u8(0)
        .u32(pdu.status >>> 0)
        .u32(0)
        .bytes(pdu.stub);
      if (pdu.auth) writeAuth(writer, pdu.auth, false);
      auth = pdu.auth;
      break;
    case PacketType.auth3:
      // MS-RPCE 2.2.2.10: four bytes of pad (any value), then the sec_trailer.
      writer.zeros(4);
      writeAuth(writer, pdu.auth, true);
      auth = pdu.auth;
      break;
    default:
      break;
  }
  const bytes = writer.finish().slice();
  if (bytes.length > DceRpcLimits.maxFragLength) {
    throw new InvalidArgumentError(`A ${bytes.length}-byte PDU does not fit frag_length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint16(8, bytes.length, true);
  view.setUint16(10, auth ? auth.authValue.length : 0, true);
  return bytes;
}

/** Offset of the sec_trailer in an encoded PDU with an auth verifier of `authLength` bytes. */
export function secTrailerOffset(pduLength: number, authLength: number): number {
  return pduLength - authLength - SEC_TRAILER_LENGTH;
}
