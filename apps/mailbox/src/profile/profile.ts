import type { ProtocolName } from "../mailbox.js";

// A saved account, like a MAPI profile (the Mail control panel's): who, which protocol won, the
// endpoints autodiscover found and how to get the secret. No password unless the user asked
// (`--save-password`); otherwise it names where the secret comes from at each run.

/** Where the secret comes from when a command needs it. */
export type CredentialSource =
  /** Ask on the terminal (no echo), or read one line from a piped stdin. */
  | { readonly kind: "prompt" }
  /** An environment variable holding the password. */
  | { readonly kind: "env"; readonly variable: string }
  /** A command that prints an OAuth access token (Bearer for HTTP, XOAUTH2 for IMAP/POP3/SMTP). */
  | { readonly kind: "token-command"; readonly command: string }
  /** Saved in the profile because the user asked (`--save-password`). */
  | { readonly kind: "saved" };

export interface ServerEndpoint {
  readonly host: string;
  readonly port: number;
  readonly encryption: "tls" | "starttls" | "none";
}

/** The three send/receive schedules of the Exchange POP3/IMAP4 guidance: at start, manual, every N minutes. */
export type SendReceiveSchedule =
  | { readonly kind: "at-start" }
  | { readonly kind: "manual" }
  | { readonly kind: "every"; readonly minutes: number };

export interface Profile {
  readonly version: 1;
  readonly name: string;
  readonly email: string;
  /** Login name when it differs from the address (e.g. a SAM name); NTLM domain. */
  readonly username?: string | undefined;
  readonly domain?: string | undefined;
  /** The protocol that connected, used first next time. */
  readonly protocol: ProtocolName;
  /** Whether the protocol was forced (`--protocol`): then no fallback to others. */
  readonly forced: boolean;
  /** Where to start autodiscover (an https origin) when the domain's own DNS cannot be used. */
  readonly autodiscoverUrl?: string | undefined;
  /** Autodiscover's result as connect received it (endpoints only, never a credential). */
  readonly settings?: unknown;
  /** SMTP submission host for IMAP/POP3 accounts (from autodiscover, or --smtp). */
  readonly smtp?: ServerEndpoint | undefined;
  /** PEM file of extra trusted CAs (a test server, a private CA). A path, not the bytes. */
  readonly caFile?: string | undefined;
  readonly credential: CredentialSource;
  /** Present only with `credential.kind === "saved"`. */
  readonly password?: string | undefined;
  /** Cached mode (Outlook's default): a local store serves reads when the server cannot. */
  readonly cached: boolean;
  readonly schedule: SendReceiveSchedule;
  /** The last link measurement, in kbit/s, and whether it counted as slow. */
  readonly link?:
    | { readonly kbps: number | null; readonly slow: boolean; readonly measuredAt: string }
    | undefined;
  readonly createdAt: string;
}

/** A profile as shown to the user (`mailbox profile`, `--json`): the password never appears. */
export function publicProfile(profile: Profile): Omit<Profile, "password"> & { passwordSaved: boolean } {
  const { password, ...rest } = profile;
  return { ...rest, passwordSaved: password !== undefined };
}
