import { localhostCertificate as issueLocalhostCertificate } from "@mailwire/test-certs";

export interface TestCertificate {
  /**
   * PEM chain: the server certificate (SAN localhost, 127.0.0.1, 127.0.0.2, ::1), then the
   * throw-away CA that issued it. A server sends the whole chain; a client given it as `ca` trusts
   * that CA, and verification still runs to the CA and checks the name, as against a real server.
   */
  cert: string;
  /** PEM private key. */
  key: string;
  /** PEM of the issuing CA alone. */
  ca: string;
}

/** A CA-issued certificate for localhost, made fresh for the test run; each call has its own CA. */
export async function localhostCertificate(): Promise<TestCertificate> {
  const issued = await issueLocalhostCertificate();
  return { cert: `${issued.certPem}${issued.caPem}`, key: issued.keyPem, ca: issued.caPem };
}
