import { randomBytes } from "node:crypto";
import { generate } from "selfsigned";
import { nameValue } from "./distinguished-name.js";
import { type KeyType, keyAlgorithm } from "./key-algorithms.js";
import { pemText } from "./pem.js";
import { caValidity, DEFAULT_CA_VALID_FOR_MS } from "./validity.js";

/** A throw-away certificate authority: trust `certPem`, issue with `issueCertificate(ca, ...)`. */
export interface TestCa {
  readonly certPem: string;
  /** PKCS#8 PEM. Never leaves the test process except into a temp dir a test server reads. */
  readonly keyPem: string;
}

export interface TestCaOptions {
  /** Default "mailwire throw-away test CA" and a random suffix. */
  readonly commonName?: string;
  /** Default "ec" (P-256). The CA signs with its own key type, so it issues only that type. */
  readonly keyType?: KeyType;
  /** Default 30 days; notBefore is an hour back either way. */
  readonly validForMs?: number;
}

// Without a key identifier extension (selfsigned writes none) OpenSSL finds a leaf's issuer by name
// alone. A unique name per CA makes "signed by another CA" fail as "unable to get local issuer
// certificate" rather than as a signature failure against a same-named stranger.
function defaultCommonName(): string {
  return `mailwire throw-away test CA ${randomBytes(4).toString("hex")}`;
}

/**
 * Makes a self-signed CA in-process (no openssl CLI, nothing read from or written to disk). Each
 * call makes a new key, so two CAs never trust each other's certificates.
 */
export async function createTestCa(options: TestCaOptions = {}): Promise<TestCa> {
  const result = await generate(
    [
      { name: "organizationName", value: "mailwire tests" },
      { name: "commonName", value: nameValue("commonName", options.commonName ?? defaultCommonName()) },
    ],
    {
      ...keyAlgorithm(options.keyType ?? "ec"),
      ...caValidity(options.validForMs ?? DEFAULT_CA_VALID_FOR_MS),
      extensions: [
        // pathLenConstraint 0: it signs leaves only (RFC 5280 4.2.1.9).
        { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      ],
    },
  );
  return { certPem: pemText(result.cert), keyPem: pemText(result.private) };
}
