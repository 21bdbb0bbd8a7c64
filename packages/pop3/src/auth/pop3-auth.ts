import type { TokenProvider } from "@mailwire/core";

/** A user name and password: APOP, USER/PASS, or a password SASL mechanism. */
export interface Pop3PasswordAuth {
  readonly username: string;
  readonly password: string;
  /** SASL authorization identity (act as this user); PLAIN and SCRAM only. */
  readonly authorizationId?: string | undefined;
}

/** A user name and an OAuth 2.0 access token source: XOAUTH2 or OAUTHBEARER. */
export interface Pop3TokenAuth {
  readonly username: string;
  /** Called once per attempt, so a refreshed token is used. */
  readonly tokenProvider: TokenProvider;
}

export type Pop3Auth = Pop3PasswordAuth | Pop3TokenAuth;

/**
 * The ways a POP3 client can log in: the two RFC 1939 commands plus every SASL mechanism core
 * implements (RFC 5034 AUTH). Listed strongest first for each credential kind.
 */
export const Pop3AuthMethod = {
  SCRAM_SHA_256: "SCRAM-SHA-256",
  SCRAM_SHA_1: "SCRAM-SHA-1",
  NTLM: "NTLM",
  CRAM_MD5: "CRAM-MD5",
  /** RFC 1939 §7: MD5 over the greeting timestamp and the password; the password stays off the wire. */
  APOP: "APOP",
  PLAIN: "PLAIN",
  LOGIN: "LOGIN",
  /** RFC 1939 §7 USER/PASS: the password in the clear on the wire. */
  USER: "USER",
  OAUTHBEARER: "OAUTHBEARER",
  XOAUTH2: "XOAUTH2",
} as const;

export type Pop3AuthMethod = (typeof Pop3AuthMethod)[keyof typeof Pop3AuthMethod];

export function isTokenAuth(auth: Pop3Auth): auth is Pop3TokenAuth {
  return "tokenProvider" in auth;
}
