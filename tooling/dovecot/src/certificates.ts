import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { localhostCertificate } from "@mailwire/test-certs";

export interface TestCertificates {
  /** The throw-away CA that signed the server certificate; clients trust this. */
  readonly caPem: string;
  readonly certificatePem: string;
  readonly certificatePath: string;
  readonly keyPath: string;
}

/**
 * Makes a CA and a server certificate signed by it (P-256 + SHA-256, in-process with
 * `@mailwire/test-certs`, no openssl CLI) and writes them into `directory` for Dovecot's
 * `ssl_cert`/`ssl_key`. A real chain rather than one self-signed leaf, so clients are tested the
 * way they run: trusting a CA, checking the name against the subjectAltName (localhost, 127.0.0.1,
 * 127.0.0.2, ::1 and `names`).
 */
export async function createTestCertificates(
  directory: string,
  names: readonly string[],
): Promise<TestCertificates> {
  const issued = await localhostCertificate({ names });
  const certificatePath = join(directory, "server.pem");
  const keyPath = join(directory, "server.key");
  await writeFile(join(directory, "ca.pem"), issued.caPem);
  await writeFile(certificatePath, issued.certPem);
  // Read by Dovecot's config process, which runs as us (or as root); nobody else needs the key.
  await writeFile(keyPath, issued.keyPem, { mode: 0o600 });
  return { caPem: issued.caPem, certificatePem: issued.certPem, certificatePath, keyPath };
}
