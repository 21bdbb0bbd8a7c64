import { X509Certificate } from "node:crypto";
import { generate } from "selfsigned";

// A throw-away self-signed certificate for localhost/127.0.0.1/::1, made at every start, so no
// key material is ever committed. EC P-256 with SHA-256 keeps generation in milliseconds and makes
// tls-server-end-point a SHA-256 hash (RFC 5929 4.1).

export interface SimCertificate {
  certPem: string;
  keyPem: string;
  /** DER of the certificate, for channel bindings. */
  der: Uint8Array;
}

export async function createCertificate(): Promise<SimCertificate> {
  const now = Date.now();
  const result = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 3_600_000),
    notAfterDate: new Date(now + 7 * 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return {
    certPem: result.cert,
    keyPem: result.private,
    der: new Uint8Array(new X509Certificate(result.cert).raw),
  };
}
