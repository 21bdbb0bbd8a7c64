import type { ConnectionOptions } from "node:tls";
import { InvalidArgumentError } from "@mailwire/core";
import type { ImapConnectOptions, ImapTlsMode } from "./connect-options.js";

/** RFC 8314 §7.3 (imaps) and RFC 9051 §2.1 (imap). */
export const ImapPort = { IMAPS: 993, IMAP: 143 } as const;

export interface ResolvedTransport {
  readonly mode: ImapTlsMode;
  readonly port: number;
  /** imapflow's switches: `secure` for implicit TLS, `doSTARTTLS` true = required, false = never. */
  readonly secure: boolean;
  readonly doSTARTTLS: boolean | undefined;
  readonly servername: string | undefined;
  readonly tls: ConnectionOptions;
}

/**
 * Turns mailwire's TLS policy into imapflow options. imapflow's own default (no `doSTARTTLS`)
 * is opportunistic: it stays in plaintext when the server hides STARTTLS, which an attacker who
 * strips the capability can force (RFC 9051 §11.1 warns of exactly this). mailwire never uses
 * that mode: STARTTLS is either required or explicitly not wanted.
 */
export function resolveTransport(options: ImapConnectOptions): ResolvedTransport {
  const mode: ImapTlsMode = options.tls ?? (options.port === ImapPort.IMAP ? "starttls" : "implicit");
  if (mode !== "implicit" && mode !== "starttls" && mode !== "none") {
    throw new InvalidArgumentError(`Unknown tls mode ${JSON.stringify(mode)}`, { details: { tls: mode } });
  }
  const port = options.port ?? (mode === "implicit" ? ImapPort.IMAPS : ImapPort.IMAP);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError(`Invalid port ${String(port)}`, { details: { port } });
  }
  const tlsOptions = options.tlsOptions ?? {};
  const tls: ConnectionOptions = {
    // Verified unless the caller explicitly says otherwise.
    rejectUnauthorized: tlsOptions.rejectUnauthorized ?? true,
    minVersion: tlsOptions.minVersion ?? "TLSv1.2",
  };
  if (tlsOptions.ca !== undefined) tls.ca = tlsOptions.ca as ConnectionOptions["ca"];
  if (tlsOptions.cert !== undefined) tls.cert = tlsOptions.cert;
  if (tlsOptions.key !== undefined) tls.key = tlsOptions.key;
  return {
    mode,
    port,
    secure: mode === "implicit",
    doSTARTTLS: mode === "starttls" ? true : mode === "none" ? false : undefined,
    servername: tlsOptions.servername,
    tls,
  };
}
