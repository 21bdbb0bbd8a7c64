import type { TokenProvider } from "../auth/token-provider.js";
/**
 * The client half of one SASL authentication attempt (RFC 4422), independent of the
 * protocol that frames it. IMAP (AUTHENTICATE, RFC 9051 §6.2.2 / SASL-IR RFC 4959) and
 * POP3 (AUTH, RFC 5034) base64-encode these bytes on their own lines, send `=` for an
 * empty initial response and `*` to cancel; none of that framing lives here.
 *
 * A mechanism object is single-use: create one per attempt, never reuse it after a
 * failure (SCRAM nonces and NTLM state must not be replayed).
 */
export interface SaslMechanism {
  /** The registered mechanism name, upper case, as it appears in AUTH= / SASL capabilities. */
  readonly name: SaslMechanismName;
  /**
   * True when the client speaks first (RFC 4422 §3.3 "client-first"). The first call to
   * `respond` then produces the initial response; a protocol without an initial-response
   * slot gets an empty challenge from the server first and passes that in.
   */
  readonly clientFirst: boolean;
  /**
   * True when the bytes on the wire carry a secret an eavesdropper could replay: a
   * password (PLAIN, LOGIN) or a bearer token (XOAUTH2, OAUTHBEARER). The selection
   * policy refuses these over an unencrypted transport.
   */
  readonly exposesReusableSecret: boolean;
  /**
   * Answers one server challenge (already base64-decoded). Throws AuthError when the
   * server cannot be trusted (bad SCRAM signature, weak iteration count) and ProtocolError
   * or ParseError when the challenge is malformed; the driver then cancels the exchange.
   */
  respond(challenge: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /**
   * Called once the server reports success, with the "additional data with success" if
   * the protocol carried any (RFC 4422 §5 step 6). Mechanisms that authenticate the
   * server (SCRAM) throw AuthError when its proof is wrong or never arrived.
   */
  verifyServerFinal(additionalData: Uint8Array | undefined): void;
  /**
   * What the server said about a failure, as safe data for AuthError details (for example
   * the OAuth error JSON's `status`). Never contains the password or token.
   */
  failureDetails(): Readonly<Record<string, unknown>>;
  /**
   * Replaces this attempt's password or token (and their base64/hex forms) in server text
   * with a marker, so a server that echoes a secret cannot carry it into an error or log.
   */
  redact(text: string): string;
}

/** The mechanism names this layer implements, with their registry spelling. */
export const SaslMechanismName = {
  PLAIN: "PLAIN",
  LOGIN: "LOGIN",
  CRAM_MD5: "CRAM-MD5",
  SCRAM_SHA_1: "SCRAM-SHA-1",
  SCRAM_SHA_256: "SCRAM-SHA-256",
  XOAUTH2: "XOAUTH2",
  OAUTHBEARER: "OAUTHBEARER",
  NTLM: "NTLM",
} as const;

export type SaslMechanismName = (typeof SaslMechanismName)[keyof typeof SaslMechanismName];

/** Returns the bearer token to send; called once per attempt so a refreshed token is used. */

/** A user name and password. */
export interface SaslPasswordCredentials {
  readonly kind: "password";
  readonly username: string;
  readonly password: string;
  /** Act as this identity instead (SASL authorization identity); PLAIN and SCRAM only. */
  readonly authorizationId?: string | undefined;
}

/** A user name and an OAuth 2.0 access token source. */
export interface SaslOAuthCredentials {
  readonly kind: "oauth2";
  readonly username: string;
  readonly token: TokenProvider;
}

export type SaslCredentials = SaslPasswordCredentials | SaslOAuthCredentials;

export const EMPTY_RESPONSE: Uint8Array = new Uint8Array(0);
