import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { fromHex, NtlmSessionSecurity, ProtocolError, toHex } from "@mailwire/core";
import { describe, expect, it } from "vitest";
import { AuthLevel, PacketType } from "../src/dcerpc/constants.js";
import { decodePdu } from "../src/dcerpc/pdu-decode.js";
import { encodeProtectedPdu, openProtectedPdu, type PduProtection } from "../src/dcerpc/pdu-security.js";
import type { RequestPdu } from "../src/dcerpc/pdu-types.js";

// MS-NLMP 4.2.4.4 (GSS_WrapEx with NTLMv2): the same keys and plaintext, carried as the stub
// of a DCE/RPC request at packet privacy (MS-RPCE 3.3.1.5.2.2).

const vectors = new URL("../../../../shared/vectors/ntlm/", import.meta.url);
const v = JSON.parse(readFileSync(new URL("ms-nlmp-4.2.4-ntlmv2.json", vectors), "utf8"));
const common = JSON.parse(readFileSync(new URL("ms-nlmp-4.2.1-common-values.json", vectors), "utf8"));
const w = v.gss_wrapex_4_2_4_4;
const flags = Number(v.authenticate_message_fields.negotiate_flags_u32);
const exportedSessionKey = fromHex(common.random_session_key);

function pair(level: PduProtection["level"]): { client: PduProtection; server: PduProtection } {
  return {
    client: {
      security: new NtlmSessionSecurity({ flags, exportedSessionKey, role: "client" }),
      level,
      contextId: 0,
    },
    server: {
      security: new NtlmSessionSecurity({ flags, exportedSessionKey, role: "server" }),
      level,
      contextId: 0,
    },
  };
}

function request(stub: Uint8Array, callId = 1): Omit<RequestPdu, "auth"> {
  return {
    type: PacketType.request,
    flags: 3,
    callId,
    allocHint: stub.length,
    contextId: 0,
    opnum: 11,
    stub,
  };
}

/** RC4 written out in the test as an independent oracle. */
function rc4Stream(key: Uint8Array): (data: Uint8Array) => Uint8Array {
  const s = Uint8Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) & 0xff;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
  }
  let i = 0;
  j = 0;
  return (data) =>
    data.map((byte) => {
      i = (i + 1) & 0xff;
      j = (j + (s[i] as number)) & 0xff;
      [s[i], s[j]] = [s[j] as number, s[i] as number];
      return byte ^ (s[((s[i] as number) + (s[j] as number)) & 0xff] as number);
    });
}

describe("NTLM packet privacy on DCE/RPC PDUs (MS-RPCE 3.3.1.5.2.2 with MS-NLMP 4.2.4.4 keys)", () => {
  it("seals the stub as the 4.2.4.4 vector does and signs the whole PDU up to the auth_value", () => {
    const { client } = pair(AuthLevel.privacy);
    const plaintext = fromHex(w.plaintext);
    const bytes = encodeProtectedPdu(request(plaintext), client);
    // 24-byte header, 18-byte stub padded to 32, 8-byte sec_trailer, 16-byte signature.
    expect(bytes.length).toBe(24 + 32 + 8 + 16);
    expect(bytes[24 + 32 + 2]).toBe(14); // auth_pad_length
    // The stub is the first thing the client's sealing handle encrypts: the vector's sealed data.
    expect(toHex(bytes.subarray(24, 24 + 18))).toBe(w.sealed_data);
    // Signature: Version 1, RC4(HMAC_MD5(SignKey, SeqNum || plaintext PDU)[0..7]), SeqNum 0.
    const plainPdu = bytes.slice(0, bytes.length - 16);
    plainPdu.set(plaintext, 24);
    plainPdu.fill(0, 24 + 18, 24 + 32);
    const hmac = createHmac("md5", fromHex(w.client_sign_key))
      .update(fromHex(w.seqnum))
      .update(plainPdu)
      .digest();
    const rc4 = rc4Stream(fromHex(w.client_seal_key));
    rc4(new Uint8Array(32));
    const checksum = rc4(new Uint8Array(hmac.subarray(0, 8)));
    expect(toHex(bytes.subarray(bytes.length - 16))).toBe(`01000000${toHex(checksum)}00000000`);
  });

  it("the server end opens what the client sealed, in sequence, for several PDUs", () => {
    const { client, server } = pair(AuthLevel.privacy);
    for (let n = 0; n < 5; n++) {
      const stub = Uint8Array.from({ length: 37 + n * 16 }, (_, i) => (i * 7 + n) & 0xff);
      const bytes = encodeProtectedPdu(request(stub, n + 1), client);
      const pdu = decodePdu(bytes);
      if (pdu.type !== PacketType.request) throw new Error("not a request");
      expect(toHex(openProtectedPdu(bytes, pdu, server))).toBe(toHex(stub));
    }
  });

  it("integrity: stub in clear, signature checked; a flipped header bit is caught", () => {
    const { client, server } = pair(AuthLevel.integrity);
    const stub = fromHex(w.plaintext);
    const bytes = encodeProtectedPdu(request(stub), client);
    expect(toHex(bytes.subarray(24, 42))).toBe(w.plaintext);
    const tampered = bytes.slice();
    tampered[20] = (tampered[20] as number) ^ 1; // alloc_hint: the signature covers the header
    const pdu = decodePdu(tampered);
    if (pdu.type !== PacketType.request) throw new Error("not a request");
    expect(() => openProtectedPdu(tampered, pdu, server)).toThrow(ProtocolError);
  });

  it("refuses a PDU without a verifier or at another level", () => {
    const { client, server } = pair(AuthLevel.privacy);
    const bytes = encodeProtectedPdu(request(new Uint8Array(8)), client);
    const pdu = decodePdu(bytes) as RequestPdu;
    expect(() => openProtectedPdu(bytes, { ...pdu, auth: undefined }, server)).toThrow(ProtocolError);
    expect(() =>
      openProtectedPdu(
        bytes,
        { ...pdu, auth: { ...(pdu.auth as NonNullable<RequestPdu["auth"]>), authLevel: 5 } },
        server,
      ),
    ).toThrow(ProtocolError);
  });
});
