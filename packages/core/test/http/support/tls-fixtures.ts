import { generate } from "selfsigned";

export interface TlsFixtures {
  /** PEM of a test CA that Node does not trust by default. */
  caCert: string;
  /** Server certificate signed by the CA: CN mail.example.test, SAN mail.example.test, localhost, 127.0.0.1. */
  serverCert: string;
  serverKey: string;
  /** Client certificate signed by the same CA (CN mailwire-test-client, clientAuth), for mutual TLS. */
  clientCert: string;
  clientKey: string;
}

let cached: Promise<TlsFixtures> | undefined;

/** Generated in-process once per test file; nothing is read from disk. */
export function tlsFixtures(): Promise<TlsFixtures> {
  cached ??= (async () => {
    const ca = await generate([{ name: "commonName", value: "mailwire test CA" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true },
      ],
    });
    const server = await generate([{ name: "commonName", value: "mail.example.test" }], {
      keySize: 2048,
      algorithm: "sha256",
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 2, value: "mail.example.test" },
            { type: 2, value: "localhost" },
            { type: 7, ip: "127.0.0.1" },
          ],
        },
      ],
    });
    const client = await generate([{ name: "commonName", value: "mailwire-test-client" }], {
      keySize: 2048,
      algorithm: "sha256",
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", clientAuth: true },
      ],
    });
    return {
      caCert: ca.cert,
      serverCert: server.cert,
      serverKey: server.private,
      clientCert: client.cert,
      clientKey: client.private,
    };
  })();
  return cached;
}
