import { readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { commandOutput, runCommand } from "./run-command.mjs";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const TYPEOF_NAMES = new Set([
  "function",
  "object",
  "string",
  "number",
  "boolean",
  "symbol",
  "bigint",
  "any",
]);

/**
 * What to import, from the package's `"mailwire"` field:
 *   "smokeExports": ["MailwireError", ...] or { "MailwireError": "function", ... }  (runtime values)
 *   "smokeTypes":   ["CallOptions", ...]                                          (type-only exports)
 * Without them the only requirement is "at least one named export".
 */
export function smokeSpec(info) {
  const field = info.manifest.mailwire ?? {};
  const rawExports = field.smokeExports ?? [];
  const values = Array.isArray(rawExports)
    ? Object.fromEntries(rawExports.map((name) => [name, "any"]))
    : { ...rawExports };
  const types = [...(field.smokeTypes ?? [])];
  for (const name of [...Object.keys(values), ...types]) {
    if (!IDENTIFIER.test(name)) throw new Error(`${info.name}: smoke export "${name}" is not an identifier`);
  }
  for (const [name, kind] of Object.entries(values)) {
    if (!TYPEOF_NAMES.has(kind))
      throw new Error(`${info.name}: smoke export ${name} has unknown kind "${kind}"`);
  }
  return { values, types };
}

/**
 * Installs the tarballs into the empty project at `dir`, then proves every @mailwire package there
 * came from one of them: npm falls back to the registry when a local version does not satisfy a
 * dependency's range, and that would test someone else's code.
 */
export async function installTarballs(dir, tarballs, extraPackages) {
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "mailwire-release-consumer", version: "0.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  const specs = tarballs.map((tarball) => `file:${relative(dir, tarball)}`);
  const result = await runCommand(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--no-update-notifier",
      ...specs,
      ...extraPackages,
    ],
    { cwd: dir, timeoutMs: 300_000 },
  );
  if (!result.ok) return { ok: false, output: commandOutput(result), durationMs: result.durationMs };
  const lock = JSON.parse(await readFile(join(dir, "package-lock.json"), "utf8"));
  const fromRegistry = Object.entries(lock.packages ?? {})
    .filter(([path]) => /(^|\/)node_modules\/@mailwire\/[^/]+$/.test(path))
    .filter(([, entry]) => !(entry.resolved ?? "").startsWith("file:"))
    .map(([path, entry]) => `${path}@${entry.version} (resolved: ${entry.resolved ?? "registry"})`);
  if (fromRegistry.length > 0) {
    return {
      ok: false,
      output: `these @mailwire packages did not come from the local tarballs:\n${fromRegistry.join("\n")}`,
      durationMs: result.durationMs,
    };
  }
  return { ok: true, output: "", durationMs: result.durationMs };
}

// Runs inside the consumer project; prints what it found as JSON so the parent can compare the
// ESM and CJS views of the package.
const RUNTIME_PROBE = `
const [specifier, expectedJson] = process.argv.slice(2);
const expected = JSON.parse(expectedJson);
const problems = [];
const loaded = await LOAD(specifier);
const names = Object.keys(loaded).filter((name) => name !== "default" && name !== "__esModule").sort();
if (names.length === 0) problems.push("the module has no named exports");
for (const [name, kind] of Object.entries(expected)) {
  if (!(name in loaded) || loaded[name] === undefined) problems.push("missing export " + name);
  else if (kind !== "any" && typeof loaded[name] !== kind) {
    problems.push(name + " is a " + typeof loaded[name] + ", expected a " + kind);
  }
}
console.log(JSON.stringify({ resolved: RESOLVE(specifier), names, problems }));
`;

const ESM_PROBE = RUNTIME_PROBE.replace("LOAD(specifier)", "import(specifier)").replace(
  "RESOLVE(specifier)",
  "import.meta.resolve(specifier)",
);
// Wrapped in an async function: a .cjs file has no top-level await.
const CJS_PROBE = `(async () => {${RUNTIME_PROBE.replace(
  "await LOAD(specifier)",
  "require(specifier)",
).replace(
  "RESOLVE(specifier)",
  "require.resolve(specifier)",
)}})().catch((error) => { console.error(error); process.exitCode = 1; });`;

async function runProbe(dir, fileName, source, nodeFlags, packageName, spec) {
  await writeFile(join(dir, fileName), source);
  const result = await runCommand(
    process.execPath,
    [...nodeFlags, fileName, packageName, JSON.stringify(spec.values)],
    { cwd: dir, timeoutMs: 60_000 },
  );
  if (!result.ok) return { ok: false, output: commandOutput(result), durationMs: result.durationMs };
  const report = JSON.parse(result.stdout.trim().split("\n").at(-1));
  return {
    ok: report.problems.length === 0,
    names: report.names,
    resolved: report.resolved,
    output:
      report.problems.length > 0 ? [`resolved to ${report.resolved}`, ...report.problems].join("\n") : "",
    durationMs: result.durationMs,
  };
}

/** `import` from an ES module. */
export function checkEsm(dir, packageName, spec) {
  return runProbe(dir, "probe-esm.mjs", ESM_PROBE, [], packageName, spec);
}

