import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { checkPackage } from "../lib/check-package.mjs";
import { subpathSpecifiers, typeScriptConsumer } from "../lib/consumer.mjs";
import { tarballProblems } from "../lib/pack.mjs";
import { internalDependencies, packageInfo, publicPackages, readWorkspace } from "../lib/workspace.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const rootDir = resolve(here, "..", "..", "..");

async function fixture(name) {
  const dir = join(here, "fixtures", name);
  return packageInfo(dir, JSON.parse(await readFile(join(dir, "package.json"), "utf8")));
}

async function check(name) {
  // The fixtures' declarations need nothing from Node, and leaving @types/node out of the consumer
  // projects cuts each tsc run from seconds of library checking to well under one.
  return checkPackage({
    rootDir,
    info: await fixture(name),
    workspace: new Map(),
    build: false,
    nodeTypes: false,
  });
}

function statuses(result) {
  return Object.fromEntries(Object.entries(result.steps).map(([step, outcome]) => [step, outcome.status]));
}

// The fixtures run concurrently: each has its own temp project.
describe.concurrent("checkPackage on fixture packages", () => {
  test("passes a correct dual package", async () => {
    const result = await check("good");
    expect(statuses(result), JSON.stringify(result.steps, null, 2)).toEqual({
      build: "skip",
      publint: "ok",
      attw: "ok",
      pack: "ok",
      install: "ok",
      esm: "ok",
      cjs: "ok",
      "ts-node16": "ok",
      "ts-bundler": "ok",
    });
    expect(result.ok).toBe(true);
  });

  test("fails an exports map that points at a missing file", async () => {
    const result = await check("broken-exports");
    expect(result.ok).toBe(false);
    expect(result.steps.publint.status).toBe("FAIL");
    expect(result.steps.publint.output).toContain("missing.js");
    expect(result.steps.esm.status).toBe("FAIL");
    expect(result.steps.esm.output).toContain("missing.js");
    expect(result.steps.cjs.status).toBe("ok");
  });

  test("fails a tarball that ships tests and no README", async () => {
    const result = await check("leaky-tarball");
    expect(result.ok).toBe(false);
    expect(result.steps.pack.status).toBe("FAIL");
    expect(result.steps.pack.output).toContain("README.md is missing");
    expect(result.steps.pack.output).toContain("test/greet.test.js should not be published");
  });

  test("fails CommonJS declarations that lag behind the JavaScript", async () => {
    const result = await check("stale-types");
    expect(result.ok).toBe(false);
    expect(result.steps["ts-node16"].status).toBe("FAIL");
    expect(result.steps["ts-node16"].output).toContain("consumer-cjs.cts");
    expect(result.steps["ts-bundler"].status).toBe("ok");
  });
});

describe("pure parts", () => {
  test("tarball limits come from the package's mailwire field", () => {
    const info = { manifest: { mailwire: { maxPackedBytes: 100 } } };
    const packed = { files: ["package.json", "README.md", "dist/index.js"], size: 101, unpackedSize: 101 };
    expect(tarballProblems(info, packed)).toEqual(["tarball is 101 B, over the 100 B limit"]);
  });

  test("the TypeScript consumer imports values and types and uses each", () => {
    const source = typeScriptConsumer("@x/y", { values: { Thing: "function" }, types: ["Options"] });
    expect(source).toContain('import { Thing } from "@x/y";');
    expect(source).toContain('import type { Options } from "@x/y";');
    expect(source).toContain("export let use_Thing: InstanceOrValue<typeof Thing> | undefined;");
    expect(source).toContain("export let type_Options: Options | undefined;");
  });

  test("subpaths from the exports map are imported too, except patterns and JSON", () => {
    const manifest = {
      exports: {
        ".": "./a.js",
        "./codec": "./c.js",
        "./x/*": "./x/*.js",
        "./package.json": "./package.json",
      },
    };
    expect(subpathSpecifiers("@x/y", manifest)).toEqual(["@x/y/codec"]);
    expect(subpathSpecifiers("@x/y", { exports: "./a.js" })).toEqual([]);
    const source = typeScriptConsumer("@x/y", { values: {}, types: [] }, ["@x/y/codec"]);
    expect(source).toContain('import * as subpath0 from "@x/y/codec";');
    expect(source).toContain("export const hasExports0: HasExports<typeof subpath0> = true;");
  });

  test("the repo's public packages are discovered, with internal dependencies in build order", async () => {
    const workspace = await readWorkspace(rootDir);
    const names = publicPackages(workspace, rootDir).map((info) => info.name);
    expect(names).toContain("@mailwire/core");
    expect(names).not.toContain("@mailwire/release-check");

    const fake = new Map([
      ["@m/core", { name: "@m/core", manifest: {} }],
      ["@m/mapi", { name: "@m/mapi", manifest: { dependencies: { "@m/core": "^1.0.0" } } }],
    ]);
    const app = { name: "@m/app", manifest: { dependencies: { "@m/mapi": "^1.0.0", undici: "^7.0.0" } } };
    expect(internalDependencies(app, fake).map((info) => info.name)).toEqual(["@m/core", "@m/mapi"]);
  });
});
