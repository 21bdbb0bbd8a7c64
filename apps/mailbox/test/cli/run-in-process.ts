import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import type { MailboxBackend } from "../../src/cli/environment.js";
import { runCli } from "../../src/cli/run-cli.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as NDJSON (or one JSON document). */
  json(): unknown[];
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk));
        callback();
      },
    }),
    text: () => chunks.join(""),
  };
}

export function parseJsonOutput(stdout: string): unknown[] {
  const trimmed = stdout.trim();
  if (trimmed === "") return [];
  if (trimmed.startsWith("{\n")) return [JSON.parse(trimmed)];
  return trimmed.split("\n").map((line) => JSON.parse(line));
}

/** A temp MAILBOX_HOME and a runner of `mailbox ...` inside this process. */
export async function cliHarness(backend: MailboxBackend, baseEnv: NodeJS.ProcessEnv = {}) {
  const home = await mkdtemp(join(tmpdir(), "mailbox-cli-"));
  return {
    home,
    async run(
      args: string[],
      options: { stdin?: string | Readable; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
    ): Promise<CliRun> {
      const out = sink();
      const err = sink();
      const code = await runCli(args, {
        stdout: out.stream,
        stderr: err.stream,
        stdin:
          typeof options.stdin === "object"
            ? options.stdin
            : Readable.from(options.stdin === undefined ? [] : [options.stdin]),
        env: { MAILBOX_HOME: home, ...baseEnv, ...options.env },
        backend,
        signal: options.signal,
      });
      const stdout = out.text();
      return { code, stdout, stderr: err.text(), json: () => parseJsonOutput(stdout) };
    },
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}
