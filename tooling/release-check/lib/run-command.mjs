import { spawn } from "node:child_process";

// npm sets these when the checker itself runs under `npm run`; passing them on would make the npm
// and node processes we start inside the throw-away consumer project think they are still inside
// the monorepo (local prefix, workspace selection, the root package's metadata).
const INHERITED_NPM_STATE =
  /^npm_(package_|lifecycle_|command$|config_(local_prefix|workspaces?|include_workspace_root|global)$)/i;

/** The environment for child processes: ours, minus npm's per-invocation state, plus `extra`. */
export function childEnvironment(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!INHERITED_NPM_STATE.test(key)) env[key] = value;
  }
  return { ...env, NO_COLOR: "1", FORCE_COLOR: "0", ...extra };
}

/**
 * Runs a command without a shell and collects its output. Never rejects: a command that cannot
 * start, exits non-zero or times out comes back as a result with `ok: false`, so each check can
 * report the tool's own words.
 */
export function runCommand(command, args, { cwd, env = childEnvironment(), timeoutMs = 300_000 } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const stdout = [];
    const stderr = [];
    let timedOut = false;
    let settled = false;
    const finish = (code, extraError = "") => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const errorText = Buffer.concat(stderr).toString("utf8") + extraError;
      resolve({
        ok: code === 0 && !timedOut,
        code,
        timedOut,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: timedOut ? `${errorText}\n(killed after ${timeoutMs} ms)` : errorText,
        durationMs: Math.round(performance.now() - started),
        commandLine: [command, ...args].join(" "),
      });
    };
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (chunk) => stdout.push(chunk));
    child.stderr.on("data", (chunk) => stderr.push(chunk));
    child.on("error", (error) => finish(-1, `\n${error.message}`));
    child.on("close", (code, signal) => finish(code ?? -1, signal ? `\n(terminated by ${signal})` : ""));
  });
}

/** stdout and stderr of a command result as one block for a failure report. */
export function commandOutput(result) {
  return [`$ ${result.commandLine}  (exit ${result.code})`, result.stdout.trim(), result.stderr.trim()]
    .filter((part) => part.length > 0)
    .join("\n");
}
