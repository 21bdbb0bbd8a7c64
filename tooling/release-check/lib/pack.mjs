import { join } from "node:path";
import { commandOutput, runCommand } from "./run-command.mjs";

// A protocol SDK with ESM + CJS builds, declarations and source maps is tens to a few hundred kB
// packed. Past these numbers something was published by mistake (fixtures, captures, a second
// copy of a dependency); a package that really is bigger raises its own limit in package.json.
export const DEFAULT_MAX_PACKED_BYTES = 1024 * 1024;
export const DEFAULT_MAX_UNPACKED_BYTES = 5 * 1024 * 1024;

// Files that belong to the repo, not to consumers.
const UNPUBLISHABLE = [
  {
    pattern: /(^|\/)(src|test|tests|__tests__|__mocks__|bench|fixtures|coverage|\.turbo)\//,
    why: "source/test folder",
  },
  { pattern: /\.(test|spec|test-d|bench)\.[cm]?[jt]sx?$/, why: "test file" },
  {
    pattern: /(^|\/)(tsconfig[^/]*\.json|tsup\.config\.[cm]?[jt]s|vitest\.config\.[cm]?[jt]s)$/,
    why: "build config",
  },
  { pattern: /\.tsbuildinfo$|\.tgz$|(^|\/)\.env/, why: "build artefact or local file" },
];

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** `npm pack` into `destination`; returns the tarball path and npm's file list. */
export async function packPackage(info, destination) {
  const result = await runCommand("npm", ["pack", "--json", "--pack-destination", destination], {
    cwd: info.dir,
  });
  if (!result.ok) return { ok: false, output: commandOutput(result) };
  // Lifecycle scripts (prepack) may print before npm's JSON; the JSON is the last top-level array.
  const jsonStart = result.stdout.lastIndexOf("\n[");
  let report;
  try {
    report = JSON.parse(jsonStart === -1 ? result.stdout : result.stdout.slice(jsonStart + 1))[0];
  } catch (error) {
    return {
      ok: false,
      output: `cannot parse npm pack --json output: ${error.message}\n${commandOutput(result)}`,
    };
  }
  return {
    ok: true,
    tarball: join(destination, report.filename),
    size: report.size,
    unpackedSize: report.unpackedSize,
    files: report.files.map((file) => file.path),
    durationMs: result.durationMs,
  };
}

/** What is wrong with the tarball's contents, as one line per problem (empty when fine). */
export function tarballProblems(info, packed) {
  const problems = [];
  const files = packed.files;
  if (!files.includes("package.json")) problems.push("package.json is missing");
  if (!files.some((file) => /^readme(\.md)?$/i.test(file))) {
    problems.push("README.md is missing (npm shows it as the package page)");
  }
  if (!files.some((file) => file.startsWith("dist/"))) problems.push("nothing under dist/ is included");
  for (const file of files) {
    const rule = UNPUBLISHABLE.find(({ pattern }) => pattern.test(file));
    if (rule) problems.push(`${file} should not be published (${rule.why})`);
  }
  const limits = info.manifest.mailwire ?? {};
  const maxPacked = limits.maxPackedBytes ?? DEFAULT_MAX_PACKED_BYTES;
  const maxUnpacked = limits.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
  if (packed.size > maxPacked) {
    problems.push(`tarball is ${formatBytes(packed.size)}, over the ${formatBytes(maxPacked)} limit`);
  }
  if (packed.unpackedSize > maxUnpacked) {
    problems.push(
      `unpacked size is ${formatBytes(packed.unpackedSize)}, over the ${formatBytes(maxUnpacked)} limit`,
    );
  }
  return problems;
}

export { formatBytes };
