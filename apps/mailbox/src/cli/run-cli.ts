import { parseArgs } from "node:util";
import { InvalidArgumentError } from "@mailwire/core";
import { mailboxHome, ProfileStore } from "../profile/profile-store.js";
import { describeError, formatErrorLine } from "./cli-error.js";
import type { Command, OptionSpec } from "./command.js";
import { deleteCommand, markReadCommand, moveCommand } from "./commands/change.js";
import { connectCommand } from "./commands/connect.js";
import { demoCommand } from "./commands/demo.js";
import { foldersCommand } from "./commands/folders.js";
import { listCommand } from "./commands/list.js";
import { profilesCommand } from "./commands/profiles.js";
import { readCommand } from "./commands/read.js";
import { searchCommand } from "./commands/search.js";
import { sendCommand } from "./commands/send.js";
import { syncCommand } from "./commands/sync.js";
import { watchCommand } from "./commands/watch.js";
import type { CommandContext } from "./context.js";
import type { CliEnvironment } from "./environment.js";
import { ExitCode } from "./exit-codes.js";
import { Output } from "./output.js";

export const COMMANDS: readonly Command[] = [
  connectCommand,
  foldersCommand,
  listCommand,
  readCommand,
  searchCommand,
  sendCommand,
  markReadCommand,
  moveCommand,
  deleteCommand,
  watchCommand,
  syncCommand,
  profilesCommand,
  demoCommand,
];

const GLOBAL_OPTIONS: OptionSpec = {
  json: { type: "boolean" },
  profile: { type: "string" },
  "ca-file": { type: "string" },
  offline: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
};

const GLOBAL_USAGE = `Global options (any command):
  --json            one JSON document on stdout (NDJSON for list, search, sync, watch)
  --profile NAME    which saved profile (default: the last connected)
  --ca-file FILE    extra trusted CA certificates (PEM)
  --offline         serve from the local store without trying the server
  -q, --quiet       no notes on stderr
Environment: MAILBOX_HOME (profiles and local store), MAILBOX_PASSWORD
Exit codes: 0 ok, 1 failure, 2 usage, 3 auth, 4 offline, 5 not found, 6 unsupported, 7 protocol, 130 interrupted`;

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: mailbox <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    GLOBAL_USAGE,
    "",
    "`mailbox <command> --help` explains a command.",
  ].join("\n");
}

/** The command word: the first argument that is neither an option nor a global option's value. */
function findCommand(argv: readonly string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") break;
    if (token.startsWith("-")) {
      const name = token.replace(/^--?/, "");
      if (!token.includes("=") && GLOBAL_OPTIONS[name]?.type === "string") i++;
      continue;
    }
    return { name: token, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: [...argv] };
}

export async function runCli(argv: readonly string[], env: CliEnvironment): Promise<number> {
  const { name, rest } = findCommand(argv);
  const command = COMMANDS.find((c) => c.name === name);
  const wantsJson = argv.includes("--json");
  const out = new Output({
    stdout: env.stdout,
    stderr: env.stderr,
    json: wantsJson,
    quiet: argv.includes("--quiet") || argv.includes("-q"),
  });
  const secrets: string[] = [];
  try {
    if (name === undefined || name === "help") {
      env.stdout.write(`${usage()}\n`);
      return name === undefined && !argv.includes("--help") && !argv.includes("-h")
        ? ExitCode.USAGE
        : ExitCode.OK;
    }
    if (!command) throw new InvalidArgumentError(`unknown command ${name} (see mailbox --help)`);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...GLOBAL_OPTIONS, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new InvalidArgumentError(`${(error as Error).message}\nusage: ${command.usage}`);
    }
    const values = parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>;
    if (values.help) {
      env.stdout.write(`${command.usage}\n\n${GLOBAL_USAGE}\n`);
      return ExitCode.OK;
    }
    const [min, max] = command.positionals;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new InvalidArgumentError(`wrong number of arguments\nusage: ${command.usage}`);
    }
    const profiles = new ProfileStore(mailboxHome(env.env));
    const context: CommandContext = {
      env,
      out,
      profiles,
      signal: env.signal,
      secrets,
      global: {
        json: values.json === true,
        profile: typeof values.profile === "string" ? values.profile : undefined,
        caFile: typeof values["ca-file"] === "string" ? values["ca-file"] : undefined,
        offline: values.offline === true,
        quiet: values.quiet === true,
      },
    };
    return await command.run(context, values, parsed.positionals);
  } catch (error) {
    const aborted = env.signal?.aborted === true;
    const report = describeError(error, secrets);
    const exitCode = aborted ? ExitCode.INTERRUPTED : report.exitCode;
    if (out.json) env.stdout.write(`${JSON.stringify({ type: "error", error: { ...report, exitCode } })}\n`);
    env.stderr.write(`${formatErrorLine(report)}\n`);
    if (report.exitCode === ExitCode.FAILURE && error instanceof Error && env.env.MAILBOX_DEBUG) {
      env.stderr.write(`${error.stack ?? ""}\n`);
    }
    return exitCode;
  }
}
