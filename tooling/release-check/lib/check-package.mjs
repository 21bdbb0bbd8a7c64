import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAttw } from "./attw-check.mjs";
import { buildPackages, buildStaleness } from "./build.mjs";
import {
  checkCjs,
  checkEsm,
  checkTypeScript,
  installTarballs,
  smokeSpec,
  subpathSpecifiers,
  writeTypeScriptConsumer,
} from "./consumer.mjs";
import { formatBytes, packPackage, tarballProblems } from "./pack.mjs";
import { runPublint } from "./publint-check.mjs";
import { internalDependencies } from "./workspace.mjs";

/** Table columns, in order; each is one step of the check. */
export const STEPS = ["build", "publint", "attw", "pack", "install", "esm", "cjs", "ts-node16", "ts-bundler"];

// Temp dirs still on disk, so an interrupted run can remove them on its way out.
export const liveTempDirs = new Set();

function prefixed(specifier, output) {
  return output ? `${specifier}:\n${output}` : "";
}

/** Several results of one kind (e.g. ESM imports of each subpath) as one table cell. */
function combined(results) {
  return {
    ok: results.every((result) => result.ok),
    output: results
      .map((result) => result.output)
      .filter(Boolean)
      .join("\n\n"),
    durationMs: results.reduce((total, result) => total + (result.durationMs ?? 0), 0),
  };
}

function skipped(reason) {
  return { status: "skip", cell: "-", output: reason };
}

function fromCheck(check, okCell = "ok") {
  return {
    status: check.ok ? "ok" : "FAIL",
    cell: check.ok ? (check.cell ?? okCell) : (check.cell ?? "FAIL"),
    output: check.output ?? "",
    durationMs: check.durationMs,
  };
}

async function typesNodeSpec(rootDir) {
  // Consumers of a Node SDK have @types/node; use the version the repo builds against.
  const manifest = JSON.parse(
    await readFile(join(rootDir, "node_modules", "@types", "node", "package.json"), "utf8"),
  );
  return `@types/node@${manifest.version}`;
}

/**
 * Runs every step for one package and returns `{ name, steps, durationMs }`, where each step has a
 * `status` (ok, FAIL, skip), a table `cell` and the tool's `output`. A failed step skips only the
 * steps that need its result, so one run shows as much as it can. `nodeTypes: false` leaves
 * @types/node out of the consumer project, for packages whose declarations do not need it
 * (checking @types/node is most of each tsc run).
 */
