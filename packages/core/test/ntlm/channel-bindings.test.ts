import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/bytes/encoding.js";
import { ErrorCode } from "../../src/errors/index.js";
import {
  certificateSignatureAlgorithm,
  channelBindingsHash,
  gssChannelBindings,
  tlsServerEndPoint,
  tlsServerEndPointHashAlgorithm,
} from "../../src/ntlm/index.js";
import { certificates } from "./certificates.fixture.js";

const der = (name: string) => new Uint8Array(Buffer.from(certificates[name]?.der ?? "", "base64"));

describe("tls-server-end-point (RFC 5929 4.1)", () => {
  it.each(["rsa-sha256", "rsa-sha1", "ecdsa-sha384", "rsa-pss-sha512"])(
    "%s: hash and channel-bindings hash match values computed with the openssl CLI",
    (name) => {
      const fixture = certificates[name];
      expect(tlsServerEndPointHashAlgorithm(der(name))).toBe(fixture?.hash);
      expect(toHex(tlsServerEndPoint(der(name)))).toBe(fixture?.endPoint);
      expect(toHex(channelBindingsHash(der(name)))).toBe(fixture?.bindingsHash);
    },
  );

  it("SHA-1 signatures are upgraded to SHA-256 (the certificate's own SHA-256 fingerprint)", () => {
    const fingerprint = new X509Certificate(der("rsa-sha1")).fingerprint256.replaceAll(":", "").toLowerCase();
    expect(toHex(tlsServerEndPoint(der("rsa-sha1")))).toBe(fingerprint);
  });

  it("finds the signature algorithm OIDs", () => {
    expect(certificateSignatureAlgorithm(der("rsa-sha256")).oid).toBe("1.2.840.113549.1.1.11");
    expect(certificateSignatureAlgorithm(der("ecdsa-sha384")).oid).toBe("1.2.840.10045.4.3.3");
    expect(certificateSignatureAlgorithm(der("rsa-pss-sha512")).oid).toBe("1.2.840.113549.1.1.10");
    expect(certificateSignatureAlgorithm(der("ed25519")).oid).toBe("1.3.101.112");
  });

  it("Ed25519 has no defined binding: InvalidArgumentError", () => {
    expect(() => tlsServerEndPoint(der("ed25519"))).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
  });

  it("malformed DER is a ParseError, including truncations at every length", () => {
    const good = der("rsa-sha256");
    expect(() => tlsServerEndPoint(fromHex("3003020101"))).toThrowError(
      expect.objectContaining({ code: ErrorCode.PARSE }),
    );
    expect(() => tlsServerEndPoint(fromHex("3080"))).toThrowError(
      expect.objectContaining({ code: ErrorCode.PARSE }),
    );
    for (let length = 0; length < 40; length++) {
      expect(() => tlsServerEndPoint(good.subarray(0, length))).toThrowError(
        expect.objectContaining({ code: ErrorCode.PARSE }),
      );
    }
  });
});

describe("gss_channel_bindings_struct (RFC 2744 3.11 as hashed per RFC 4121 4.1.1.2)", () => {
  it("is four zero u32s, then the little-endian length and the application data", () => {
    const data = new TextEncoder().encode("tls-server-end-point:");
    expect(toHex(gssChannelBindings(data))).toBe(`${"00".repeat(16)}15000000${toHex(data)}`);
  });
});
