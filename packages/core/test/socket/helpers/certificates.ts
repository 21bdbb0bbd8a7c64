import { generate } from "selfsigned";

export interface TestCertificate {
  /** PEM certificate; also the CA a client must trust to accept it. */
  cert: string;
  /** PEM private key. */
  key: string;
}

/** A self-signed certificate for "localhost" and 127.0.0.1, made fresh for the test run. */
export async function localhostCertificate(): Promise<TestCertificate> {
  const result = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { cert: result.cert, key: result.private };
}