export async function checkPackage({
  rootDir,
  info,
  workspace,
  build = true,
  keepTemp = false,
  nodeTypes = true,
  log = () => {},
}) {
  const started = performance.now();
  const steps = Object.fromEntries(STEPS.map((step) => [step, skipped("not reached")]));
  const notes = [];
  const dependencies = internalDependencies(info, workspace);
  const tempDir = await mkdtemp(join(tmpdir(), "mailwire-release-check-"));
  liveTempDirs.add(tempDir);
  try {
    // 1. build
    if (!build) {
      steps.build = skipped("--skip-build");
    } else {
      const stale = [];
      for (const target of [...dependencies, info]) {
        const reason = await buildStaleness(target);
        if (reason) stale.push(`${target.name}: ${reason}`);
      }
      if (stale.length === 0) {
        steps.build = { status: "ok", cell: "fresh", output: "" };
      } else {
        log(`  building (${stale.join("; ")})`);
        const built = await buildPackages(rootDir, info, dependencies);
        steps.build = fromCheck(built, "built");
        if (built.note) notes.push(built.note);
        if (!built.ok) return finish();
      }
    }

    // 2. publint (packs by itself, so it can tell unpublished files from missing ones)
    log("  publint");
    steps.publint = fromCheck(await runPublint(info));

    // 3. npm pack, the tarball's contents, then attw on that tarball
    log("  npm pack");
    const tarballDir = join(tempDir, "tarballs");
    await mkdir(tarballDir);
    const packed = await packPackage(info, tarballDir);
    if (!packed.ok) {
      steps.pack = { status: "FAIL", cell: "FAIL", output: packed.output };
      return finish();
    }
    const contentProblems = tarballProblems(info, packed);
    steps.pack = {
      status: contentProblems.length === 0 ? "ok" : "FAIL",
      cell: `${contentProblems.length === 0 ? "" : "FAIL "}${formatBytes(packed.size)}`,
      output:
        contentProblems.length === 0
          ? ""
          : [...contentProblems, "", "packed files:", ...packed.files].join("\n"),
      durationMs: packed.durationMs,
    };
    log("  attw");
    steps.attw = fromCheck(await runAttw(rootDir, packed.tarball));

    // 4. install into an empty project, with local tarballs of the internal dependencies
    const tarballs = [packed.tarball];
    for (const dependency of dependencies) {
      if (!dependency.isPublic) {
        steps.install = {
          status: "FAIL",
          cell: "FAIL",
          output: `depends on ${dependency.name}, which is private and so can never be installed by a consumer`,
        };
        return finish();
      }
      const dependencyPack = await packPackage(dependency, tarballDir);
      if (!dependencyPack.ok) {
        steps.install = {
          status: "FAIL",
          cell: "FAIL",
          output: `packing ${dependency.name}:\n${dependencyPack.output}`,
        };
        return finish();
      }
      tarballs.push(dependencyPack.tarball);
    }
    log(`  npm install (${tarballs.length} local tarball${tarballs.length === 1 ? "" : "s"})`);
    const consumerDir = join(tempDir, "consumer");
    await mkdir(consumerDir);
    const installed = await installTarballs(
      consumerDir,
      tarballs,
      nodeTypes ? [await typesNodeSpec(rootDir)] : [],
    );
    steps.install = fromCheck(installed);
    if (!installed.ok) return finish();

    // 5. import it from ESM, CJS and TypeScript
    let spec;
    try {
      spec = smokeSpec(info);
    } catch (error) {
      steps.esm = { status: "FAIL", cell: "FAIL", output: error.message };
      return finish();
    }
    log("  esm / cjs / tsc");
    const esm = await checkEsm(consumerDir, info.name, spec);
    const cjs = await checkCjs(consumerDir, info.name, spec, esm.ok ? esm.names : undefined);
    // Other subpaths only have to load and export something, from both module systems alike.
    const subpaths = subpathSpecifiers(info.name, info.manifest);
    const anything = { values: {}, types: [] };
    const subpathEsm = [];
    const subpathCjs = [];
    for (const specifier of subpaths) {
      const esmResult = await checkEsm(consumerDir, specifier, anything);
      subpathEsm.push({ ...esmResult, output: prefixed(specifier, esmResult.output) });
      const cjsResult = await checkCjs(
        consumerDir,
        specifier,
        anything,
        esmResult.ok ? esmResult.names : undefined,
      );
      subpathCjs.push({ ...cjsResult, output: prefixed(specifier, cjsResult.output) });
    }
    steps.esm = fromCheck(combined([{ ...esm, output: prefixed(info.name, esm.output) }, ...subpathEsm]));
    steps.cjs = fromCheck(combined([{ ...cjs, output: prefixed(info.name, cjs.output) }, ...subpathCjs]));
    // The TypeScript consumers import every value the ESM build really exports, so declarations
    // that lag behind the JavaScript fail here, not in a user's editor.
    const runtimeNames = Object.fromEntries((esm.ok ? esm.names : []).map((name) => [name, "any"]));
    const typeSpec = { values: { ...runtimeNames, ...spec.values }, types: spec.types };
    await writeTypeScriptConsumer(consumerDir, info.name, typeSpec, subpaths);
    // Two compilations that each check all of @types/node: run them side by side.
    const [node16, bundler] = await Promise.all(
      ["node16", "bundler"].map((mode) => checkTypeScript({ rootDir, dir: consumerDir, mode, nodeTypes })),
    );
    steps["ts-node16"] = fromCheck(node16);
    steps["ts-bundler"] = fromCheck(bundler);
    return finish();
  } finally {
    if (keepTemp) log(`  kept ${tempDir}`);
    else await rm(tempDir, { recursive: true, force: true });
    liveTempDirs.delete(tempDir);
  }

  function finish() {
    const ok = Object.values(steps).every((step) => step.status !== "FAIL");
    return { name: info.name, ok, steps, notes, durationMs: Math.round(performance.now() - started) };
  }
}
