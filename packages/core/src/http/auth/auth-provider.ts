/**
 * A pluggable HTTP authentication scheme. The built-in Basic, Bearer and NTLM providers
 * implement it; a Negotiate/Kerberos provider (backed by whatever GSS-API binding the
 * application has, mailwire ships none) plugs in through `authProviders` the same way:
 *
 * ```ts
 * const negotiate: AuthProvider = {
 *   scheme: "Negotiate",
 *   connectionBound: true,
 *   createSession: ({ url }) => {
 *     const context = gss.initSecContext(`HTTP@${url.hostname}`);
 *     return { next: (serverToken) => context.step(serverToken) }; // base64 in, base64 out
 *   },
 * };
 * ```
 */
export interface AuthProvider {
  /** The scheme word in WWW-Authenticate and Authorization, e.g. "Negotiate"; compared case-insensitively. */
  readonly scheme: string;
  /**
   * True when a successful handshake authenticates the TCP connection itself (NTLM,
   * Negotiate): the handshake legs stay on one connection, and later requests on that
   * connection go out without any Authorization header.
   */
  readonly connectionBound: boolean;
  /**
   * Complete attempts allowed per request. More than 1 only makes sense when a later
   * attempt uses a different secret (Bearer asks for a fresh token); a password is
   * never tried twice. Default 1.
   */
  readonly maxAttempts?: number | undefined;
  /** Refuse this scheme over plain http:// unless the client allows insecure auth (Basic, Bearer). */
  readonly requiresSecureTransport?: boolean | undefined;
  createSession(context: AuthContext): AuthSession;
}

export interface AuthContext {
  readonly url: URL;
  /** 0 for the first attempt; 1 after the server rejected attempt 0, and so on. */
  readonly attempt: number;
  /**
   * The server certificate (DER) of the connection the handshake runs on, for channel
   * binding (RFC 5929 tls-server-end-point). Read it when building the response to a
   * challenge: before the first leg the connection may not be open yet.
   */
  peerCertificate(): Uint8Array | undefined;
  readonly signal: AbortSignal | undefined;
}

/** One authentication attempt: a sequence of legs until the server accepts or refuses. */
export interface AuthSession {
  /**
   * The token for the next Authorization header (after the scheme word), given the token
   * of the server's latest challenge (undefined on the first leg).
   */
  next(serverToken: string | undefined): Promise<string> | string;
}
