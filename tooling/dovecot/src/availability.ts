import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";

/** What a Debian or Ubuntu machine needs for the IMAP/POP3 integration tests. */
export const DOVECOT_INSTALL_COMMAND = "apt-get install -y dovecot-imapd dovecot-pop3d";

export interface DovecotAvailability {
  readonly available: boolean;
  /** The `dovecot` master binary, when found. */
  readonly dovecotPath?: string;
  /** One line saying what is missing and how to install it; empty when available. */
  readonly reason: string;
  readonly installCommand: string;
}

export interface DovecotRequirement {
  /** True only outside CI when Dovecot is missing: the caller should skip its Dovecot tests. */
  readonly skip: boolean;
  /** Why the tests are skipped (or would fail), naming the install command; empty when available. */
  readonly reason: string;
  readonly availability: DovecotAvailability;
}

// Debian puts the master binary in /usr/sbin, which is not on every user's PATH.
const DOVECOT_CANDIDATES = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"];
// The login and protocol processes live here; their absence means dovecot-core without the
// imapd/pop3d packages.
const LIBEXEC_CANDIDATES = ["/usr/lib/dovecot", "/usr/libexec/dovecot", "/usr/local/libexec/dovecot"];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv, extra: readonly string[] = []): string | undefined {
  const directories = (env.PATH ?? "").split(delimiter).filter((directory) => directory.length > 0);
  for (const candidate of [...extra, ...directories.map((directory) => join(directory, name))]) {
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Whether `CI` is set to something other than an explicit "false"/"0". */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

/**
 * Looks for Dovecot with its IMAP and POP3 login processes. Cheap: a few `access` calls, no process
 * is started. `MAILWIRE_DOVECOT_BIN` overrides the binary's location. (The throw-away CA and server
 * certificate are made in-process by `@mailwire/test-certs`; no openssl CLI is needed.)
 */
export function dovecotAvailability(env: NodeJS.ProcessEnv = process.env): DovecotAvailability {
  const override = env.MAILWIRE_DOVECOT_BIN;
  const dovecotPath =
    override !== undefined && override !== ""
      ? isExecutable(override)
        ? override
        : undefined
      : findOnPath("dovecot", env, DOVECOT_CANDIDATES);
  const missing: string[] = [];
  if (dovecotPath === undefined) {
    missing.push(override ? `dovecot (MAILWIRE_DOVECOT_BIN=${override} is not executable)` : "dovecot");
  } else {
    const libexec = LIBEXEC_CANDIDATES.find((directory) => existsSync(directory));
    if (libexec !== undefined) {
      if (!existsSync(join(libexec, "imap-login"))) missing.push("dovecot-imapd");
      if (!existsSync(join(libexec, "pop3-login"))) missing.push("dovecot-pop3d");
    }
  }

  const available = missing.length === 0;
  return {
    available,
    ...(dovecotPath === undefined ? {} : { dovecotPath }),
    reason: available
      ? ""
      : `Dovecot is not usable here (missing: ${missing.join(", ")}); install it with: sudo ${DOVECOT_INSTALL_COMMAND}`,
    installCommand: DOVECOT_INSTALL_COMMAND,
  };
}

let warned = false;

/**
 * The availability policy for test files. Dovecot present: run. Missing outside CI: skip, and say
 * once on stderr how to install it. Missing under `CI`: do not skip, so the tests run and
 * `startDovecot()` fails with the install command — CI must never pass by skipping.
 *
 * ```ts
 * const dovecot = requireDovecot();
 * describe.skipIf(dovecot.skip)("IMAP against Dovecot", () => { ... });
 * ```
 */
export function requireDovecot(
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly warn?: boolean } = {},
): DovecotRequirement {
  const availability = dovecotAvailability(env);
  if (availability.available) return { skip: false, reason: "", availability };
  if (isCi(env)) return { skip: false, reason: availability.reason, availability };
  if (options.warn !== false && !warned) {
    warned = true;
    process.stderr.write(`[mailwire] skipping Dovecot integration tests: ${availability.reason}\n`);
  }
  return { skip: true, reason: availability.reason, availability };
}
