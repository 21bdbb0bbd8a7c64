import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseJsonOutput } from "./run-in-process.js";

/** The built CLI, run as a user runs it: `node dist/cli.js ...` (MAILBOX_CLI points at another build). */
export const CLI = process.env.MAILBOX_CLI ?? fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

export function requireBuiltCli(): void {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build first (npx turbo run build --filter=@mailwire/mailbox...)`);
}

export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  json(): unknown[];
}

export interface SpawnedCli {
  child: ChildProcess;
  /** stdout so far. */
  stdout(): string;
  done: Promise<ProcessRun>;
  /** Resolves when stdout has a line matching `test`. */
  waitForLine(test: (line: string) => boolean, timeoutMs?: number): Promise<void>;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv, stdin?: string): SpawnedCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: { test: (line: string) => boolean; resolve: () => void }[] = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    const lines = stdout.split("\n");
    for (const waiter of [...waiters]) {
      if (lines.some(waiter.test)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  const done = new Promise<ProcessRun>((resolve) => {
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, json: () => parseJsonOutput(stdout) }),
    );
  });
  return {
    child,
    stdout: () => stdout,
    done,
    waitForLine(test, timeoutMs = 20_000) {
      if (stdout.split("\n").some(test)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`no matching line in ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          test,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}

export function runCliProcess(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<ProcessRun> {
  return spawnCli(args, env, stdin).done;
}
