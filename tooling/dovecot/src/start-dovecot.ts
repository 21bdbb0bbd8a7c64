import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { type FixtureMailboxOptions, fixtureMailbox } from "@mailwire/fixtures";
import { dovecotAvailability } from "./availability.js";
import { createTestCertificates } from "./certificates.js";
import { type ConfigMailbox, type DovecotPorts, renderDovecotConfig } from "./dovecot-config.js";
import { DovecotStartError, DovecotUnavailableError } from "./errors.js";
import { canBind, freePorts } from "./free-ports.js";
import { readGreeting } from "./greeting.js";
import { mailboxName, specialUseAttribute, writeMaildir } from "./maildir.js";
import { isAlive, killQuietly, processTree } from "./processes.js";
import type { MailboxSeed, SeedUser } from "./seed.js";
import {
  DEFAULT_DOMAIN,
  DEFAULT_FIXTURE_USER,
  type DovecotUser,
  type DovecotUserRole,
  passwdLine,
  secondUser,
  unicodeUser,
} from "./users.js";

export interface StartDovecotOptions {
  /**
   * What the fixture user's mailbox holds; default: `fixtureMailbox(options.fixture)` from
   * `@mailwire/fixtures`, the mailbox every other test bed is seeded with.
   */
  readonly mailbox?: MailboxSeed | undefined;
  /** Options for the default fixture mailbox, e.g. `{ messageCount: 40, largeMessageBytes: 0 }`. */
  readonly fixture?: FixtureMailboxOptions | undefined;
  /**
   * Address to listen on. Default 127.0.0.2 where it can be bound (Linux), else 127.0.0.1. Dovecot
   * treats a connection as secure when its remote and local IPs are equal, so on 127.0.0.1 (clients
   * connecting from 127.0.0.1) plaintext logins are allowed before STARTTLS; on 127.0.0.2 they are not.
   */
  readonly host?: string | undefined;
  /** How long to wait for all four greetings; default 20 s. */
  readonly startTimeoutMs?: number | undefined;
  /** Adds auth_debug/mail_debug lines to the log. */
  readonly debug?: boolean | undefined;
  /**
   * Keep Dovecot's per-IP auth penalty (2 s, doubling up to 15 s, before every login from an IP
   * that recently failed one). Off by default: all tests connect from 127.0.0.1, so one wrong-password
   * test would slow every later login.
   */
  readonly authPenalty?: boolean | undefined;
  /** Keep the temp dir after stop() for debugging (also `MAILWIRE_DOVECOT_KEEP=1`). */
  readonly keepDirectory?: boolean | undefined;
}

