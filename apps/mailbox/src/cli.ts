#!/usr/bin/env node
import { createLibraryBackend } from "./cli/library-backend.js";
import { runCli } from "./cli/run-cli.js";

// `mailbox`: the command line on the Mailbox library. Ctrl-C (or SIGTERM) aborts the running
// command through its AbortSignal, so connections close and files are left whole.

const controller = new AbortController();
const interrupt = () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
};
process.once("SIGINT", interrupt);
// `mailbox list inbox | head`: a closed pipe ends the output, not the process with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
});
process.once("SIGTERM", interrupt);

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  backend: createLibraryBackend(),
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mailbox: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
