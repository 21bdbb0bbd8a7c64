import { readFile } from "node:fs/promises";
import { InvalidArgumentError } from "@mailwire/core";
import { resolveSecret, type Secret } from "../profile/credentials.js";
import type { Profile } from "../profile/profile.js";
import type { ProfileStore } from "../profile/profile-store.js";
import { createSmtpSender } from "../smtp/smtp-sender.js";
import type { CliEnvironment, SendFunction } from "./environment.js";
import type { Output } from "./output.js";
import { promptSecret } from "./prompt.js";

/** Options every command takes. */
export interface GlobalOptions {
  readonly json: boolean;
  readonly profile?: string | undefined;
  readonly caFile?: string | undefined;
  /** Serve from the local store without trying the server. */
  readonly offline: boolean;
  readonly quiet: boolean;
}

export interface CommandContext {
  readonly env: CliEnvironment;
  readonly out: Output;
  readonly profiles: ProfileStore;
  readonly global: GlobalOptions;
  readonly signal: AbortSignal | undefined;
  /** Secrets seen in this run, so error text can be scrubbed of them. */
  readonly secrets: string[];
}

export async function readCa(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new InvalidArgumentError(`cannot read the CA file ${file}: ${(error as Error).message}`);
  }
}

export async function secretFor(context: CommandContext, profile: Profile): Promise<Secret> {
  const secret = await resolveSecret(profile.credential, profile, {
    env: context.env.env,
    prompt: (question) => promptSecret(question, context.env.stdin, context.env.stderr),
    signal: context.signal,
  });
  context.secrets.push(secret.kind === "password" ? secret.password : secret.token);
  return secret;
}

/** SMTP submission for the protocols that cannot send (the backend gives it to IMAP/POP3 only). */
export function smtpSendFunction(
  profile: Pick<Profile, "smtp" | "email" | "username">,
  secret: Secret,
  ca: string | undefined,
): SendFunction | undefined {
  if (profile.smtp === undefined) return undefined;
  const server = profile.smtp;
  return async (message, options) => {
    const sender = createSmtpSender({ server, username: profile.username ?? profile.email, secret, ca });
    try {
      await sender.send({ ...message, from: message.from ?? { address: profile.email } }, options);
    } finally {
      sender.close();
    }
  };
}
