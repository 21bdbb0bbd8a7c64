import { createPrivateKey } from "node:crypto";

/** `ec` is P-256; `rsa` is 2048-bit. Both sign with SHA-256. */
export type KeyType = "ec" | "rsa";

// SHA-256 signatures make tls-server-end-point a SHA-256 hash (RFC 5929 4.1), the common case that
// channel-binding code must get right. P-256 because generating it takes milliseconds; RSA 2048
// only for tests that need an RSA key (it takes ~100 ms or more).
const ALGORITHMS = {
  ec: { keyType: "ec", curve: "P-256", algorithm: "sha256" },
  rsa: { keyType: "rsa", keySize: 2048, algorithm: "sha256" },
} as const;

/** The selfsigned options that pick the key and the signature algorithm. */
export function keyAlgorithm(keyType: KeyType): (typeof ALGORITHMS)[KeyType] {
  return ALGORITHMS[keyType];
}

/** The key type of a PEM private key, as this package names it. */
export function keyTypeOf(keyPem: string): KeyType {
  const type = createPrivateKey(keyPem).asymmetricKeyType;
  if (type === "ec" || type === "rsa") return type;
  throw new TypeError(`unsupported CA key type ${String(type)}; use an "ec" or "rsa" CA`);
}