export interface DovecotServer {
  readonly host: string;
  readonly ports: DovecotPorts;
  /**
   * PEM of the CA that signed the server certificate (subjectAltName: the host, localhost,
   * 127.0.0.1, 127.0.0.2, ::1).
   */
  readonly caPem: string;
  /** The fixture user first, then the second user and the non-ASCII-password user. */
  readonly users: readonly DovecotUser[];
  /** Shorthand for the user with `role`. */
  user(role?: DovecotUserRole): DovecotUser;
  /** False when listening on 127.0.0.1, where Dovecot allows plaintext logins before TLS. */
  readonly cleartextRequiresTls: boolean;
  /** The run's temp dir, its dovecot.conf and log. */
  readonly directory: string;
  readonly configPath: string;
  readonly logPath: string;
  /** Pid of the Dovecot master process. */
  readonly pid: number;
  /** The last lines of the Dovecot log. */
  logTail(lines?: number): string;
  /** Stops Dovecot and every process it forked, then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 3;
const OUTPUT_LIMIT = 64 * 1024;

// Runs `dovecot -F` as a child and kills it with SIGTERM as soon as our stdin pipe closes — when
// stop() ends it, or when this Node process dies in any way, even SIGKILL — so no Dovecot outlives
// the tests. Background jobs get /dev/null as stdin, hence the copy on fd 3.
const WATCHDOG = [
  "exec 3<&0",
  '"$1" -F -c "$2" </dev/null 3<&- &',
  "daemon=$!",
  '( while read -r line <&3; do :; done; kill -TERM "$daemon" 2>/dev/null ) >/dev/null 2>&1 &',
  'wait "$daemon"',
].join("\n");

interface Running {
  readonly child: ChildProcess;
  readonly directory: string;
  readonly keep: boolean;
}

const running = new Set<Running>();
let exitHookInstalled = false;

// Last resort when the test process exits without stop(): kill the whole tree and remove the dir.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const entry of running) {
      if (entry.child.pid !== undefined) {
        for (const pid of processTree(entry.child.pid).reverse()) killQuietly(pid, "SIGKILL");
      }
      if (!entry.keep) rmSync(entry.directory, { recursive: true, force: true, maxRetries: 3 });
    }
  });
}

function tailOf(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function readLogTail(logPath: string, lines: number): string {
  try {
    return tailOf(readFileSync(logPath, "utf8"), lines);
  } catch {
    return "";
  }
}

/** The uid/gid that owns mail when we run as root: `nobody`/`nogroup` (65534 on Debian). */
function unprivilegedMailOwner(): { uid: number; gid: number } {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [name, , uid, gid] = line.split(":");
      if (name === "nobody" && uid !== undefined && gid !== undefined)
        return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // fall through
  }
  return { uid: 65534, gid: 65534 };
}

/** Our own user and primary group by name, for a Dovecot run without root. */
function currentUserAndGroup(): { user: string; group: string } {
  const { username, gid } = userInfo();
  try {
    for (const line of readFileSync("/etc/group", "utf8").split("\n")) {
      const [name, , id] = line.split(":");
      if (name !== undefined && Number(id) === gid) return { user: username, group: name };
    }
  } catch {
    // fall through
  }
  return { user: username, group: username };
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await chown(child, uid, gid);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function defaultHost(): Promise<string> {
  return (await canBind("127.0.0.2")) ? "127.0.0.2" : "127.0.0.1";
}

interface SpawnedDovecot {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function spawnDovecot(dovecotPath: string, configPath: string): SpawnedDovecot {
  const child = spawn("/bin/sh", ["-c", WATCHDOG, "mailwire-dovecot", dovecotPath, configPath], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    if (output.length < OUTPUT_LIMIT) output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", (error) => {
      output += String(error);
      resolve(null);
    });
  });
  // Never keep the test process alive just because a server was not stopped; the exit hook and the
  // watchdog clean up then.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
  return { child, output: () => output, exited };
}

/** Waits for the four greetings, or fails on exit or timeout. */
async function waitForGreetings(
  spawned: SpawnedDovecot,
  host: string,
  ports: DovecotPorts,
  caPem: string,
  timeoutMs: number,
): Promise<"ready" | "exited" | "timeout"> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void spawned.exited.then(() => {
    exited = true;
  });
  const targets = [
    { port: ports.imap, expect: "* OK" },
    { port: ports.imaps, expect: "* OK", tlsCa: caPem },
    { port: ports.pop3, expect: "+OK" },
    { port: ports.pop3s, expect: "+OK", tlsCa: caPem },
  ];
  const pending = new Set(targets);
  while (pending.size > 0) {
    if (exited) return "exited";
    const remaining = deadline - Date.now();
    if (remaining <= 0) return "timeout";
    await Promise.all(
      [...pending].map(async (target) => {
        try {
          const greeting = await readGreeting({ host, ...target }, Math.min(remaining, 3_000));
          if (greeting.startsWith(target.expect)) pending.delete(target);
        } catch {
          // not listening yet
        }
      }),
    );
    if (pending.size > 0) await delay(50);
  }
  return "ready";
}

