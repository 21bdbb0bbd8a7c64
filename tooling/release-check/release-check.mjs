#!/usr/bin/env node
// npm run release:check [-- [--skip-build] [--keep-temp] [package names...]]
//
// Checks each public workspace package under packages/ the way a consumer meets it: build if
// dist/ is stale, publint, npm pack (contents and size), attw on the tarball, then an install of
// the tarball (and local tarballs of its @mailwire dependencies) into an empty project outside
// the repo, imported from ESM, CJS and TypeScript (node16 and bundler resolution).
import { rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkPackage, liveTempDirs } from "./lib/check-package.mjs";
import { failureDetails, summaryTable } from "./lib/report.mjs";
import { publicPackages, readWorkspace } from "./lib/workspace.mjs";

const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function usage(message) {
  console.error(`${message}\nusage: release-check.mjs [--skip-build] [--keep-temp] [package names...]`);
  process.exit(2);
}

let options;
try {
  options = parseArgs({
    allowPositionals: true,
    options: {
      "skip-build": { type: "boolean" },
      "keep-temp": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
} catch (error) {
  usage(error.message);
}
if (options.values.help) usage("");

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await Promise.all([...liveTempDirs].map((dir) => rm(dir, { recursive: true, force: true })));
    process.exit(130);
  });
}

const workspace = await readWorkspace(rootDir);
let targets = publicPackages(workspace, rootDir);
if (options.positionals.length > 0) {
  const unknown = options.positionals.filter((name) => !targets.some((info) => info.name === name));
  if (unknown.length > 0) usage(`not a public package under packages/: ${unknown.join(", ")}`);
  targets = targets.filter((info) => options.positionals.includes(info.name));
}
if (targets.length === 0) usage("no public packages found under packages/");

const started = performance.now();
const results = [];
// One package at a time: each step already uses the machine, and the output stays readable.
for (const info of targets) {
  console.log(`${info.name}@${info.version}`);
  results.push(
    await checkPackage({
      rootDir,
      info,
      workspace,
      build: !options.values["skip-build"],
      keepTemp: options.values["keep-temp"] ?? false,
      log: (line) => console.log(line),
    }),
  );
}

const details = failureDetails(results);
if (details) console.log(`\n${details}`);
console.log(`\n${summaryTable(results)}\n`);
const failed = results.filter((result) => !result.ok).map((result) => result.name);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failed.length > 0) {
  console.log(`release check FAILED for ${failed.join(", ")} (${seconds} s)`);
  process.exitCode = 1;
} else {
  console.log(`release check passed for ${results.length} package(s) (${seconds} s)`);
}
