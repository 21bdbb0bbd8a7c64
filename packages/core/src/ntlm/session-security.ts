import { concatBytes, equalBytes } from "../bytes/encoding.js";
import { hmacMd5 } from "../crypto/md5.js";
import { Rc4 } from "../crypto/rc4.js";
import {
  AuthError,
  ErrorCode,
  InvalidArgumentError,
  LimitExceededError,
  ProtocolError,
} from "../errors/index.js";
import { hasFlag, NegotiateFlag } from "./negotiate-flags.js";
import { deriveSealingKey, deriveSigningKey, type NtlmKeyMode } from "./session-keys.js";

/** NTLMSSP_MESSAGE_SIGNATURE length (MS-NLMP 2.2.2.9). */
export const NTLM_SIGNATURE_LENGTH = 16;
const SIGNATURE_VERSION = 1;

export interface NtlmSessionSecurityOptions {
  /** The negotiated flags (those sent in the AUTHENTICATE_MESSAGE). */
  readonly flags: number;
  /** 16-byte ExportedSessionKey. */
  readonly exportedSessionKey: Uint8Array;
  /** Which end this object is: a client signs/seals with client keys and verifies server ones. */
  readonly role: NtlmKeyMode;
}

/** One buffer of a GSS_WrapEx call (MS-NLMP 3.4.6): encrypted or not, always signed (NTLMv2). */
export interface NtlmWrapBuffer {
  readonly data: Uint8Array;
  readonly encrypt: boolean;
}

interface Direction {
  readonly signingKey: Uint8Array;
  readonly handle: Rc4;
  sequence: number;
  /** After a bad signature the RC4 state is out of step with the peer; nothing more can be read. */
  failed: boolean;
}

/**
 * Connection-oriented NTLM session security with extended session security (MS-NLMP 3.4):
 * per-direction signing keys and RC4 handles, sequence numbers from 0, checksums encrypted
 * with the sealing handle when KEY_EXCH was negotiated. One object per authenticated
 * connection; it is stateful and must see messages in order (3.4.4).
 *
 * Without extended session security NTLM falls back to NTLMv1-era CRC32 signatures; the
 * client never negotiates that, so the constructor refuses it.
 */
export class NtlmSessionSecurity {
  readonly flags: number;
  readonly role: NtlmKeyMode;
  readonly #outbound: Direction;
  readonly #inbound: Direction;
  readonly #keyExchange: boolean;
  readonly #integrity: boolean;
  readonly #confidentiality: boolean;

  constructor(options: NtlmSessionSecurityOptions) {
    const { flags, exportedSessionKey, role } = options;
    if (exportedSessionKey.length !== 16) {
      throw new InvalidArgumentError(`ExportedSessionKey must be 16 bytes, got ${exportedSessionKey.length}`);
    }
    if (!hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
      throw new AuthError("NTLM session security without extended session security is not supported", {
        code: ErrorCode.AUTH_UNSUPPORTED,
      });
    }
    this.flags = flags >>> 0;
    this.role = role;
    this.#keyExchange = hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_KEY_EXCH);
    this.#confidentiality = hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_SEAL);
    this.#integrity = this.#confidentiality || hasFlag(flags, NegotiateFlag.NTLMSSP_NEGOTIATE_SIGN);
    const peer: NtlmKeyMode = role === "client" ? "server" : "client";
    this.#outbound = makeDirection(flags, exportedSessionKey, role);
    this.#inbound = makeDirection(flags, exportedSessionKey, peer);
  }

  /** Whether NTLMSSP_NEGOTIATE_SEAL was negotiated. */
  get confidentiality(): boolean {
    return this.#confidentiality;
  }

  /** Whether NTLMSSP_NEGOTIATE_SIGN (or SEAL, which implies it) was negotiated. */
  get integrity(): boolean {
    return this.#integrity;
  }

