import { createTestCa, issueCertificate } from "@mailwire/test-certs";

export interface TlsFixtures {
  /** PEM of a test CA that Node does not trust by default. */
  caCert: string;
  /** Server certificate signed by the CA: CN mail.example.test, SAN mail.example.test, localhost, 127.0.0.1. */
  serverCert: string;
  serverKey: string;
  /** Client certificate signed by the same CA, for mutual TLS. */
  clientCert: string;
  clientKey: string;
}

let cached: Promise<TlsFixtures> | undefined;

/** Generated in-process once per test file; nothing is read from disk. */
export function tlsFixtures(): Promise<TlsFixtures> {
  cached ??= (async () => {
    const ca = await createTestCa();
    // The CN stays mail.example.test: the principal-name test accepts it from the CN or a SAN.
    const server = await issueCertificate(ca, {
      commonName: "mail.example.test",
      dnsNames: ["mail.example.test", "localhost"],
      ipAddresses: ["127.0.0.1"],
    });
    const client = await issueCertificate(ca, { commonName: "mailwire-test-client", usage: "client" });
    return {
      caCert: ca.certPem,
      serverCert: server.certPem,
      serverKey: server.keyPem,
      clientCert: client.certPem,
      clientKey: client.keyPem,
    };
  })();
  return cached;
}
