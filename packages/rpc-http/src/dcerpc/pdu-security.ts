import { NTLM_SIGNATURE_LENGTH, type NtlmSessionSecurity, ProtocolError } from "@mailwire/core";
import { AuthLevel, AuthType, SEC_TRAILER_LENGTH } from "./constants.js";
import { encodePdu } from "./pdu-encode.js";
import type { FaultPdu, RequestPdu, ResponsePdu } from "./pdu-types.js";

// Packet integrity and packet privacy with NTLM (MS-RPCE 3.3.1.5.2.2, MS-NLMP 3.4): the stub
// is padded so the sec_trailer is 16-byte aligned to the PDU body (MS-RPCE 2.2.2.11); with
// privacy the stub and its padding are sealed (GSS_WrapEx) while the header and sec_trailer
// stay in the clear; the NTLM signature covers the whole PDU up to the auth_value — NTLMv2
// signs every buffer given to GSS_WrapEx, readonly ones included (MS-NLMP 3.4.6.1).

/** One end's protection settings for a bound connection. */
export interface PduProtection {
  readonly security: NtlmSessionSecurity;
  readonly level: typeof AuthLevel.integrity | typeof AuthLevel.privacy;
  readonly contextId: number;
}

type CallPdu = Omit<RequestPdu, "auth"> | Omit<ResponsePdu, "auth">;

/** Encodes a request or response fragment with its stub padded, signed and (for privacy) sealed. */
export function encodeProtectedPdu(pdu: CallPdu, protection: PduProtection): Uint8Array {
  const pad = (16 - (pdu.stub.length % 16)) % 16;
  const padded = new Uint8Array(pdu.stub.length + pad);
  padded.set(pdu.stub);
  const bytes = encodePdu({
    ...pdu,
    stub: padded,
    auth: {
      authType: AuthType.winnt,
      authLevel: protection.level,
      authPadLength: pad,
      authContextId: protection.contextId,
      authValue: new Uint8Array(NTLM_SIGNATURE_LENGTH),
    },
  } as RequestPdu | ResponsePdu);
  const signedEnd = bytes.length - NTLM_SIGNATURE_LENGTH;
  const stubEnd = signedEnd - SEC_TRAILER_LENGTH;
  const stubStart = stubEnd - padded.length;
  if (protection.level === AuthLevel.privacy) {
    const { buffers, signature } = protection.security.wrap([
      { data: bytes.subarray(0, stubStart), encrypt: false },
      { data: bytes.slice(stubStart, stubEnd), encrypt: true },
      { data: bytes.subarray(stubEnd, signedEnd), encrypt: false },
    ]);
    bytes.set(buffers[1] as Uint8Array, stubStart);
    bytes.set(signature, signedEnd);
  } else {
    bytes.set(protection.security.sign(bytes.subarray(0, signedEnd)), signedEnd);
  }
  return bytes;
}

/**
 * Checks (and for privacy unseals) a decoded request or response fragment; returns its
 * plaintext stub without the auth padding. Throws ProtocolError when the verifier is
 * missing, of another type or level, or its signature does not match.
 */
export function openProtectedPdu(
  bytes: Uint8Array,
  pdu: RequestPdu | ResponsePdu | FaultPdu,
  protection: PduProtection,
): Uint8Array {
  const auth = pdu.auth;
  if (!auth) throw new ProtocolError("A PDU arrived without the auth verifier the binding requires");
  if (auth.authType !== AuthType.winnt || auth.authLevel !== protection.level) {
    throw new ProtocolError(
      `A PDU arrived with auth_type ${auth.authType} level ${auth.authLevel}; the binding uses NTLM level ${protection.level}`,
    );
  }
  if (auth.authValue.length !== NTLM_SIGNATURE_LENGTH) {
    throw new ProtocolError(
      `NTLM verifier of ${auth.authValue.length} bytes; expected ${NTLM_SIGNATURE_LENGTH}`,
    );
  }
  const signedEnd = bytes.length - NTLM_SIGNATURE_LENGTH;
  const stubEnd = signedEnd - SEC_TRAILER_LENGTH;
  const stubStart = stubEnd - pdu.stub.length;
  let plain: Uint8Array;
  if (protection.level === AuthLevel.privacy) {
    const buffers = protection.security.unwrap(
      [
        { data: bytes.subarray(0, stubStart), encrypt: false },
        { data: pdu.stub, encrypt: true },
        { data: bytes.subarray(stubEnd, signedEnd), encrypt: false },
      ],
      auth.authValue,
    );
    plain = buffers[1] as Uint8Array;
  } else {
    protection.security.verify(bytes.subarray(0, signedEnd), auth.authValue);
    plain = pdu.stub;
  }
  return plain.subarray(0, plain.length - auth.authPadLength);
}