/**
 * `require` from a CommonJS module. require(esm) is switched off: Node 20.18, inside our engines
 * range, does not have it, so a CJS consumer there needs a real CJS build.
 */
export async function checkCjs(dir, packageName, spec, esmNames) {
  const result = await runProbe(
    dir,
    "probe-cjs.cjs",
    CJS_PROBE,
    ["--no-experimental-require-module"],
    packageName,
    spec,
  );
  if (!result.ok || !esmNames) return result;
  const onlyEsm = esmNames.filter((name) => !result.names.includes(name));
  const onlyCjs = result.names.filter((name) => !esmNames.includes(name));
  if (onlyEsm.length === 0 && onlyCjs.length === 0) return result;
  return {
    ...result,
    ok: false,
    output: [
      "the CJS build exports different names from the ESM build",
      onlyEsm.length > 0 ? `only in ESM: ${onlyEsm.join(", ")}` : "",
      onlyCjs.length > 0 ? `only in CJS: ${onlyCjs.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("\n"),
  };
}

/**
 * The subpaths besides "." that the exports map offers, as import specifiers. Patterns ("./*")
 * and JSON files are left out: there is nothing to import by name from them.
 */
export function subpathSpecifiers(packageName, manifest) {
  const exportsField = manifest.exports;
  if (typeof exportsField !== "object" || exportsField === null || Array.isArray(exportsField)) return [];
  return Object.keys(exportsField)
    .filter((key) => key.startsWith("./") && !key.includes("*") && !key.endsWith(".json"))
    .map((key) => `${packageName}/${key.slice(2)}`);
}

/**
 * A consumer source file that imports the smoke exports, uses each one's type, and requires every
 * subpath in `subpaths` to have at least one export.
 */
export function typeScriptConsumer(packageName, spec, subpaths = []) {
  const values = Object.keys(spec.values);
  const from = JSON.stringify(packageName);
  const lines = [`import * as everything from ${from};`];
  if (values.length > 0) lines.push(`import { ${values.join(", ")} } from ${from};`);
  if (spec.types.length > 0) lines.push(`import type { ${spec.types.join(", ")} } from ${from};`);
  subpaths.forEach((specifier, index) => {
    lines.push(`import * as subpath${index} from ${JSON.stringify(specifier)};`);
  });
  lines.push(
    "",
    "// A class gives its instance type, anything else its own type.",
    "type InstanceOrValue<T> = T extends abstract new (...args: any) => infer I ? I : T;",
    'type HasExports<M> = [keyof M] extends [never] ? "the module has no exports" : true;',
    "export const hasExports: HasExports<typeof everything> = true;",
    ...subpaths.map(
      (_, index) => `export const hasExports${index}: HasExports<typeof subpath${index}> = true;`,
    ),
    ...values.flatMap((name) => [
      `export const value_${name}: typeof ${name} = ${name};`,
      `export let use_${name}: InstanceOrValue<typeof ${name}> | undefined;`,
    ]),
    ...spec.types.map((name) => `export let type_${name}: ${name} | undefined;`),
    "",
  );
  return lines.join("\n");
}

const BASE_COMPILER_OPTIONS = {
  target: "es2022",
  lib: ["es2023"],
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  isolatedModules: true,
};

const MODES = {
  // node16 gets an ES module (`.ts` under `"type": "module"`) and a CommonJS one (`.cts`), so both
  // halves of the exports map are read.
  node16: {
    options: { module: "node16", moduleResolution: "node16" },
    files: ["consumer-esm.ts", "consumer-cjs.cts"],
  },
  bundler: { options: { module: "esnext", moduleResolution: "bundler" }, files: ["consumer-esm.ts"] },
};

/** Writes the consumer sources both TypeScript modes compile. */
export async function writeTypeScriptConsumer(dir, packageName, spec, subpaths) {
  const source = typeScriptConsumer(packageName, spec, subpaths);
  await writeFile(join(dir, "consumer-esm.ts"), source);
  await writeFile(join(dir, "consumer-cjs.cts"), source);
  return source;
}

/**
 * Compiles the consumer files (see writeTypeScriptConsumer) with the repo's TypeScript, strict and
 * with the package's declarations checked (skipLibCheck off), in one of the MODES.
 */
export async function checkTypeScript({ rootDir, dir, mode, nodeTypes }) {
  const { options, files } = MODES[mode];
  const compilerOptions = { ...BASE_COMPILER_OPTIONS, types: nodeTypes ? ["node"] : [], ...options };
  const tsconfig = `tsconfig.${mode}.json`;
  await writeFile(join(dir, tsconfig), `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`);
  const tsc = join(rootDir, "node_modules", "typescript", "bin", "tsc");
  const result = await runCommand(process.execPath, [tsc, "-p", tsconfig, "--pretty", "false"], {
    cwd: dir,
    timeoutMs: 180_000,
  });
  if (result.ok) return { ok: true, output: "", durationMs: result.durationMs };
  const source = await readFile(join(dir, "consumer-esm.ts"), "utf8");
  return {
    ok: false,
    output: `${commandOutput(result)}\n--- ${files.join(" and ")} (same source) ---\n${source}`,
    durationMs: result.durationMs,
  };
}
