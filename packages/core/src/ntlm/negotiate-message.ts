import { ByteWriter } from "../bytes/byte-writer.js";
import { InvalidArgumentError } from "../errors/error-classes.js";
import {
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

/** NEGOTIATE_MESSAGE (type 1), MS-NLMP 2.2.1.1. */
export interface NtlmNegotiate {
  readonly flags: number;
  /** OEM DomainName, "" unless NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED. */
  readonly domain: string;
  /** OEM Workstation, "" unless NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED. */
  readonly workstation: string;
  readonly version: NtlmVersion | undefined;
}

export interface NtlmNegotiateInit {
  readonly flags: number;
  readonly domain?: string;
  readonly workstation?: string;
  /** Written when NTLMSSP_NEGOTIATE_VERSION is in `flags`; zeros otherwise (2.2.1.1). */
  readonly version?: NtlmVersion;
}

/** Fixed part before Version: Signature, MessageType, NegotiateFlags, two field descriptors. */
const FIXED_LENGTH = 32;
const HEADER_LENGTH = FIXED_LENGTH + VERSION_LENGTH;

function oem(text: string, what: string): Uint8Array {
  // MS-NLMP 2.2.1.1: NEGOTIATE strings are in the OEM character set, which is agreed out of
  // band; printable ASCII is the only subset every code page shares.
  if (!/^[\x20-\x7e]*$/.test(text) || text.length > 0xffff) {
    throw new InvalidArgumentError(`${what} in a NEGOTIATE_MESSAGE must be printable ASCII`);
  }
  return new Uint8Array(Buffer.from(text, "latin1"));
}

export function encodeNegotiate(init: NtlmNegotiateInit): Uint8Array {
  const domain = oem(init.domain ?? "", "DomainName");
  const workstation = oem(init.workstation ?? "", "Workstation");
  let flags = init.flags >>> 0;
  if (domain.length > 0) flags |= NegotiateFlag.NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED;
  if (workstation.length > 0) flags |= NegotiateFlag.NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED;
  const [domainOffset = HEADER_LENGTH, workstationOffset = HEADER_LENGTH] = layoutPayload(HEADER_LENGTH, [
    domain,
    workstation,
  ]);
  const writer = new ByteWriter(HEADER_LENGTH + domain.length + workstation.length);
  writer
    .bytes(NTLMSSP_SIGNATURE)
    .u32(MessageType.NtLmNegotiate)
    .u32(flags >>> 0);
  writeFieldDescriptor(writer, domain.length, domainOffset);
  writeFieldDescriptor(writer, workstation.length, workstationOffset);
  writeVersion(writer, hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_VERSION) ? init.version : undefined);
  writer.bytes(domain).bytes(workstation);
  return writer.finish().slice();
}

/** Decodes a NEGOTIATE_MESSAGE (for servers, simulators and tests). Throws ParseError / LimitExceededError. */
export function decodeNegotiate(bytes: Uint8Array): NtlmNegotiate {
  const reader = openMessage(bytes, MessageType.NtLmNegotiate, FIXED_LENGTH, "NEGOTIATE_MESSAGE");
  const flags = reader.u32();
  const domainField = readFieldDescriptor(reader);
  const workstationField = readFieldDescriptor(reader);
  // Early clients send a 32-byte message without the Version field.
  const version =
    hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_VERSION) && bytes.length >= HEADER_LENGTH
      ? readVersion(reader)
      : undefined;
  const headerLength = version === undefined ? FIXED_LENGTH : HEADER_LENGTH;
  const domain = hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED)
    ? decodeText(readPayload(reader, domainField, headerLength, "DomainName"), false, "DomainName")
    : "";
  const workstation = hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED)
    ? decodeText(readPayload(reader, workstationField, headerLength, "Workstation"), false, "Workstation")
    : "";
  return { flags, domain, workstation, version };
}
