// Public surface of @mailwire/test-certs (private test tooling, never published).
export { createTestCa, type TestCa, type TestCaOptions } from "./create-test-ca.js";
export {
  type CertificateUsage,
  type IssueCertificateOptions,
  type IssuedCertificate,
  issueCertificate,
} from "./issue-certificate.js";
export type { KeyType } from "./key-algorithms.js";
export {
  LOCALHOST_DNS_NAMES,
  LOCALHOST_IP_ADDRESSES,
  type LocalhostCertificate,
  type LocalhostCertificateOptions,
  localhostCertificate,
} from "./localhost-certificate.js";
export { BACKDATE_MS, DEFAULT_CA_VALID_FOR_MS, DEFAULT_CERTIFICATE_VALID_FOR_MS } from "./validity.js";
