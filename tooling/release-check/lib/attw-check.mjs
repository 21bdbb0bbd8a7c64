import { join } from "node:path";
import { commandOutput, runCommand } from "./run-command.mjs";

// The "strict" profile: a dual package must resolve cleanly, with types, for each of these.
export const RESOLUTION_KINDS = ["node10", "node16-cjs", "node16-esm", "bundler"];

/**
 * @arethetypeswrong/cli on the packed tarball (the bytes consumers get). Any problem fails, and so
 * does an entry point that was not analysed under every resolution kind or a package without types.
 */
export async function runAttw(rootDir, tarball) {
  const attw = join(rootDir, "node_modules", ".bin", "attw");
  const json = await runCommand(attw, [tarball, "--format", "json", "--profile", "strict", "--no-color"]);
  let report;
  try {
    report = JSON.parse(json.stdout);
  } catch {
    return { ok: false, cell: "FAIL", output: commandOutput(json), durationMs: json.durationMs };
  }
  const analysis = report.analysis ?? {};
  const problems = [];
  if (!analysis.types) problems.push("the package ships no types");
  for (const [subpath, entrypoint] of Object.entries(analysis.entrypoints ?? {})) {
    for (const kind of RESOLUTION_KINDS) {
      if (!entrypoint.resolutions?.[kind]) problems.push(`"${subpath}" was not analysed for ${kind}`);
    }
  }
  for (const problem of analysis.problems ?? []) {
    const where = [problem.entrypoint && `"${problem.entrypoint}"`, problem.resolutionKind].filter(Boolean);
    problems.push(`${problem.kind}${where.length > 0 ? ` at ${where.join(" ")}` : ""}`);
  }
  if (!json.ok && problems.length === 0) problems.push(`attw exited with ${json.code}`);
  if (problems.length === 0) return { ok: true, cell: "ok", output: "", durationMs: json.durationMs };
  // The table view is what a person fixing the package wants to read.
  const table = await runCommand(attw, [tarball, "--format", "table", "--profile", "strict", "--no-color"]);
  return {
    ok: false,
    cell: `FAIL (${problems.length})`,
    output: [...problems, "", commandOutput(table)].join("\n"),
    durationMs: json.durationMs + table.durationMs,
  };
}
