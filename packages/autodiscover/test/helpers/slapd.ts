import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { accessSync, constants, rmSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "selfsigned";

/**
 * A throw-away OpenLDAP slapd for the SCP tests: a temp dir with a slapd.conf, the test schema
 * (test/slapd/ad-scp.schema), a RootDSE file naming the configuration naming context, data
 * loaded with slapadd, ldap:// (StartTLS) and ldaps:// on 127.0.0.1 with a certificate made
 * here. Never the system service: `slapd -d 0` runs in the foreground as our child.
 *
 * Availability follows the Dovecot harness: slapd missing locally skips the suite (saying how to
 * install it); under CI the suite runs and fails, so CI can never pass by skipping.
 */

export const SLAPD_INSTALL_COMMAND = "apt-get install -y slapd ldap-utils";
const SLAPD = ["/usr/sbin/slapd", "/usr/local/sbin/slapd", "/usr/local/libexec/slapd"];
const SLAPADD = ["/usr/sbin/slapadd", "/usr/local/sbin/slapadd"];
const MODULE_DIRS = [
  "/usr/lib/ldap",
  "/usr/lib/x86_64-linux-gnu/ldap",
  "/usr/lib/aarch64-linux-gnu/ldap",
  "/usr/libexec/openldap",
];
const CORE_SCHEMA = ["/etc/ldap/schema/core.schema", "/etc/openldap/schema/core.schema"];
const TEST_SCHEMA = fileURLToPath(new URL("../slapd/ad-scp.schema", import.meta.url));

function firstExisting(paths: readonly string[], mode = constants.R_OK): string | undefined {
  for (const path of paths) {
    try {
      accessSync(path, mode);
      return path;
    } catch {
      // next
    }
  }
  return undefined;
}

function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

export function slapdAvailability(): { available: boolean; reason: string } {
  const missing = [
    firstExisting(SLAPD, constants.X_OK) === undefined ? "slapd" : "",
    firstExisting(SLAPADD, constants.X_OK) === undefined ? "slapadd" : "",
    firstExisting(CORE_SCHEMA) === undefined ? "core.schema" : "",
  ].filter((name) => name !== "");
  return missing.length === 0
    ? { available: true, reason: "" }
    : {
        available: false,
        reason: `OpenLDAP is not usable here (missing: ${missing.join(", ")}); install it with: sudo ${SLAPD_INSTALL_COMMAND}`,
      };
}

/** Skip only outside CI when slapd is absent (then say once how to install it). */
export function requireSlapd(): { skip: boolean; reason: string } {
  const { available, reason } = slapdAvailability();
  if (available || isCi()) return { skip: false, reason };
  process.stderr.write(`[mailwire] skipping slapd integration tests: ${reason}\n`);
  return { skip: true, reason };
}

export interface SlapdServer {
  /** ldap://127.0.0.1:<port> (StartTLS available) and ldaps://127.0.0.1:<port>. */
  ldapUrl: string;
  ldapsUrl: string;
  caPem: string;
  suffix: string;
  /** A user that may bind and read; anonymous binds see nothing. */
  user: { dn: string; password: string };
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const running = new Set<{ child: ChildProcess; directory: string }>();
process.once("exit", () => {
  for (const entry of running) {
    entry.child.kill("SIGKILL");
    rmSync(entry.directory, { recursive: true, force: true });
  }
});

export interface StartSlapdOptions {
  /** Base DN of the database, e.g. dc=corp,dc=mailwire,dc=test. */
  suffix: string;
  /** LDIF for the entries below the suffix (the suffix entry and the user are added here). */
  entries: string;
  /** The reader account's password (one account across several directories, as in one forest). */
  password?: string;
  /** When true, a simple bind needs TLS (slapd `security simple_bind=128`). Default true. */
  bindNeedsTls?: boolean;
}

export async function startSlapd(options: StartSlapdOptions): Promise<SlapdServer> {
  const { available, reason } = slapdAvailability();
  if (!available) throw new Error(reason);
  const slapd = firstExisting(SLAPD, constants.X_OK) as string;
  const slapadd = firstExisting(SLAPADD, constants.X_OK) as string;
  const coreSchema = firstExisting(CORE_SCHEMA) as string;
  const moduleDir = MODULE_DIRS.find((path) =>
    firstExisting([join(path, "back_mdb.la"), join(path, "back_mdb.so")]),
  );

  const directory = await mkdtemp(join(tmpdir(), "mailwire-slapd-"));
  await mkdir(join(directory, "db"));
  const pems = await generate([{ name: "commonName", value: `slapd-${randomUUID()}` }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  await writeFile(join(directory, "cert.pem"), pems.cert);
  await writeFile(join(directory, "key.pem"), pems.private, { mode: 0o600 });
  const suffix = options.suffix;
  const firstDc = /^dc=([^,]+)/i.exec(suffix)?.[1] ?? "test";
  const user = { dn: `cn=autodiscover-reader,${suffix}`, password: options.password ?? `pw-${randomUUID()}` };
  const configDn = `CN=Configuration,${suffix}`;
  await writeFile(join(directory, "rootdse.ldif"), `dn:\nconfigurationNamingContext: ${configDn}\n`);
  const conf = [
    `include ${coreSchema}`,
    `include ${TEST_SCHEMA}`,
    `pidfile ${join(directory, "slapd.pid")}`,
    `argsfile ${join(directory, "slapd.args")}`,
    ...(moduleDir === undefined ? [] : [`modulepath ${moduleDir}`, "moduleload back_mdb"]),
    `rootDSE ${join(directory, "rootdse.ldif")}`,
    `TLSCertificateFile ${join(directory, "cert.pem")}`,
    `TLSCertificateKeyFile ${join(directory, "key.pem")}`,
    ...(options.bindNeedsTls === false ? [] : ["security simple_bind=128"]),
    "database mdb",
    "maxsize 16777216",
    `suffix "${suffix}"`,
    `rootdn "cn=admin,${suffix}"`,
    `directory ${join(directory, "db")}`,
    "access to attrs=userPassword by anonymous auth by * none",
    "access to * by users read by * none",
    "",
  ].join("\n");
  const confPath = join(directory, "slapd.conf");
  await writeFile(confPath, conf);
  const ldif = [
    `dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\ndc: ${firstDc}\no: ${firstDc}\n`,
    `dn: ${user.dn}\nobjectClass: person\ncn: autodiscover-reader\nsn: reader\nuserPassword: ${user.password}\n`,
    `dn: ${configDn}\nobjectClass: container\ncn: Configuration\n`,
    options.entries,
  ].join("\n");
  const ldifPath = join(directory, "seed.ldif");
  await writeFile(ldifPath, ldif);
  const added = spawnSync(slapadd, ["-f", confPath, "-l", ldifPath], { encoding: "utf8" });
  if (added.status !== 0) {
    await rm(directory, { recursive: true, force: true });
    throw new Error(`slapadd failed: ${added.stderr}`);
  }

  for (let attempt = 0; attempt < 3; attempt++) {
    const ldapPort = await freePort();
    const ldapsPort = await freePort();
    let output = "";
    const child = spawn(
      slapd,
      ["-d", "0", "-f", confPath, "-h", `ldap://127.0.0.1:${ldapPort}/ ldaps://127.0.0.1:${ldapsPort}/`],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      if (output.length < 65_536) output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      if (output.length < 65_536) output += chunk.toString();
    });
    const entry = { child, directory };
    running.add(entry);
    let exited = false;
    child.once("exit", () => {
      exited = true;
    });
    const started = Date.now();
    while (!exited && Date.now() - started < 10_000) {
      if ((await canConnect(ldapPort)) && (await canConnect(ldapsPort))) {
        const stop = async () => {
          if (!exited) {
            const gone = new Promise((resolve) => child.once("exit", resolve));
            child.kill("SIGTERM");
            await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 3_000))]);
            if (!exited) child.kill("SIGKILL");
          }
          running.delete(entry);
          await rm(directory, { recursive: true, force: true });
        };
        return {
          ldapUrl: `ldap://127.0.0.1:${ldapPort}`,
          ldapsUrl: `ldaps://127.0.0.1:${ldapsPort}`,
          caPem: pems.cert,
          suffix,
          user,
          log: () => output,
          stop,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    running.delete(entry);
    if (attempt === 2) {
      await rm(directory, { recursive: true, force: true });
      throw new Error(`slapd did not start:\n${output.slice(-2000)}`);
    }
  }
  throw new Error("unreachable");
}
