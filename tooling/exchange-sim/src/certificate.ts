import { localhostCertificate } from "@mailwire/test-certs";

// A throw-away certificate for localhost/127.0.0.1/::1 issued by a throw-away CA, both made at
// every start, so no key material is ever committed. EC P-256 with SHA-256 keeps generation in
// milliseconds and makes tls-server-end-point a SHA-256 hash (RFC 5929 4.1).

export interface SimCertificate {
  certPem: string;
  keyPem: string;
  /** DER of the certificate, for channel bindings. */
  der: Uint8Array;
  /** PEM of the CA that issued it; clients trust this. */
  caPem: string;
}

export async function createCertificate(): Promise<SimCertificate> {
  const { certPem, keyPem, der, caPem } = await localhostCertificate();
  return { certPem, keyPem, der, caPem };
}
