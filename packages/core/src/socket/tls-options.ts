import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { TlsError } from "../errors/error-classes.js";
import { MailwireError } from "../errors/mailwire-error.js";

/** TLS settings for implicit TLS and STARTTLS. Verification is on unless explicitly turned off. */
export interface SocketTlsOptions {
  /** Trusted CA certificates (PEM) replacing Node's bundled roots, e.g. a company CA. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer> | undefined;
  /** Client certificate chain (PEM), for servers that require one. */
  cert?: string | Buffer | undefined;
  /** Private key (PEM) for `cert`. Never logged. */
  key?: string | Buffer | undefined;
  /** Passphrase for an encrypted `key`. Never logged. */
  passphrase?: string | undefined;
  /**
   * Refuse certificates that do not chain to a trusted CA or do not name the server. Default
   * true; false is for test servers only and makes every connection open to interception.
   */
  rejectUnauthorized?: boolean | undefined;
  /**
   * Name sent in SNI and matched against the certificate. Defaults to the host when that is
   * a name (RFC 6066 §3 forbids IP addresses in SNI; an IP host is matched against IP SANs).
   */
  servername?: string | undefined;
  /** Oldest protocol accepted. Default TLSv1.2: RFC 8996 deprecates 1.0 and 1.1. */
  minVersion?: "TLSv1.2" | "TLSv1.3" | undefined;
}

export const DEFAULT_MIN_TLS_VERSION = "TLSv1.2";

/** Node's options for tls.connect, with our defaults and nothing the caller did not set. */
export function nodeTlsOptions(options: SocketTlsOptions, host: string | undefined): ConnectionOptions {
  const servername = options.servername ?? (host && isIP(host) === 0 ? host : undefined);
  const out: ConnectionOptions = {
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    minVersion: options.minVersion ?? DEFAULT_MIN_TLS_VERSION,
  };
  // tls.connect checks the certificate against servername, else host.
  if (host !== undefined) out.host = host;
  if (servername !== undefined) out.servername = servername;
  if (options.ca !== undefined) out.ca = options.ca as ConnectionOptions["ca"];
  if (options.cert !== undefined) out.cert = options.cert;
  if (options.key !== undefined) out.key = options.key;
  if (options.passphrase !== undefined) out.passphrase = options.passphrase;
  return out;
}

/**
 * A handshake or verification failure as TlsError MW_TLS. The reason is Node's/OpenSSL's
 * code (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID, CERT_HAS_EXPIRED...) and
 * its message, which name certificates and hosts, never key material.
 */
export function toTlsError(error: unknown, host: string | undefined): MailwireError {
  if (error instanceof MailwireError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = typeof code === "string" ? code : "HANDSHAKE_FAILED";
  const text = error instanceof Error ? error.message : String(error);
  return new TlsError(`TLS with ${host ?? "the server"} failed: ${text} (${reason})`, {
    cause: error,
    details: { reason, host },
  });
}
