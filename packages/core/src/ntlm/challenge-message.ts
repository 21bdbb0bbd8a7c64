import { ByteWriter } from "../bytes/byte-writer.js";
import { InvalidArgumentError } from "../errors/error-classes.js";
import { type AvPair, decodeAvPairs, encodeAvPairs } from "./av-pair.js";
import {
  checkFieldLength,
  decodeText,
  layoutPayload,
  MessageType,
  NTLMSSP_SIGNATURE,
  openMessage,
  readFieldDescriptor,
  readPayload,
  writeFieldDescriptor,
} from "./message-fields.js";
import { hasFlag, NegotiateFlag } from "./negotiate-flags.js";
import { type NtlmVersion, readVersion, VERSION_LENGTH, writeVersion } from "./version.js";

/** CHALLENGE_MESSAGE (type 2), MS-NLMP 2.2.1.2. Every byte array is a copy of the input. */
export interface NtlmChallenge {
  readonly flags: number;
  /** The 8-byte nonce. */
  readonly serverChallenge: Uint8Array;
  /** The server's realm (domain or server name); "" when absent. Informational only. */
  readonly targetName: string;
  /** Decoded AV pairs without MsvAvEOL; empty unless NTLMSSP_NEGOTIATE_TARGET_INFO is set. */
  readonly targetInfo: readonly AvPair[];
  readonly version: NtlmVersion | undefined;
}

export interface NtlmChallengeInit {
  readonly flags: number;
  readonly serverChallenge: Uint8Array;
  readonly targetName?: string;
  readonly targetInfo?: readonly AvPair[];
  readonly version?: NtlmVersion;
}

/** Signature .. TargetInfoFields; Version follows when negotiated. */
const FIXED_LENGTH = 48;
const HEADER_LENGTH = FIXED_LENGTH + VERSION_LENGTH;

/**
 * Decodes a CHALLENGE_MESSAGE from an untrusted server. Every length and offset is checked
 * before use; only ParseError and LimitExceededError (MailwireErrors) are thrown; nothing is
 * allocated beyond copies of byte ranges that exist in the input (see limits.ts).
 */
export function decodeChallenge(bytes: Uint8Array): NtlmChallenge {
  const reader = openMessage(bytes, MessageType.NtLmChallenge, FIXED_LENGTH, "CHALLENGE_MESSAGE");
  const targetNameField = readFieldDescriptor(reader);
  const flags = reader.u32();
  const serverChallenge = reader.bytesCopy(8);
  reader.skip(8); // Reserved: "MUST be ignored on receipt"
  const targetInfoField = readFieldDescriptor(reader);
  const hasVersion = hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_VERSION);
  const version = hasVersion ? readVersion(reader) : undefined;
  const headerLength = hasVersion ? HEADER_LENGTH : FIXED_LENGTH;
  const unicode = hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_UNICODE);
  // 2.2.1.2 says to ignore TargetNameFields without NTLMSSP_REQUEST_TARGET, yet servers (and
  // the 4.2.4 example) send a TargetName without echoing that flag. It is informational
  // only, so it is read whenever present, with the same bounds checks.
  const targetName = decodeText(
    readPayload(reader, targetNameField, headerLength, "TargetName"),
    unicode,
    "TargetName",
  );
  const targetInfo = hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_TARGET_INFO)
    ? decodeTargetInfo(readPayload(reader, targetInfoField, headerLength, "TargetInfo"))
    : [];
  return { flags, serverChallenge, targetName, targetInfo, version };
}

function decodeTargetInfo(bytes: Uint8Array): AvPair[] {
  // An absent TargetInfo (length 0) is an empty list, not a missing MsvAvEOL.
  return bytes.length === 0 ? [] : decodeAvPairs(bytes);
}

/** Encodes a CHALLENGE_MESSAGE (for the simulator, server-side code and tests). */
export function encodeChallenge(init: NtlmChallengeInit): Uint8Array {
  if (init.serverChallenge.length !== 8) {
    throw new InvalidArgumentError(`ServerChallenge must be 8 bytes, got ${init.serverChallenge.length}`);
  }
  const flags = init.flags >>> 0;
  const unicode = hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_UNICODE);
  const name = init.targetName ?? "";
  const targetName = unicode ? Buffer.from(name, "utf16le") : Buffer.from(name, "latin1");
  checkFieldLength(targetName, "TargetName");
  const targetInfo =
    init.targetInfo === undefined && !hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_TARGET_INFO)
      ? new Uint8Array(0)
      : encodeAvPairs(init.targetInfo ?? []);
  checkFieldLength(targetInfo, "TargetInfo");
  const [nameOffset = HEADER_LENGTH, infoOffset = HEADER_LENGTH] = layoutPayload(HEADER_LENGTH, [
    targetName,
    targetInfo,
  ]);
  const writer = new ByteWriter(HEADER_LENGTH + targetName.length + targetInfo.length);
  writer.bytes(NTLMSSP_SIGNATURE).u32(MessageType.NtLmChallenge);
  writeFieldDescriptor(writer, targetName.length, nameOffset);
  writer.u32(flags).bytes(init.serverChallenge).zeros(8);
  writeFieldDescriptor(writer, targetInfo.length, infoOffset);
  writeVersion(writer, hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_VERSION) ? init.version : undefined);
  writer.bytes(targetName).bytes(targetInfo);
  return writer.finish().slice();
}
