import type { Readable, Writable } from "node:stream";
import type { SendFunction } from "../adapters/adapter-options.js";
import type { Mailbox, ProtocolName } from "../mailbox.js";
import type { Secret } from "../profile/credentials.js";
import type { Profile, ServerEndpoint } from "../profile/profile.js";

// The adapters' type: the CLI hands its SMTP sender to IMAP/POP3 mailboxes through it.
export type { SendFunction };

// The CLI's seams: its streams and environment, and the backend that turns an address or a
// saved profile into a connected Mailbox. `node dist/cli.js` uses the library backend
// (autodiscover + protocol adapters); tests may hand in their own.

/** One protocol tried during connect, as the library reports it. */
export interface ConnectAttemptView {
  readonly protocol: ProtocolName;
  readonly endpoint?: string | undefined;
  readonly outcome: string;
  readonly step?: string | undefined;
  readonly errorCode?: string | undefined;
  readonly detail?: string | undefined;
  readonly durationMs?: number | undefined;
}

/** What autodiscover found, for display and for the profile. */
export interface DiscoveryView {
  readonly source?: { readonly method: string; readonly url?: string | undefined } | undefined;
  readonly trace: readonly {
    readonly method: string;
    readonly target: string;
    readonly outcome: string;
    readonly durationMs?: number | undefined;
    readonly statusCode?: number | undefined;
    readonly errorCode?: string | undefined;
    readonly detail?: string | undefined;
  }[];
  /** Endpoints per protocol, as URLs or host:port. */
  readonly endpoints: Partial<Record<ProtocolName | "smtp", string>>;
  /** The settings object to save in the profile (no credential in it). */
  readonly settings: unknown;
  /** SMTP submission server for IMAP/POP3 accounts. */
  readonly smtp?: ServerEndpoint | undefined;
  /** An https URL on the mailbox server to time a download from (link measurement). */
  readonly probeUrl?: string | undefined;
}

export interface ConnectRequest {
  readonly email: string;
  readonly username?: string | undefined;
  readonly domain?: string | undefined;
  readonly secret: Secret;
  readonly autodiscoverUrl?: string | undefined;
  readonly ca?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Protocols to try, in order (after link measurement and --protocol). */
  readonly order: readonly ProtocolName[];
  /** Sends for protocols without a send of their own (SMTP submission for IMAP/POP3). */
  readonly send?: SendFunction | undefined;
  /** Servers given by hand (`--imap`, `--pop3`, `--smtp`); without --autodiscover-url they replace autodiscover. */
  readonly manual?:
    | {
        readonly imap?: ServerEndpoint | undefined;
        readonly pop3?: ServerEndpoint | undefined;
        readonly smtp?: ServerEndpoint | undefined;
      }
    | undefined;
}

export interface ConnectOutcome {
  readonly mailbox: Mailbox;
  readonly attempts: readonly ConnectAttemptView[];
}

export interface OpenRequest {
  readonly profile: Profile;
  readonly secret: Secret;
  readonly ca?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly send?: SendFunction | undefined;
}

export interface MailboxBackend {
  /** Autodiscover only (shown before any protocol is tried). */
  discover(request: Omit<ConnectRequest, "order">): Promise<DiscoveryView>;
  /** Tries `order` on the discovered settings until one authenticates. */
  connect(request: ConnectRequest, discovery: DiscoveryView): Promise<ConnectOutcome>;
  /** Reconnects a saved profile (its protocol first, then the others unless forced). */
  open(request: OpenRequest): Promise<Mailbox>;
}

export interface CliEnvironment {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly env: NodeJS.ProcessEnv;
  readonly backend: MailboxBackend;
  /** Fires on Ctrl-C / SIGTERM. */
  readonly signal?: AbortSignal | undefined;
}
