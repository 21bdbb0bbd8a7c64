import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "@mailwire/core";
import type { Profile } from "./profile.js";

// Profiles live as one JSON file each under the mailbox home:
//   $MAILBOX_HOME, else $XDG_CONFIG_HOME/mailwire, else ~/.config/mailwire
//     profiles/<name>.json   (mode 0600: it may hold a saved password)
//     default                (the name of the profile commands use without --profile)
//     cache/<name>/          (the cached-mode store, see src/sync/)

export function mailboxHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MAILBOX_HOME) return env.MAILBOX_HOME;
  const config = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(config, "mailwire");
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/** Profile names become file names: letters, digits and `._@+-`, so no path can be smuggled in. */
export function checkProfileName(name: string): string {
  if (!NAME.test(name) || name.includes("..")) {
    throw new InvalidArgumentError(
      `profile name ${JSON.stringify(name)} may use only letters, digits and ._@+-`,
    );
  }
  return name;
}

/** Writes through a temp file and a rename, so a crash never leaves half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, data, { mode });
  await chmod(temp, mode);
  await rename(temp, path);
}

export class ProfileStore {
  readonly home: string;

  constructor(home: string) {
    this.home = home;
  }

  get directory(): string {
    return join(this.home, "profiles");
  }

  cacheDirectory(name: string): string {
    return join(this.home, "cache", checkProfileName(name));
  }

  #path(name: string): string {
    return join(this.directory, `${checkProfileName(name)}.json`);
  }

  async save(profile: Profile, options: { makeDefault?: boolean } = {}): Promise<string> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const path = this.#path(profile.name);
    const { password, ...rest } = profile;
    // Belt and braces: a password is written only when the profile says it was asked for.
    const stored =
      profile.credential.kind === "saved" && password !== undefined ? { ...rest, password } : rest;
    await writeFileAtomic(path, `${JSON.stringify(stored, null, 2)}\n`);
    if (options.makeDefault ?? true)
      await writeFileAtomic(join(this.home, "default"), `${profile.name}\n`, 0o644);
    return path;
  }

  async load(name?: string): Promise<Profile> {
    const chosen = name ?? (await this.defaultName());
    if (chosen === undefined) {
      throw new InvalidArgumentError(
        "no profile yet: run `mailbox connect <email>` first (or pass --profile)",
      );
    }
    let text: string;
    try {
      text = await readFile(this.#path(chosen), "utf8");
    } catch {
      throw new InvalidArgumentError(`no profile named ${chosen} (see \`mailbox profiles\`)`);
    }
    const parsed = JSON.parse(text) as Profile;
    if (parsed.version !== 1)
      throw new InvalidArgumentError(`profile ${chosen} has unknown version ${parsed.version}`);
    return parsed;
  }

  async defaultName(): Promise<string | undefined> {
    try {
      const name = (await readFile(join(this.home, "default"), "utf8")).trim();
      return name === "" ? undefined : checkProfileName(name);
    } catch {
      return undefined;
    }
  }

  async list(): Promise<string[]> {
    try {
      const files = await readdir(this.directory);
      return files
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -5))
        .sort();
    } catch {
      return [];
    }
  }

  async remove(name: string): Promise<void> {
    await rm(this.#path(name), { force: true });
    await rm(this.cacheDirectory(name), { recursive: true, force: true });
    if ((await this.defaultName()) === name) await rm(join(this.home, "default"), { force: true });
  }
}
