#!/usr/bin/env node
// Adds up the vitest json reports of every workspace and prints one closing line,
// "tests: N passed, N failed, N skipped", so a reader (or CI) sees the whole run's total.
// `--clean` removes old reports first, so a package whose tests did not run cannot be
// counted from a previous run.
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const workspaces = ["packages", "apps", "tooling"].flatMap((group) => {
  try {
    return readdirSync(join(root, group)).map((name) => join(root, group, name));
  } catch {
    return [];
  }
});
const reports = workspaces
  .map((dir) => join(dir, ".test-results", "vitest.json"))
  .filter((file) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });

if (process.argv.includes("--clean")) {
  for (const file of reports) rmSync(file, { force: true });
  process.exit(0);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const file of reports) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  const name = file.slice(root.length).split("/.test-results")[0];
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  rows.push(`  ${name.padEnd(28)} ${String(report.numPassedTests ?? 0).padStart(5)} passed`);
}
console.log(`\n${rows.join("\n")}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || reports.length === 0 ? 1 : 0);
