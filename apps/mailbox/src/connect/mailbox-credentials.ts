import type { HttpCredentials, TokenProvider } from "@mailwire/core";

/**
 * One account's login, for every protocol. Never stored by this package, never put in an
 * error or a log.
 */
export interface MailboxCredentials {
  /** The login name: `alice@contoso.com`, `CONTOSO\alice`, or `alice` with `domain`. */
  readonly username: string;
  readonly password?: string | undefined;
  /** NTLM domain (HTTP protocols) when `username` carries none. */
  readonly domain?: string | undefined;
  /** OAuth 2.0 bearer tokens (Exchange Online): HTTP Bearer, IMAP/POP3 OAUTHBEARER/XOAUTH2. */
  readonly tokenProvider?: TokenProvider | undefined;
}

export function httpCredentials(credentials: MailboxCredentials): HttpCredentials {
  return {
    username: credentials.username,
    password: credentials.password,
    domain: credentials.domain,
    tokenProvider: credentials.tokenProvider,
  };
}

/** IMAP/POP3 auth: a token when there is a provider, else the password. */
export function saslAuth(
  credentials: MailboxCredentials,
  username: string,
): { username: string; password: string } | { username: string; tokenProvider: TokenProvider } {
  if (credentials.tokenProvider) return { username, tokenProvider: credentials.tokenProvider };
  return { username, password: credentials.password ?? "" };
}
