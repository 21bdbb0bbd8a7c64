// The machine-readable result of one run (`--json`), also what the narrative is printed from.
// Never holds a password or a token: only user names, counts and error codes.

export interface FolderLine {
  path: string[];
  messageCount: number;
  unreadCount: number;
}

export interface NtlmSummary {
  username: string;
  domain: string;
  /** What whoami said: the account and the scheme the sim authenticated. */
  whoami: { username: string; email: string; scheme: string };
  /** Requests the demo made with the NTLM client (whoami, folders and the extra ones). */
  requests: number;
  /** The sim's counters for those requests (probe and handshake legs included). */
  serverRequests: number;
  connections: number;
  ntlmHandshakes: number;
  ntlmChallenges: number;
  ntlmFailures: number;
  /** Server policy during the run. */
  requireMic: boolean;
  channelBinding: string;
  folders: FolderLine[];
}

export interface BearerSummary {
  whoami: { username: string; scheme: string };
  requests: number;
  tokensIssued: number;
  bearerLogins: number;
  ntlmHandshakes: number;
}

export interface RefusalSummary {
  /** What was tried, in a few words. */
  check: string;
  /** The error's stable code, e.g. MW_AUTH_FAILED. */
  code: string;
  /** What proves the refusal happened where it should (e.g. "0 requests carried credentials"). */
  evidence: string;
}

export interface ImapSummary {
  greeting: string;
  capabilitiesBeforeTls: string[];
  tls: { protocol: string | null; cipher: string };
  mechanism: string;
  serverSignatureVerified: boolean;
  mailbox: string;
  exists: number;
  uidValidity: number | undefined;
  firstMessages: { uid: number; subject: string }[];
}

export interface Pop3Summary {
  tls: { protocol: string | null; cipher: string };
  mechanism: string;
  serverSignatureVerified: boolean;
  messages: number;
  octets: number;
}

export type DovecotSummary =
  | {
      available: true;
      host: string;
      username: string;
      imap: ImapSummary;
      pop3: Pop3Summary;
    }
  | { available: false; reason: string; installCommand: string };

export interface DemoSummary {
  ok: true;
  durationMs: number;
  exchange: {
    url: string;
    ntlm: NtlmSummary;
    bearer: BearerSummary;
    refusals: RefusalSummary[];
  };
  dovecot: DovecotSummary;
}

export interface DemoFailure {
  ok: false;
  error: { code: string; message: string };
}
