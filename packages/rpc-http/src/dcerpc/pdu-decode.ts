import { ByteReader, LimitExceededError, ParseError } from "@mailwire/core";
import { COMMON_HEADER_LENGTH, PacketType, PfcFlag, SEC_TRAILER_LENGTH, type SyntaxId } from "./constants.js";
import { DceRpcLimits } from "./limits.js";
import type { AuthVerifier, ContextElement, ContextResult, Pdu } from "./pdu-types.js";
import { uuidFromBytes } from "./uuid.js";

// Decoders of connection-oriented PDUs (C706 12.6.4, MS-RPCE 2.2.2) from untrusted bytes:
// every count and length is checked against the fragment and DceRpcLimits first; failures
// are ParseError or LimitExceededError, never a crash or an allocation sized by the peer.

/** The 16-byte common header (C706 12.6.3.1). */
export interface CommonHeader {
  readonly type: number;
  readonly flags: number;
  readonly fragLength: number;
  readonly authLength: number;
  readonly callId: number;
}

/**
 * Reads and checks the common header at the start of `bytes` (which may hold only the
 * header): version 5.0, little-endian integer representation, a frag_length no smaller than
 * a header and no larger than `maxFragLength`.
 */
export function decodeCommonHeader(
  bytes: Uint8Array,
  maxFragLength: number = DceRpcLimits.maxFragLength,
): CommonHeader {
  if (bytes.length < COMMON_HEADER_LENGTH) throw new ParseError("Truncated DCE/RPC common header");
  const reader = new ByteReader(bytes, 0, COMMON_HEADER_LENGTH);
  const major = reader.u8();
  const minor = reader.u8();
  if (major !== 5 || (minor !== 0 && minor !== 1)) {
    throw new ParseError(`Not a connection-oriented DCE/RPC PDU (version ${major}.${minor})`, { offset: 0 });
  }
  const type = reader.u8();
  const flags = reader.u8();
  const drep = reader.u8();
  reader.skip(3);
  if ((drep & 0xf0) !== 0x10) {
    // Windows always sends little-endian; big-endian NDR is not implemented.
    throw new ParseError("Big-endian DCE/RPC data representation is not supported", { offset: 4 });
  }
  const fragLength = reader.u16();
  const authLength = reader.u16();
  const callId = reader.u32();
  if (fragLength < COMMON_HEADER_LENGTH) {
    throw new ParseError(`frag_length ${fragLength} is shorter than the common header`, { offset: 8 });
  }
  if (fragLength > maxFragLength) {
    throw new LimitExceededError(`frag_length ${fragLength} exceeds the negotiated ${maxFragLength}`, {
      limit: "maxFragLength",
      max: maxFragLength,
    });
  }
  return { type, flags, fragLength, authLength, callId };
}

function readSyntax(reader: ByteReader): SyntaxId {
  reader.need(20, "syntax identifier");
  const uuid = uuidFromBytes(reader.bytesView(16));
  return { uuid, major: reader.u16(), minor: reader.u16() };
}

function readAuth(
  bytes: Uint8Array,
  header: CommonHeader,
  bodyStart: number,
): { auth: AuthVerifier; end: number } {
  const trailer = header.fragLength - header.authLength - SEC_TRAILER_LENGTH;
  if (header.authLength > DceRpcLimits.maxAuthLength) {
    throw new LimitExceededError(`auth_length ${header.authLength} exceeds ${DceRpcLimits.maxAuthLength}`, {
      limit: "maxAuthLength",
      max: DceRpcLimits.maxAuthLength,
    });
  }
  if (trailer < bodyStart) {
    throw new ParseError(`auth_length ${header.authLength} runs into the PDU header`, { offset: 10 });
  }
  const reader = new ByteReader(bytes, trailer, header.fragLength);
  const authType = reader.u8();
  const authLevel = reader.u8();
  const authPadLength = reader.u8();
  reader.skip(1);
  const authContextId = reader.u32();
  if (trailer - authPadLength < bodyStart) {
    throw new ParseError(`auth_pad_length ${authPadLength} is longer than the body`, { offset: trailer + 2 });
  }
  const authValue = bytes.slice(trailer + SEC_TRAILER_LENGTH, header.fragLength);
  return { auth: { authType, authLevel, authPadLength, authContextId, authValue }, end: trailer };
}

