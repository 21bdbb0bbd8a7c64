import { isIP } from "node:net";
import { createTestCa, type TestCa } from "./create-test-ca.js";
import { type IssuedCertificate, issueCertificate } from "./issue-certificate.js";
import type { KeyType } from "./key-algorithms.js";

/**
 * Every loopback name our tests connect to. 127.0.0.2 is where the Dovecot harness listens (Dovecot
 * 2.3 treats a connection from its own IP as secure, so clients connect from 127.0.0.1).
 */
export const LOCALHOST_DNS_NAMES = ["localhost"] as const;
export const LOCALHOST_IP_ADDRESSES = ["127.0.0.1", "127.0.0.2", "::1"] as const;

export interface LocalhostCertificateOptions {
  /** Issue from this CA (e.g. to issue client certificates from the same one); default a new CA. */
  readonly ca?: TestCa;
  /** More subjectAltNames: DNS names and IP addresses, told apart with `net.isIP`. */
  readonly names?: readonly string[];
  /** Default "ec" (P-256 + SHA-256); with `ca`, default the CA's key type. */
  readonly keyType?: KeyType;
  /** Default 7 days. */
  readonly validForMs?: number;
}

export interface LocalhostCertificate extends IssuedCertificate {
  /** The CA that issued it, key included. */
  readonly ca: TestCa;
}

/**
 * A server certificate for localhost, 127.0.0.1, 127.0.0.2 and ::1 (plus `names`) issued by a
 * throw-away CA. A CA-issued leaf rather than a self-signed one, so clients are tested the way they
 * run: trusting a CA (`caPem`) and checking the name against the subjectAltName.
 */
export async function localhostCertificate(
  options: LocalhostCertificateOptions = {},
): Promise<LocalhostCertificate> {
  const ca =
    options.ca ?? (await createTestCa(options.keyType === undefined ? {} : { keyType: options.keyType }));
  const extra = options.names ?? [];
  const issued = await issueCertificate(ca, {
    commonName: "localhost",
    dnsNames: [...LOCALHOST_DNS_NAMES, ...extra.filter((name) => isIP(name) === 0)],
    ipAddresses: [...LOCALHOST_IP_ADDRESSES, ...extra.filter((name) => isIP(name) !== 0)],
    ...(options.keyType === undefined ? {} : { keyType: options.keyType }),
    ...(options.validForMs === undefined ? {} : { validForMs: options.validForMs }),
  });
  return { ...issued, ca };
}
