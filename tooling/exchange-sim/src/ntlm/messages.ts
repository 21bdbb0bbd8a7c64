import { MessageType, NegotiateFlags, NTLMSSP_SIGNATURE } from "./constants.js";

// Codecs for the three NTLM messages (MS-NLMP 2.2.1). Pure functions over bytes; every field
// reference (length, offset) is checked against the buffer before it is read.

export class NtlmFormatError extends Error {
  override name = "NtlmFormatError";
}

function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkHeader(bytes: Uint8Array, type: number, minimumLength: number): Buffer {
  const buffer = view(bytes);
  if (buffer.length < minimumLength)
    throw new NtlmFormatError(`NTLM message shorter than ${minimumLength} bytes`);
  if (!buffer.subarray(0, 8).equals(NTLMSSP_SIGNATURE))
    throw new NtlmFormatError("missing NTLMSSP signature");
  const actual = buffer.readUInt32LE(8);
  if (actual !== type) throw new NtlmFormatError(`expected NTLM message type ${type}, got ${actual}`);
  return buffer;
}

/** A Len/MaxLen/BufferOffset triple (MS-NLMP 2.2.1.1 "...Fields"). */
function readField(buffer: Buffer, at: number): Uint8Array {
  const length = buffer.readUInt16LE(at);
  const offset = buffer.readUInt32LE(at + 4);
  if (length === 0) return new Uint8Array(0);
  if (offset + length > buffer.length)
    throw new NtlmFormatError(`field at ${at} points past the message end`);
  return new Uint8Array(buffer.subarray(offset, offset + length));
}

export interface NegotiateMessage {
  flags: number;
}

/** MS-NLMP 2.2.1.1; only the flags matter to a server choosing its CHALLENGE flags. */
export function decodeNegotiate(bytes: Uint8Array): NegotiateMessage {
  const buffer = checkHeader(bytes, MessageType.NtLmNegotiate, 16);
  return { flags: buffer.readUInt32LE(12) };
}

export interface ChallengeMessage {
  flags: number;
  serverChallenge: Uint8Array;
  /** Already encoded (UTF-16LE when NTLMSSP_NEGOTIATE_UNICODE is set). */
  targetName: Uint8Array;
  targetInfo: Uint8Array;
  /** 8 bytes, MS-NLMP 2.2.2.10; sent when NTLMSSP_NEGOTIATE_VERSION is set. */
  version: Uint8Array;
}

/** MS-NLMP 2.2.1.2: 56-byte header (with Version), then TargetName, then TargetInfo. */
export function encodeChallenge(message: ChallengeMessage): Uint8Array {
  const headerLength = 56;
  const out = Buffer.alloc(headerLength + message.targetName.length + message.targetInfo.length);
  out.set(NTLMSSP_SIGNATURE, 0);
  out.writeUInt32LE(MessageType.NtLmChallenge, 8);
  out.writeUInt16LE(message.targetName.length, 12);
  out.writeUInt16LE(message.targetName.length, 14);
  out.writeUInt32LE(headerLength, 16);
  out.writeUInt32LE(message.flags >>> 0, 20);
  out.set(message.serverChallenge, 24);
  // 32..40 Reserved, zero.
  const infoOffset = headerLength + message.targetName.length;
  out.writeUInt16LE(message.targetInfo.length, 40);
  out.writeUInt16LE(message.targetInfo.length, 42);
  out.writeUInt32LE(infoOffset, 44);
  if (message.flags & NegotiateFlags.NTLMSSP_NEGOTIATE_VERSION) out.set(message.version, 48);
  out.set(message.targetName, headerLength);
  out.set(message.targetInfo, infoOffset);
  return new Uint8Array(out);
}

export interface AuthenticateMessage {
  lmChallengeResponse: Uint8Array;
  ntChallengeResponse: Uint8Array;
  domainName: string;
  userName: string;
  workstation: string;
  encryptedRandomSessionKey: Uint8Array;
  flags: number;
}

/** MS-NLMP 2.2.1.3. Strings are UTF-16LE under NTLMSSP_NEGOTIATE_UNICODE, OEM (Latin-1 here) otherwise. */
export function decodeAuthenticate(bytes: Uint8Array): AuthenticateMessage {
  const buffer = checkHeader(bytes, MessageType.NtLmAuthenticate, 64);
  const flags = buffer.readUInt32LE(60);
  const encoding = flags & NegotiateFlags.NTLMSSP_NEGOTIATE_UNICODE ? "utf16le" : "latin1";
  const text = (at: number) => Buffer.from(readField(buffer, at)).toString(encoding);
  return {
    lmChallengeResponse: readField(buffer, 12),
    ntChallengeResponse: readField(buffer, 20),
    domainName: text(28),
    userName: text(36),
    workstation: text(44),
    encryptedRandomSessionKey: readField(buffer, 52),
    flags,
  };
}