/**
 * Dovecot 2.3 has no setting to turn off the auth penalty for untrusted IPs, and trusting 127.0.0.1
 * (login_trusted_networks) would also mark it secure and allow plaintext logins. The auth process
 * asks anvil for penalties over the `anvil-auth-penalty` socket and treats a missing socket as "no
 * penalties" (it connects with ANVIL_CLIENT_FLAG_HIDE_ENOENT). The auth process starts with the first
 * login, so removing the socket the master created before anyone connects disables the penalty.
 */
async function disableAuthPenalty(
  baseDir: string,
  spawned: SpawnedDovecot,
  timeoutMs: number,
): Promise<void> {
  const socket = join(baseDir, "anvil-auth-penalty");
  let exited = false;
  void spawned.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!exited && Date.now() < deadline) {
    try {
      await unlink(socket);
      return;
    } catch {
      await delay(5);
    }
  }
}

async function stopTree(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.pid === undefined) return;
  const tree = processTree(child.pid);
  child.stdin?.end();
  // The timer is cleared once Dovecot exits: a pending one would keep a plain Node script
  // that called stop() alive for STOP_TIMEOUT_MS.
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) for (const pid of tree) killQuietly(pid, "SIGKILL");
  // The master is gone; wait for the login/auth/log processes it forked to follow it.
  const deadline = Date.now() + 5_000;
  while (tree.some(isAlive)) {
    if (Date.now() > deadline) {
      for (const pid of tree) killQuietly(pid, "SIGKILL");
      break;
    }
    await delay(20);
  }
}

/**
 * Starts a private Dovecot 2.3 on loopback: IMAP and POP3, each with a STARTTLS port and an implicit
 * TLS port, a fresh CA, three users, and the fixture user's mailbox written as Maildir. Resolves once
 * all four ports answer with a greeting.
 */
