import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"];

async function readManifest(dir) {
  try {
    return JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
  } catch (error) {
    if (error.code === "ENOENT") return undefined;
    throw new Error(`cannot read ${join(dir, "package.json")}: ${error.message}`);
  }
}

/** Directories matched by one `workspaces` entry; only `dir` and `dir/*` forms are used in this repo. */
async function expandWorkspacePattern(rootDir, pattern) {
  if (!pattern.endsWith("/*")) return [join(rootDir, pattern)];
  const parent = join(rootDir, pattern.slice(0, -2));
  let entries;
  try {
    entries = await readdir(parent, { withFileTypes: true });
  } catch (error) {
    if (error.code === "ENOENT") return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(parent, entry.name))
    .sort();
}

/**
 * Every workspace package of the repo, public or private, by name. Private ones matter too: a public
 * package that depends on a private workspace cannot be installed by anyone outside the repo.
 */
export async function readWorkspace(rootDir) {
  const rootManifest = await readManifest(rootDir);
  if (!rootManifest) throw new Error(`no package.json in ${rootDir}`);
  const packages = new Map();
  for (const pattern of rootManifest.workspaces ?? []) {
    for (const dir of await expandWorkspacePattern(rootDir, pattern)) {
      const manifest = await readManifest(dir);
      if (manifest?.name) packages.set(manifest.name, packageInfo(dir, manifest));
    }
  }
  return packages;
}

export function packageInfo(dir, manifest) {
  return {
    name: manifest.name,
    version: manifest.version,
    dir,
    manifest,
    isPublic: manifest.private !== true,
  };
}

/** The packages to release: every non-private workspace under `packages/`, in name order. */
export function publicPackages(workspace, rootDir) {
  const packagesDir = join(rootDir, "packages");
  return [...workspace.values()]
    .filter((info) => info.isPublic && info.dir.startsWith(`${packagesDir}/`))
    .sort((left, right) => left.name.localeCompare(right.name));
}

/**
 * The workspace packages `info` needs at run time, directly or through each other, so that their
 * local tarballs can be installed next to it. Order: dependencies before their dependents.
 */
export function internalDependencies(info, workspace) {
  const ordered = [];
  const visiting = new Set();
  const visit = (current) => {
    for (const field of DEPENDENCY_FIELDS) {
      for (const name of Object.keys(current.manifest[field] ?? {})) {
        const dependency = workspace.get(name);
        if (!dependency || dependency.name === info.name || visiting.has(name)) continue;
        visiting.add(name);
        visit(dependency);
        ordered.push(dependency);
      }
    }
  };
  visiting.add(info.name);
  visit(info);
  return ordered;
}
