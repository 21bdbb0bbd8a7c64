import { spawn } from "node:child_process";
import { AuthError, InvalidArgumentError } from "@mailwire/core";
import type { CredentialSource, Profile } from "./profile.js";

// Turns a profile's credential source into the secret for this run. The secret lives in memory
// only; errors say which source failed, never what it produced.

export type Secret =
  | { readonly kind: "password"; readonly password: string }
  /** An OAuth access token; `refresh` runs the command again (after the server refused the token). */
  | { readonly kind: "token"; readonly token: string; readonly refresh: () => Promise<string> };

export interface SecretContext {
  readonly env: NodeJS.ProcessEnv;
  /** Asks for a password (no echo on a terminal). */
  readonly prompt: (question: string) => Promise<string>;
  readonly signal?: AbortSignal | undefined;
}

/** Token commands print a token, not a novel: anything larger is refused. */
const MAX_TOKEN_OUTPUT = 64 * 1024;
const TOKEN_COMMAND_TIMEOUT_MS = 60_000;

export async function resolveSecret(
  source: CredentialSource,
  profile: Pick<Profile, "email" | "password">,
  context: SecretContext,
): Promise<Secret> {
  switch (source.kind) {
    case "saved":
      if (profile.password === undefined) {
        throw new InvalidArgumentError(
          "the profile says the password is saved, but it holds none: connect again",
        );
      }
      return { kind: "password", password: profile.password };
    case "env": {
      const value = context.env[source.variable];
      if (value === undefined || value === "") {
        throw new InvalidArgumentError(`environment variable ${source.variable} (the password) is not set`);
      }
      return { kind: "password", password: value };
    }
    case "prompt": {
      const password = await context.prompt(`Password for ${profile.email}: `);
      if (password === "") throw new InvalidArgumentError("no password given");
      return { kind: "password", password };
    }
    case "token-command": {
      const run = () => runTokenCommand(source.command, context);
      return { kind: "token", token: await run(), refresh: run };
    }
  }
}

/** Runs the OAuth token command through the shell; its trimmed stdout is the access token. */
export function runTokenCommand(
  command: string,
  context: Pick<SecretContext, "env" | "signal">,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      env: context.env,
      stdio: ["ignore", "pipe", "inherit"],
      timeout: TOKEN_COMMAND_TIMEOUT_MS,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_TOKEN_OUTPUT) child.kill();
      else chunks.push(chunk);
    });
    child.on("error", (error) => reject(new AuthError(`the token command could not run: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (size > MAX_TOKEN_OUTPUT) return reject(new AuthError("the token command printed more than 64 KiB"));
      if (code !== 0) {
        return reject(
          new AuthError(`the token command failed (${signal ? `signal ${signal}` : `exit ${code}`})`),
        );
      }
      const token = Buffer.concat(chunks).toString("utf8").trim();
      if (token === "" || /\s/.test(token)) {
        return reject(new AuthError("the token command printed no token (one line, no spaces, expected)"));
      }
      resolve(token);
    });
  });
}

/** Parses `--password-from` values: `prompt`, `env:NAME`, `command:CMD`. */
export function parseCredentialSource(value: string | undefined, fallbackEnv?: string): CredentialSource {
  if (value === undefined) return fallbackEnv ? { kind: "env", variable: fallbackEnv } : { kind: "prompt" };
  if (value === "prompt") return { kind: "prompt" };
  if (value.startsWith("env:") && value.length > 4) return { kind: "env", variable: value.slice(4) };
  if (value.startsWith("command:") && value.length > 8)
    return { kind: "token-command", command: value.slice(8) };
  throw new InvalidArgumentError(
    `--password-from takes prompt, env:NAME or command:CMD, not ${JSON.stringify(value)}`,
  );
}