/** Decodes one whole PDU (exactly frag_length bytes). */
export function decodePdu(bytes: Uint8Array, maxFragLength: number = DceRpcLimits.maxFragLength): Pdu {
  const header = decodeCommonHeader(bytes, maxFragLength);
  if (bytes.length !== header.fragLength) {
    throw new ParseError(`frag_length ${header.fragLength} but ${bytes.length} bytes were given`, {
      offset: 8,
    });
  }
  const { type, flags, callId } = header;
  const bodyStart = COMMON_HEADER_LENGTH;
  const hasAuth = header.authLength > 0;
  const authPart = hasAuth ? readAuth(bytes, header, bodyStart) : undefined;
  const bodyEnd = authPart ? authPart.end : header.fragLength;
  const reader = new ByteReader(bytes, bodyStart, bodyEnd);
  const auth = authPart?.auth;
  switch (type) {
    case PacketType.bind:
    case PacketType.alter_context: {
      const maxXmitFrag = reader.u16();
      const maxRecvFrag = reader.u16();
      const assocGroupId = reader.u32();
      const count = reader.u8();
      reader.skip(3);
      if (count > DceRpcLimits.maxContextElements) {
        throw new LimitExceededError(
          `${count} presentation contexts exceed ${DceRpcLimits.maxContextElements}`,
          {
            limit: "maxContextElements",
            max: DceRpcLimits.maxContextElements,
          },
        );
      }
      const contexts: ContextElement[] = [];
      for (let i = 0; i < count; i++) {
        const contextId = reader.u16();
        const syntaxes = reader.u8();
        reader.skip(1);
        if (syntaxes > DceRpcLimits.maxTransferSyntaxes) {
          throw new LimitExceededError(
            `${syntaxes} transfer syntaxes exceed ${DceRpcLimits.maxTransferSyntaxes}`,
            {
              limit: "maxTransferSyntaxes",
              max: DceRpcLimits.maxTransferSyntaxes,
            },
          );
        }
        const abstractSyntax = readSyntax(reader);
        const transferSyntaxes: SyntaxId[] = [];
        for (let j = 0; j < syntaxes; j++) transferSyntaxes.push(readSyntax(reader));
        contexts.push({ contextId, abstractSyntax, transferSyntaxes });
      }
      return { type, flags, callId, maxXmitFrag, maxRecvFrag, assocGroupId, contexts, auth };
    }
    case PacketType.bind_ack:
    case PacketType.alter_context_resp: {
      const maxXmitFrag = reader.u16();
      const maxRecvFrag = reader.u16();
      const assocGroupId = reader.u32();
      const addressLength = reader.u16();
      if (addressLength > DceRpcLimits.maxSecondaryAddress) {
        throw new LimitExceededError(`sec_addr of ${addressLength} bytes`, {
          limit: "maxSecondaryAddress",
          max: DceRpcLimits.maxSecondaryAddress,
        });
      }
      const raw = reader.bytesView(addressLength);
      const secondaryAddress = new TextDecoder("latin1").decode(raw).replace(/\0+$/, "");
      // The result list is 4-byte aligned relative to the PDU start (C706 12.6.4.4).
      reader.skip((4 - (reader.offset % 4)) % 4);
      const count = reader.u8();
      reader.skip(3);
      if (count > DceRpcLimits.maxContextElements) {
        throw new LimitExceededError(`${count} results exceed ${DceRpcLimits.maxContextElements}`, {
          limit: "maxContextElements",
          max: DceRpcLimits.maxContextElements,
        });
      }
      const results: ContextResult[] = [];
      for (let i = 0; i < count; i++) {
        const result = reader.u16();
        const reason = reader.u16();
        results.push({ result, reason, transferSyntax: readSyntax(reader) });
      }
      return { type, flags, callId, maxXmitFrag, maxRecvFrag, assocGroupId, secondaryAddress, results, auth };
    }
    case PacketType.bind_nak: {
      const reason = reader.u16();
      const versions: [number, number][] = [];
      // The version list is optional in practice (Windows may stop after the reason).
      if (reader.remaining > 0) {
        const count = reader.u8();
        for (let i = 0; i < count && reader.remaining >= 2; i++) versions.push([reader.u8(), reader.u8()]);
      }
      return { type, flags, callId, reason, versions };
    }
    case PacketType.request: {
      const allocHint = reader.u32();
      const contextId = reader.u16();
      const opnum = reader.u16();
      const object = flags & PfcFlag.OBJECT_UUID ? uuidFromBytes(reader.bytesView(16)) : undefined;
      const stub = reader.bytesCopy(reader.remaining);
      return { type, flags, callId, allocHint, contextId, opnum, object, stub, auth };
    }
    case PacketType.response: {
      const allocHint = reader.u32();
      const contextId = reader.u16();
      const cancelCount = reader.u8();
      reader.skip(1);
      const stub = reader.bytesCopy(reader.remaining);
      return { type, flags, callId, allocHint, contextId, cancelCount, stub, auth };
    }
    case PacketType.fault: {
      const allocHint = reader.u32();
      const contextId = reader.u16();
      const cancelCount = reader.u8();
      reader.skip(1);
      const status = reader.u32();
      reader.skip(4);
      const stub = reader.bytesCopy(reader.remaining);
      return { type, flags, callId, allocHint, contextId, cancelCount, status, stub, auth };
    }
    case PacketType.auth3:
      if (!auth) throw new ParseError("auth3 without an auth verifier", { offset: 10 });
      return { type, flags, callId, auth };
    case PacketType.shutdown:
    case PacketType.co_cancel:
    case PacketType.orphaned:
      return { type, flags, callId };
    default:
      throw new ParseError(`Unexpected DCE/RPC packet type ${type}`, { offset: 2 });
  }
}
