import type { LookupFunction } from "node:net";
import type { Logger, SaslMechanismOptions, SocketTimeouts, SocketTlsOptions } from "@mailwire/core";
import type { Pop3Auth } from "./auth/pop3-auth.js";

/**
 * How the connection is protected.
 * - `implicit`: TLS from the first byte (port 995, RFC 8314 §3.3; the preferred way).
 * - `starttls`: plaintext, then STLS (RFC 2595 §4) before anything else; refused if the server
 *   does not offer it. The default on port 110.
 * - `opportunistic`: STLS when offered, else plaintext. An attacker on the path can strip STLS
 *   from CAPA; only for servers on a trusted network.
 * - `none`: plaintext throughout. Passwords still stay off the wire unless allowInsecureAuth.
 */
export type Pop3TlsMode = "implicit" | "starttls" | "opportunistic" | "none";

export interface Pop3ConnectOptions {
  host: string;
  /** Default 995 for implicit TLS, 110 otherwise. */
  port?: number | undefined;
  /** Default `implicit`, or `starttls` when port is 110. */
  tls?: Pop3TlsMode | undefined;
  /** Certificate verification and client certificates, for implicit TLS and STLS alike. */
  tlsOptions?: SocketTlsOptions | undefined;
  auth: Pop3Auth;
  /**
   * Only these login methods, in this order (APOP, USER, or SASL names such as SCRAM-SHA-256,
   * NTLM, XOAUTH2). Default: the strongest the server offers.
   */
  mechanisms?: readonly string[] | undefined;
  /** Permit methods that send the password or token in the clear on an unencrypted connection. */
  allowInsecureAuth?: boolean | undefined;
  /** Send SASL initial responses on the AUTH line when they fit (RFC 5034 §4). Default true. */
  saslInitialResponse?: boolean | undefined;
  /** NTLM domain/workstation and the like, for core's SASL mechanisms. */
  sasl?: Pick<SaslMechanismOptions, "ntlm" | "scramMinIterations" | "scramMaxIterations"> | undefined;
  /** Enter UTF-8 mode (RFC 6856 §2) before login when the server offers UTF8. Default false. */
  utf8?: boolean | undefined;
  /** Commands in flight for bulk calls when the server offers PIPELINING. Default 32. */
  pipelineWindow?: number | undefined;
  /** Per-phase timeouts of the socket (connect, tls, greeting, response, idle, write, close). */
  timeouts?: SocketTimeouts | undefined;
  /** Bounds the whole of connectPop3: TCP, TLS, greeting, STLS, CAPA and login. */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Receives the protocol log (credentials redacted) at debug level. */
  logger?: Logger | undefined;
  /** Name resolution, as net.connect's `lookup`. */
  lookup?: LookupFunction | undefined;
}
