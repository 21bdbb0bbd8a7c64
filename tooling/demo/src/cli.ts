#!/usr/bin/env node
import type { DemoContext } from "./context.js";
import { errorCode } from "./demo-error.js";
import { createNarrator, silentNarrator } from "./narrator.js";
import { Resources } from "./resources.js";
import { runDemo } from "./run-demo.js";
import type { DemoFailure } from "./summary.js";

// `npm run demo`: builds, then runs this. Exit 0 when every step did what it shows, 1 with
// the error's code otherwise, 2 on a usage error, 130 on Ctrl-C; every server it started is
// stopped in all four cases.

const USAGE = `usage: mailwire-demo [--json]

Runs @mailwire/core against a local simulated Exchange (NTLMv2, Bearer, the safe defaults)
and, when Dovecot is installed, against a real Dovecot (IMAP STARTTLS + SCRAM, POP3).
  --json   print one JSON summary instead of the narrative
`;

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    await write(process.stdout, USAGE);
    return 0;
  }
  const unknown = argv.filter((arg) => arg !== "--json");
  if (unknown.length > 0) {
    await write(process.stderr, `unknown option ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  const json = argv.includes("--json");
  const controller = new AbortController();
  const resources = new Resources();
  const narrator = json ? silentNarrator : createNarrator((text) => process.stdout.write(text));
  const context: DemoContext = { signal: controller.signal, resources, narrator };
  const stopAll = () =>
    resources.closeAll((name, error) => process.stderr.write(`could not stop ${name}: ${String(error)}\n`));

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130); // a second Ctrl-C: stop waiting
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the servers the demo started...\n`);
    controller.abort();
    void stopAll().then(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  narrator.section("mailwire demo: @mailwire/core against local servers");
  try {
    const summary = await runDemo(context);
    await stopAll();
    if (json) await write(process.stdout, `${JSON.stringify(summary, null, 2)}\n`);
    else {
      narrator.section(
        `Done in ${(summary.durationMs / 1000).toFixed(1)} s; every server the demo started is stopped.`,
      );
    }
    return 0;
  } catch (error) {
    await stopAll();
    if (interrupted) return 130;
    const failure: DemoFailure = {
      ok: false,
      error: { code: errorCode(error), message: error instanceof Error ? error.message : String(error) },
    };
    if (json) await write(process.stdout, `${JSON.stringify(failure, null, 2)}\n`);
    await write(process.stderr, `\nmailwire demo failed: ${failure.error.code}: ${failure.error.message}\n`);
    return 1;
  }
}

// An explicit exit: the Dovecot harness leaves a stop-timeout timer running after stop()
// (about 10 s), which would otherwise keep the process alive after the demo is done.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`mailwire demo crashed: ${String(error)}\n`);
    process.exit(1);
  },
);
