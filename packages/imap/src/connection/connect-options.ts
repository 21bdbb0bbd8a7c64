import type { Logger, TokenProvider } from "@mailwire/core";

/**
 * How the connection is protected.
 * - `implicit`: TLS from the first byte (RFC 8314 §3.3, port 993). Default.
 * - `starttls`: plaintext greeting, then STARTTLS is required (RFC 9051 §6.2.1, port 143). A server
 *   that does not offer it, or refuses it, is not used.
 * - `none`: plaintext. Only when the caller asks for it; passwords and tokens still stay off the
 *   wire unless `allowInsecureAuth` is also set.
 */
export type ImapTlsMode = "implicit" | "starttls" | "none";

/** Certificate verification settings, as core's socket transport names them. */
export interface ImapTlsOptions {
  /** Trusted CA certificates (PEM) in addition to, or instead of, Node's bundle. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /** Name the certificate must carry (SNI too); defaults to `host`. */
  readonly servername?: string | undefined;
  /** Defaults to true. Setting false makes the connection as trustworthy as plaintext. */
  readonly rejectUnauthorized?: boolean | undefined;
  readonly cert?: string | Buffer | undefined;
  readonly key?: string | Buffer | undefined;
  readonly minVersion?: "TLSv1.2" | "TLSv1.3" | undefined;
}

export interface ImapPasswordAuth {
  readonly username: string;
  readonly password: string;
  /** SASL authorization identity (act as another user): PLAIN and SCRAM only. */
  readonly authorizationId?: string | undefined;
}

export interface ImapTokenAuth {
  readonly username: string;
  /** Asked for a token per login; `forceRefresh: true` once after the server rejected one. */
  readonly tokenProvider: TokenProvider;
}

export type ImapAuth = ImapPasswordAuth | ImapTokenAuth;

/** Per-phase time limits in milliseconds. */
export interface ImapTimeouts {
  /** TCP connect and TLS handshake together. Default 30 s. */
  readonly connectMs?: number | undefined;
  /** From connected to the server's greeting. Default 15 s. */
  readonly greetingMs?: number | undefined;
  /** A socket with no traffic for this long is dead. Default 5 min (longer than an IDLE refresh). */
  readonly socketMs?: number | undefined;
}

export interface ImapConnectOptions {
  readonly host: string;
  /** Defaults to 993 for `implicit`, 143 otherwise. */
  readonly port?: number | undefined;
  /** Defaults to `starttls` on port 143 and `implicit` everywhere else. */
  readonly tls?: ImapTlsMode | undefined;
  readonly tlsOptions?: ImapTlsOptions | undefined;
  readonly auth: ImapAuth;
  /** Consider only these SASL mechanisms, in this order (e.g. `["NTLM"]`). */
  readonly mechanisms?: readonly string[] | undefined;
  /** Allow PLAIN/LOGIN/XOAUTH2/OAUTHBEARER and IMAP LOGIN on an unencrypted connection. */
  readonly allowInsecureAuth?: boolean | undefined;
  /** Sent with the RFC 2971 ID command, only once the connection is encrypted. */
  readonly clientInfo?: Readonly<Record<string, string>> | undefined;
  readonly timeouts?: ImapTimeouts | undefined;
  /** Receives imapflow's protocol log, with credentials redacted. Quiet by default. */
  readonly logger?: Logger | undefined;
  /** Cancels the connection attempt. */
  readonly signal?: AbortSignal | undefined;
  /** Overall limit for connect + login. */
  readonly timeoutMs?: number | undefined;
  /** Use QRESYNC (RFC 7162 §3.2) when offered: expunges then carry UIDs. Default true. */
  readonly qresync?: boolean | undefined;
}

export function isTokenAuth(auth: ImapAuth): auth is ImapTokenAuth {
  return "tokenProvider" in auth;
}
