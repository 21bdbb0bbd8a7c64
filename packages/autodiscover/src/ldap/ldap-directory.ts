import type { ConnectionOptions } from "node:tls";

/** How the LDAP session is protected before the bind sends the password. */
export type LdapSecurity = "tls" | "starttls" | "none";

export interface LdapOpenOptions {
  /** `ldaps://` or `ldap://`, host and port only. */
  url: URL;
  /** "tls" for ldaps://, "starttls" (RFC 4513 3.1.1) or "none" (only when the caller allowed it). */
  security: LdapSecurity;
  /** Simple bind (RFC 4513 5.1.3). */
  bindDn: string;
  password: string;
  /** CA, client certificate, servername... for the TLS handshake (ldaps or StartTLS). */
  tls?: ConnectionOptions | undefined;
  connectTimeoutMs: number;
  /** Per LDAP operation. */
  requestTimeoutMs: number;
  signal: AbortSignal;
}

/** One search result entry, attribute names as the server spelled them. */
export interface LdapEntry {
  dn: string;
  attributes: Readonly<Record<string, readonly string[]>>;
}

export interface LdapSearchOptions {
  scope: "base" | "sub";
  filter: string;
  attributes: readonly string[];
  /** Most entries the server should send (RFC 4511 4.5.1.4 sizeLimit). */
  sizeLimit: number;
  signal: AbortSignal;
}

/** A bound LDAP session. */
export interface LdapSession {
  search(base: string, options: LdapSearchOptions): Promise<LdapEntry[]>;
  close(): Promise<void>;
}

/**
 * What the SCP method needs from LDAP. The default uses ldapts; replace it for split-DNS
 * networks (map a directory name to the address to dial), SASL/Kerberos binds, or tests.
 * Implementations must reject with a MailwireError (AuthError, TlsError, ConnectionError,
 * TimeoutError, AbortError) and never put the password in an error.
 */
export interface LdapDirectory {
  open(options: LdapOpenOptions): Promise<LdapSession>;
}
