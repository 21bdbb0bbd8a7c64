import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseCredentialSource, resolveSecret, runTokenCommand } from "../../src/profile/credentials.js";
import type { Profile } from "../../src/profile/profile.js";
import { checkProfileName, mailboxHome, ProfileStore } from "../../src/profile/profile-store.js";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "mailbox-profile-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const base: Profile = {
  version: 1,
  name: "work",
  email: "user@example.test",
  protocol: "ews",
  forced: false,
  credential: { kind: "env", variable: "PW" },
  cached: true,
  schedule: { kind: "at-start" },
  createdAt: "2026-01-01T00:00:00.000Z",
};

describe("ProfileStore", () => {
  it("never writes a password the credential source does not call for", async () => {
    const store = new ProfileStore(home);
    await store.save({ ...base, password: "leaked?" });
    expect(await readFile(join(home, "profiles", "work.json"), "utf8")).not.toContain("leaked?");
    await store.save({ ...base, credential: { kind: "saved" }, password: "kept" });
    expect((await store.load()).password).toBe("kept");
    expect(await store.list()).toEqual(["work"]);
    expect(await store.defaultName()).toBe("work");
    await store.remove("work");
    expect(await store.list()).toEqual([]);
  });

  it("refuses names that could leave the profiles directory", () => {
    for (const bad of ["../x", "a/b", "", ".hidden", "a..b"])
      expect(() => checkProfileName(bad)).toThrow(/profile name/);
    expect(checkProfileName("user@example.test")).toBe("user@example.test");
  });

  it("MAILBOX_HOME, then XDG_CONFIG_HOME/mailwire", () => {
    expect(mailboxHome({ MAILBOX_HOME: "/x" })).toBe("/x");
    expect(mailboxHome({ XDG_CONFIG_HOME: "/c" })).toBe(join("/c", "mailwire"));
  });
});

describe("credential sources", () => {
  const context = (env: NodeJS.ProcessEnv, answer = "") => ({ env, prompt: async () => answer });

  it("parses prompt, env:NAME and command:CMD", () => {
    expect(parseCredentialSource(undefined)).toEqual({ kind: "prompt" });
    expect(parseCredentialSource(undefined, "MAILBOX_PASSWORD")).toEqual({
      kind: "env",
      variable: "MAILBOX_PASSWORD",
    });
    expect(parseCredentialSource("env:PW")).toEqual({ kind: "env", variable: "PW" });
    expect(parseCredentialSource("command:get-token --user x")).toEqual({
      kind: "token-command",
      command: "get-token --user x",
    });
    expect(() => parseCredentialSource("file:/etc/passwd")).toThrow(/--password-from/);
  });

  it("env and prompt give a password; an unset variable is a usage error naming it", async () => {
    expect(await resolveSecret({ kind: "env", variable: "PW" }, base, context({ PW: "x" }))).toEqual({
      kind: "password",
      password: "x",
    });
    await expect(resolveSecret({ kind: "env", variable: "PW" }, base, context({}))).rejects.toThrow(/PW/);
    expect(await resolveSecret({ kind: "prompt" }, base, context({}, "typed"))).toEqual({
      kind: "password",
      password: "typed",
    });
  });

  it("a token command's stdout is the token; a failing command is an AuthError without its output", async () => {
    const secret = await resolveSecret(
      { kind: "token-command", command: "echo tok-123" },
      base,
      context(process.env),
    );
    expect(secret).toMatchObject({ kind: "token", token: "tok-123" });
    await expect(runTokenCommand("echo oops-secret; exit 3", { env: process.env })).rejects.toMatchObject({
      code: "MW_AUTH_FAILED",
      message: expect.not.stringContaining("oops-secret"),
    });
    await expect(runTokenCommand("true", { env: process.env })).rejects.toThrow(/no token/);
  });
});