  /** GSS_GetMICEx (3.4.8): the 16-byte signature of `message`; advances the outbound sequence. */
  sign(message: Uint8Array): Uint8Array {
    if (!this.#integrity) return dummySignature();
    return this.#mac(this.#outbound, message);
  }

  /**
   * GSS_VerifyMICEx (3.4.9). Throws ProtocolError when the signature is wrong or out of
   * sequence; after that the inbound direction is unusable (its RC4 state has moved on).
   */
  verify(message: Uint8Array, signature: Uint8Array): void {
    if (!this.#integrity) {
      if (!equalBytes(signature, dummySignature()))
        throw new ProtocolError("Unexpected NTLM message signature");
      return;
    }
    this.#checkInbound(signature);
    this.#compare(signature, this.#mac(this.#inbound, message));
  }

  /** SEAL (3.4.3): encrypts `message` and signs its plaintext. */
  seal(message: Uint8Array): { sealed: Uint8Array; signature: Uint8Array } {
    const { buffers, signature } = this.wrap([{ data: message, encrypt: true }]);
    return { sealed: buffers[0] as Uint8Array, signature };
  }

  /** Reverses seal(): decrypts, then checks the signature. Throws ProtocolError on mismatch. */
  unseal(sealed: Uint8Array, signature: Uint8Array): Uint8Array {
    return this.unwrap([{ data: sealed, encrypt: true }], signature)[0] as Uint8Array;
  }

  /**
   * GSS_WrapEx (3.4.6): encrypts the buffers marked `encrypt`, in order, and signs the
   * plaintext of all buffers concatenated (NTLMv2 signs every buffer, 3.4.6.1). This is what
   * DCE/RPC packet privacy needs: the stub is encrypted, the PDU header and trailer are not,
   * and the signature covers the whole PDU.
   */
  wrap(buffers: readonly NtlmWrapBuffer[]): { buffers: Uint8Array[]; signature: Uint8Array } {
    this.#requireConfidentiality();
    const out = buffers.map((buffer) =>
      buffer.encrypt ? this.#outbound.handle.update(buffer.data) : buffer.data,
    );
    const signature = this.#mac(this.#outbound, concatBytes(...buffers.map((buffer) => buffer.data)));
    return { buffers: out, signature };
  }

  /** GSS_UnwrapEx (3.4.7): decrypts buffers marked `encrypt` and verifies the signature. */
  unwrap(buffers: readonly NtlmWrapBuffer[], signature: Uint8Array): Uint8Array[] {
    this.#requireConfidentiality();
    this.#checkInbound(signature);
    const plain = buffers.map((buffer) =>
      buffer.encrypt ? this.#inbound.handle.update(buffer.data) : buffer.data,
    );
    this.#compare(signature, this.#mac(this.#inbound, concatBytes(...plain)));
    return plain;
  }

  /** MAC with extended session security (3.4.4.2). Consumes a sequence number. */
  #mac(direction: Direction, message: Uint8Array): Uint8Array {
    if (direction.sequence > 0xffff_ffff) {
      // SeqNum is 32 bits; reusing one would allow replays, so the session ends instead.
      throw new LimitExceededError("NTLM sequence numbers are exhausted", { limit: "sequence" });
    }
    const sequence = new Uint8Array(4);
    new DataView(sequence.buffer).setUint32(0, direction.sequence, true);
    let checksum = hmacMd5(direction.signingKey, sequence, message).subarray(0, 8);
    if (this.#keyExchange) checksum = direction.handle.update(checksum);
    const signature = new Uint8Array(NTLM_SIGNATURE_LENGTH);
    const view = new DataView(signature.buffer);
    view.setUint32(0, SIGNATURE_VERSION, true);
    signature.set(checksum, 4);
    signature.set(sequence, 12);
    direction.sequence += 1;
    return signature;
  }

  #checkInbound(signature: Uint8Array): void {
    if (this.#inbound.failed) {
      throw new ProtocolError("NTLM session security failed earlier; the connection must be discarded");
    }
    if (signature.length !== NTLM_SIGNATURE_LENGTH) {
      this.#inbound.failed = true;
      throw new ProtocolError(
        `NTLM signature must be ${NTLM_SIGNATURE_LENGTH} bytes, got ${signature.length}`,
      );
    }
  }

  #compare(received: Uint8Array, expected: Uint8Array): void {
    if (!equalBytes(received, expected)) {
      // 3.4.4: on a wrong SeqNum the receiver's SeqNum is not advanced; the RC4 handle has
      // advanced regardless, so the inbound side cannot recover.
      this.#inbound.sequence -= 1;
      this.#inbound.failed = true;
      throw new ProtocolError("NTLM message signature does not match (tampered, replayed or out of order)");
    }
  }

  #requireConfidentiality(): void {
    if (!this.#confidentiality) {
      throw new InvalidArgumentError("NTLMSSP_NEGOTIATE_SEAL was not negotiated; messages cannot be sealed");
    }
  }
}

function makeDirection(flags: number, exportedSessionKey: Uint8Array, mode: NtlmKeyMode): Direction {
  return {
    signingKey: deriveSigningKey(flags, exportedSessionKey, mode) as Uint8Array,
    handle: new Rc4(deriveSealingKey(flags, exportedSessionKey, mode)),
    sequence: 0,
    failed: false,
  };
}

/** 3.4.4.3: with ALWAYS_SIGN but no SIGN, the signature is Version 1 and zeros. */
function dummySignature(): Uint8Array {
  const signature = new Uint8Array(NTLM_SIGNATURE_LENGTH);
  signature[0] = SIGNATURE_VERSION;
  return signature;
}
