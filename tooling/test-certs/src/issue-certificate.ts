import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { generate } from "selfsigned";
import type { TestCa } from "./create-test-ca.js";
import { nameValue } from "./distinguished-name.js";
import { type KeyType, keyAlgorithm, keyTypeOf } from "./key-algorithms.js";
import { pemText } from "./pem.js";
import { DEFAULT_CERTIFICATE_VALID_FOR_MS, issuedValidity } from "./validity.js";

/** What the certificate may be used for: TLS server (id-kp-serverAuth) or client (id-kp-clientAuth). */
export type CertificateUsage = "server" | "client";

export interface IssueCertificateOptions {
  readonly commonName: string;
  /**
   * subjectAltName dNSName entries. For a server certificate with neither these nor `ipAddresses`,
   * the common name becomes the only SAN: clients check the SAN, not the CN (RFC 6125 6.4.4).
   */
  readonly dnsNames?: readonly string[];
  /** subjectAltName iPAddress entries (IPv4 or IPv6). */
  readonly ipAddresses?: readonly string[];
  /** Default: the CA's key type, the only one it can issue (see README). */
  readonly keyType?: KeyType;
  /** Default "server". */
  readonly usage?: CertificateUsage;
  /** Default 7 days, capped at the CA's notAfter; notBefore is an hour back either way. */
  readonly validForMs?: number;
}

export interface IssuedCertificate {
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
  /** DER of the certificate, e.g. for tls-server-end-point channel bindings (RFC 5929 4.1). */
  readonly der: Uint8Array;
  /** PEM of the issuing CA: what a peer should trust. */
  readonly caPem: string;
}

// selfsigned's type for subjectAltName entries: 2 = dNSName, 7 = iPAddress (RFC 5280 4.2.1.6).
type AltName = { type: 2; value: string } | { type: 7; ip: string };

function altNames(options: IssueCertificateOptions, usage: CertificateUsage): AltName[] {
  const dnsNames = options.dnsNames ?? [];
  const ipAddresses = options.ipAddresses ?? [];
  for (const name of dnsNames) {
    if (name === "" || isIP(name) !== 0) throw new TypeError(`not a DNS name: ${JSON.stringify(name)}`);
  }
  for (const address of ipAddresses) {
    if (isIP(address) === 0) throw new TypeError(`not an IP address: ${JSON.stringify(address)}`);
  }
  if (usage === "server" && dnsNames.length === 0 && ipAddresses.length === 0) {
    const name = options.commonName;
    return [isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name }];
  }
  return [
    ...[...new Set(dnsNames)].map((value) => ({ type: 2 as const, value })),
    ...[...new Set(ipAddresses)].map((ip) => ({ type: 7 as const, ip })),
  ];
}

/**
 * Issues a leaf certificate signed by `ca`: basicConstraints CA:FALSE, keyUsage digitalSignature
 * (plus keyEncipherment for an RSA server key, which TLS 1.2 RSA key exchange needs), and the
 * extendedKeyUsage for `usage`. All extensions but EKU and SAN are critical, as a real CA sets them.
 */
export async function issueCertificate(
  ca: TestCa,
  options: IssueCertificateOptions,
): Promise<IssuedCertificate> {
  const caKeyType = keyTypeOf(ca.keyPem);
  const keyType = options.keyType ?? caKeyType;
  // selfsigned signs with the algorithm of the *new* key and imports the CA key as that type, so
  // a CA can only issue its own key type; say so instead of failing deep inside WebCrypto.
  if (keyType !== caKeyType) {
    throw new TypeError(
      `a ${caKeyType} CA cannot issue a ${keyType} certificate; use createTestCa({ keyType: "${keyType}" })`,
    );
  }
  const usage = options.usage ?? "server";
  const names = altNames(options, usage);
  const result = await generate(
    [{ name: "commonName", value: nameValue("commonName", options.commonName) }],
    {
      ...keyAlgorithm(keyType),
      ...issuedValidity(options.validForMs ?? DEFAULT_CERTIFICATE_VALID_FOR_MS, ca.certPem),
      ca: { cert: ca.certPem, key: ca.keyPem },
      extensions: [
        { name: "basicConstraints", cA: false, critical: true },
        {
          name: "keyUsage",
          digitalSignature: true,
          keyEncipherment: usage === "server" && keyType === "rsa",
          critical: true,
        },
        usage === "server"
          ? { name: "extKeyUsage", serverAuth: true }
          : { name: "extKeyUsage", clientAuth: true },
        ...(names.length === 0 ? [] : [{ name: "subjectAltName" as const, altNames: names }]),
      ],
    },
  );
  return {
    certPem: pemText(result.cert),
    keyPem: pemText(result.private),
    der: new Uint8Array(new X509Certificate(result.cert).raw),
    caPem: ca.certPem,
  };
}