export async function startDovecot(options: StartDovecotOptions = {}): Promise<DovecotServer> {
  const availability = dovecotAvailability();
  if (!availability.available || availability.dovecotPath === undefined) {
    throw new DovecotUnavailableError(availability.reason, availability.installCommand);
  }
  const dovecotPath = availability.dovecotPath;
  const seed: MailboxSeed = options.mailbox ?? fixtureMailbox(options.fixture);
  const host = options.host ?? (await defaultHost());
  const keep = options.keepDirectory ?? process.env.MAILWIRE_DOVECOT_KEEP === "1";
  const isRoot = process.getuid?.() === 0;

  const directory = await mkdtemp(join(tmpdir(), "mailwire-dovecot-"));
  let spawned: SpawnedDovecot | undefined;
  try {
    // Login and mail processes run as other users and must reach their files below this dir.
    await chmod(directory, 0o755);
    const paths = {
      baseDir: join(directory, "run"),
      stateDir: join(directory, "state"),
      tls: join(directory, "tls"),
      homes: join(directory, "home"),
      passwd: join(directory, "users.passwd"),
      config: join(directory, "dovecot.conf"),
      log: join(directory, "dovecot.log"),
    };
    for (const path of [paths.baseDir, paths.stateDir, paths.tls, paths.homes])
      await mkdir(path, { recursive: true });
    await chmod(paths.homes, 0o755);

    const certificates = await createTestCertificates(paths.tls, [host]);

    const fixtureUser: SeedUser = seed.user ?? DEFAULT_FIXTURE_USER;
    // The fixture's `domain` is the NetBIOS-style logon domain; the mail domain is in the address.
    const domain = fixtureUser.address?.split("@")[1] ?? DEFAULT_DOMAIN;
    const accounts: { role: DovecotUserRole; user: SeedUser; seed: MailboxSeed }[] = [
      { role: "fixture", user: fixtureUser, seed },
      { role: "second", user: secondUser(domain), seed: { folders: [], messages: [] } },
      { role: "unicode", user: unicodeUser(domain), seed: { folders: [], messages: [] } },
    ];
    const users: DovecotUser[] = [];
    const passwd: string[] = [];
    for (const [index, account] of accounts.entries()) {
      const home = join(paths.homes, `user${index}`);
      const written = await writeMaildir(join(home, "Maildir"), account.seed.folders, account.seed.messages);
      passwd.push(passwdLine(account.user, home));
      users.push({
        role: account.role,
        username: account.user.username,
        password: account.user.password,
        address: account.user.address ?? `${account.user.username}@${domain}`,
        messageCounts: Object.fromEntries(written.counts),
      });
    }
    await writeFile(paths.passwd, `${passwd.join("\n")}\n`, { mode: 0o644 });

    const mailOwner = isRoot ? unprivilegedMailOwner() : undefined;
    if (mailOwner !== undefined) {
      for (const entry of await readdir(paths.homes))
        await chownTree(join(paths.homes, entry), mailOwner.uid, mailOwner.gid);
    }

    const mailboxes: ConfigMailbox[] = seed.folders
      .map((folder) => {
        const specialUse =
          folder.specialUse === undefined ? undefined : specialUseAttribute(folder.specialUse);
        return { name: mailboxName(folder.path), ...(specialUse === undefined ? {} : { specialUse }) };
      })
      .filter((mailbox) => mailbox.name !== "INBOX");

    const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    let ports: DovecotPorts | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const [imap, imaps, pop3, pop3s] = await freePorts(host, 4);
      ports = { imap: imap!, imaps: imaps!, pop3: pop3!, pop3s: pop3s! };
      await writeFile(
        paths.config,
        renderDovecotConfig({
          host,
          ports,
          instanceName: `mailwire-${randomBytes(4).toString("hex")}`,
          baseDir: paths.baseDir,
          stateDir: paths.stateDir,
          logPath: paths.log,
          passwdPath: paths.passwd,
          certificatePath: certificates.certificatePath,
          keyPath: certificates.keyPath,
          mailboxes,
          mail: mailOwner,
          unprivileged: isRoot ? undefined : currentUserAndGroup(),
          debug: options.debug,
        }),
      );
      spawned = spawnDovecot(dovecotPath, paths.config);
      const entry: Running = { child: spawned.child, directory, keep };
      running.add(entry);
      installExitHook();
      if (options.authPenalty !== true) await disableAuthPenalty(paths.baseDir, spawned, timeoutMs);
      const outcome = await waitForGreetings(spawned, host, ports, certificates.caPem, timeoutMs);
      if (outcome === "ready") break;
      await stopTree(spawned.child, spawned.exited);
      running.delete(entry);
      const details = [spawned.output().trim(), readLogTail(paths.log, 40)].filter(Boolean).join("\n");
      const clash = /address already in use/i.test(details);
      if (clash && attempt < PORT_ATTEMPTS) continue;
      throw new DovecotStartError(
        outcome === "timeout"
          ? `Dovecot did not greet on ${host} ports ${Object.values(ports).join(", ")} within ${timeoutMs} ms`
          : "Dovecot exited during start-up",
        details,
      );
    }

    const started = spawned;
    const masterPid = Number((await readFile(join(paths.baseDir, "master.pid"), "utf8")).trim());
    let stopping: Promise<void> | undefined;
    return {
      host,
      ports,
      caPem: certificates.caPem,
      users,
      user(role: DovecotUserRole = "fixture") {
        return users.find((user) => user.role === role) as DovecotUser;
      },
      cleartextRequiresTls: host !== "127.0.0.1",
      directory,
      configPath: paths.config,
      logPath: paths.log,
      pid: masterPid,
      logTail: (lines = 40) => readLogTail(paths.log, lines),
      stop() {
        stopping ??= (async () => {
          await stopTree(started.child, started.exited);
          for (const entry of running) if (entry.child === started.child) running.delete(entry);
          if (!keep) await rm(directory, { recursive: true, force: true, maxRetries: 3 });
        })();
        return stopping;
      },
    };
  } catch (error) {
    if (spawned !== undefined) {
      await stopTree(spawned.child, spawned.exited);
      for (const entry of running) if (entry.child === spawned.child) running.delete(entry);
    }
    if (!keep) await rm(directory, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
}
