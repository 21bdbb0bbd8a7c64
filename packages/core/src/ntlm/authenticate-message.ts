import { ByteWriter } from "../bytes/byte-writer.js";
import { InvalidArgumentError } from "../errors/error-classes.js";
import {
  checkFieldLength,
  decodeText,
  encodeText,
  type FieldDescriptor,
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

/** AUTHENTICATE_MESSAGE (type 3), MS-NLMP 2.2.1.3. Every byte array is a copy of the input. */
export interface NtlmAuthenticate {
  readonly flags: number;
  readonly lmChallengeResponse: Uint8Array;
  readonly ntChallengeResponse: Uint8Array;
  readonly domain: string;
  readonly userName: string;
  readonly workstation: string;
  /** Empty when no key exchange took place. */
  readonly encryptedRandomSessionKey: Uint8Array;
  readonly version: NtlmVersion | undefined;
  /**
   * The 16 bytes at the MIC position, when the payload starts late enough for them to be a
   * MIC. Whether they are one is said by MsvAvFlags bit 0x2 in the NTLMv2 response's AV pairs
   * (MS-NLMP 3.2.5.1.2), not by this layout.
   */
  readonly mic: Uint8Array | undefined;
}

export interface NtlmAuthenticateInit {
  readonly flags: number;
  readonly lmChallengeResponse: Uint8Array;
  readonly ntChallengeResponse: Uint8Array;
  readonly domain?: string;
  readonly userName: string;
  readonly workstation?: string;
  readonly encryptedRandomSessionKey?: Uint8Array;
  /** Written when NTLMSSP_NEGOTIATE_VERSION is in `flags`; zeros otherwise. */
  readonly version?: NtlmVersion;
  /**
   * When given (16 bytes, usually zeros to be patched), the MIC field is emitted at
   * AUTHENTICATE_MIC_OFFSET. When absent the payload follows Version directly, as in the
   * pre-MIC layout of the MS-NLMP 4.2.4.3 example.
   */
  readonly mic?: Uint8Array;
}

/** Signature .. NegotiateFlags. */
const FIXED_LENGTH = 64;
/** Where the MIC sits: after the fixed part and Version (MS-NLMP 2.2.1.3). */
export const AUTHENTICATE_MIC_OFFSET = FIXED_LENGTH + VERSION_LENGTH;
export const MIC_LENGTH = 16;

export function encodeAuthenticate(init: NtlmAuthenticateInit): Uint8Array {
  const flags = init.flags >>> 0;
  if (!hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_UNICODE)) {
    // OEM strings need a code page agreed out of band (MS-NLMP 2.2); we only speak Unicode.
    throw new InvalidArgumentError("AUTHENTICATE_MESSAGE encoding requires NTLMSSP_NEGOTIATE_UNICODE");
  }
  if (init.mic !== undefined && init.mic.length !== MIC_LENGTH) {
    throw new InvalidArgumentError(`MIC must be ${MIC_LENGTH} bytes, got ${init.mic.length}`);
  }
  const domain = encodeText(init.domain ?? "", "DomainName");
  const userName = encodeText(init.userName, "UserName");
  const workstation = encodeText(init.workstation ?? "", "Workstation");
  const lm = init.lmChallengeResponse;
  const nt = init.ntChallengeResponse;
  const key = init.encryptedRandomSessionKey ?? new Uint8Array(0);
  checkFieldLength(lm, "LmChallengeResponse");
  checkFieldLength(nt, "NtChallengeResponse");
  checkFieldLength(key, "EncryptedRandomSessionKey");
  const headerLength = AUTHENTICATE_MIC_OFFSET + (init.mic === undefined ? 0 : MIC_LENGTH);
  // Payload order as in the spec's examples (4.2.2.3, 4.2.4.3): strings first, then responses.
  const payload = [domain, userName, workstation, lm, nt, key];
  const [domainAt, userAt, workstationAt, lmAt, ntAt, keyAt] = layoutPayload(headerLength, payload) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const writer = new ByteWriter(headerLength + payload.reduce((sum, part) => sum + part.length, 0));
  writer.bytes(NTLMSSP_SIGNATURE).u32(MessageType.NtLmAuthenticate);
  writeFieldDescriptor(writer, lm.length, lmAt);
  writeFieldDescriptor(writer, nt.length, ntAt);
  writeFieldDescriptor(writer, domain.length, domainAt);
  writeFieldDescriptor(writer, userName.length, userAt);
  writeFieldDescriptor(writer, workstation.length, workstationAt);
  writeFieldDescriptor(writer, key.length, keyAt);
  writer.u32(flags);
  writeVersion(writer, hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_VERSION) ? init.version : undefined);
  if (init.mic !== undefined) writer.bytes(init.mic);
  for (const part of payload) writer.bytes(part);
  return writer.finish().slice();
}

/** Decodes an AUTHENTICATE_MESSAGE (for servers, simulators and tests). Throws ParseError / LimitExceededError. */
export function decodeAuthenticate(bytes: Uint8Array): NtlmAuthenticate {
  const reader = openMessage(bytes, MessageType.NtLmAuthenticate, FIXED_LENGTH, "AUTHENTICATE_MESSAGE");
  const lmField = readFieldDescriptor(reader);
  const ntField = readFieldDescriptor(reader);
  const domainField = readFieldDescriptor(reader);
  const userField = readFieldDescriptor(reader);
  const workstationField = readFieldDescriptor(reader);
  const keyField = readFieldDescriptor(reader);
  const flags = reader.u32();
  const fields: FieldDescriptor[] = [lmField, ntField, domainField, userField, workstationField, keyField];
  // Version and MIC are present only if the payload leaves room for them before it starts.
  let payloadStart = bytes.length;
  for (const field of fields) if (field.length > 0) payloadStart = Math.min(payloadStart, field.offset);
  const version =
    hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_VERSION) && payloadStart >= AUTHENTICATE_MIC_OFFSET
      ? readVersion(reader)
      : undefined;
  const mic =
    payloadStart >= AUTHENTICATE_MIC_OFFSET + MIC_LENGTH
      ? reader.sliceAt(AUTHENTICATE_MIC_OFFSET, MIC_LENGTH, "MIC").slice()
      : undefined;
  const unicode = hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_UNICODE);
  const text = (field: FieldDescriptor, what: string): string =>
    decodeText(readPayload(reader, field, FIXED_LENGTH, what), unicode, what);
  return {
    flags,
    lmChallengeResponse: readPayload(reader, lmField, FIXED_LENGTH, "LmChallengeResponse").slice(),
    ntChallengeResponse: readPayload(reader, ntField, FIXED_LENGTH, "NtChallengeResponse").slice(),
    domain: text(domainField, "DomainName"),
    userName: text(userField, "UserName"),
    workstation: text(workstationField, "Workstation"),
    encryptedRandomSessionKey: readPayload(
      reader,
      keyField,
      FIXED_LENGTH,
      "EncryptedRandomSessionKey",
    ).slice(),
    version,
    mic,
  };
}
