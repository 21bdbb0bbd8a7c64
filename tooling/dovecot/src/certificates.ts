import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TestCertificates {
  /** The throw-away CA that signed the server certificate; clients trust this. */
  readonly caPem: string;
  readonly certificatePem: string;
  readonly certificatePath: string;
  readonly keyPath: string;
}

async function openssl(opensslPath: string, args: readonly string[], cwd: string): Promise<void> {
  try {
    await run(opensslPath, [...args], { cwd, timeout: 15_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`openssl ${args[0] ?? ""} failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

/**
 * Makes a CA and a server certificate signed by it (P-256, valid two days) with the openssl CLI, in
 * `directory`. A real chain rather than one self-signed leaf, so clients are tested the way they
 * run: trusting a CA, checking the name against the subjectAltName.
 */
export async function createTestCertificates(
  opensslPath: string,
  directory: string,
  names: readonly string[],
): Promise<TestCertificates> {
  const curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(
    opensslPath,
    [
      "req",
      "-x509",
      ...curve,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/O=mailwire tests/CN=mailwire throw-away test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    directory,
  );
  await openssl(
    opensslPath,
    [
      "req",
      "-new",
      ...curve,
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
      "-subj",
      `/CN=${names[0] ?? "localhost"}`,
    ],
    directory,
  );
  const altNames = names.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(",");
  await writeFile(
    join(directory, "server.ext"),
    [
      `subjectAltName=${altNames}`,
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  await openssl(
    opensslPath,
    [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-set_serial",
      `0x${randomBytes(8).toString("hex")}`,
      "-days",
      "2",
      "-sha256",
      "-extfile",
      "server.ext",
      "-out",
      "server.pem",
    ],
    directory,
  );
  return {
    caPem: await readFile(join(directory, "ca.pem"), "utf8"),
    certificatePem: await readFile(join(directory, "server.pem"), "utf8"),
    certificatePath: join(directory, "server.pem"),
    keyPath: join(directory, "server.key"),
  };
}
