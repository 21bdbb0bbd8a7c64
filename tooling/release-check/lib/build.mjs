import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { childEnvironment, commandOutput, runCommand } from "./run-command.mjs";

// The files a tsup build reads, matching the `build` inputs in turbo.json.
const BUILD_INPUT_FILES = ["package.json", "tsconfig.json", "tsup.config.ts", "tsup.config.mts"];
const BUILD_INPUT_DIRS = ["src"];

async function* walkFiles(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (error.code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walkFiles(path);
    else if (entry.isFile()) yield path;
  }
}

async function modifiedTime(path) {
  try {
    return (await stat(path)).mtimeMs;
  } catch (error) {
    if (error.code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Why `dist/` needs a build, or undefined when it is newer than every input. A cheap mtime check;
 * turbo's own input hashing decides what actually gets rebuilt.
 */
export async function buildStaleness(info) {
  if (!info.manifest.scripts?.build) return undefined;
  let oldestOutput = Number.POSITIVE_INFINITY;
  for await (const file of walkFiles(join(info.dir, "dist"))) {
    oldestOutput = Math.min(oldestOutput, await modifiedTime(file));
  }
  if (oldestOutput === Number.POSITIVE_INFINITY) return "dist/ is missing or empty";
  const inputs = BUILD_INPUT_FILES.map((file) => join(info.dir, file));
  for (const dir of BUILD_INPUT_DIRS) {
    for await (const file of walkFiles(join(info.dir, dir))) inputs.push(file);
  }
  for (const input of inputs) {
    const time = await modifiedTime(input);
    if (time !== undefined && time > oldestOutput)
      return `${input.slice(info.dir.length + 1)} is newer than dist/`;
  }
  return undefined;
}

/**
 * Builds `info` and the workspace packages it depends on (`dependencies` in build order), with
 * `turbo run build --filter`, whose `^build` covers the dependencies. turbo 2 cannot run without a
 * `packageManager` field in the root package.json (even its opt-out flag then finds no workspace
 * packages), so without one each package is built with `npm run build -w` and a note says why.
 */
export async function buildPackages(rootDir, info, dependencies) {
  const rootManifest = JSON.parse(await readFile(join(rootDir, "package.json"), "utf8"));
  const env = childEnvironment({ TURBO_TELEMETRY_DISABLED: "1" });
  if (rootManifest.packageManager ?? rootManifest.devEngines?.packageManager) {
    const result = await runCommand(
      join(rootDir, "node_modules", ".bin", "turbo"),
      ["run", "build", `--filter=${info.name}`, "--output-logs=errors-only", "--log-prefix=none"],
      { cwd: rootDir, timeoutMs: 600_000, env },
    );
    return { ok: result.ok, durationMs: result.durationMs, output: result.ok ? "" : commandOutput(result) };
  }
  let durationMs = 0;
  for (const target of [...dependencies, info]) {
    if (!target.manifest.scripts?.build) continue;
    const result = await runCommand("npm", ["run", "build", `--workspace=${target.name}`], {
      cwd: rootDir,
      timeoutMs: 600_000,
      env,
    });
    durationMs += result.durationMs;
    if (!result.ok) return { ok: false, durationMs, output: commandOutput(result), note: NO_PACKAGE_MANAGER };
  }
  return { ok: true, durationMs, output: "", note: NO_PACKAGE_MANAGER };
}

const NO_PACKAGE_MANAGER =
  'the root package.json has no "packageManager" field, so `turbo run build` cannot resolve the workspace; ' +
  'built with `npm run build -w` instead (add e.g. "packageManager": "npm@11.19.1" to the root package.json)';
