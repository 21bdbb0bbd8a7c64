import {
  AuthError,
  ConnectionError,
  isMailwireError,
  type MailwireError,
  raceAbort,
  TimeoutError,
  TlsError,
  throwIfAborted,
} from "@mailwire/core";
import { Client, InvalidCredentialsError } from "ldapts";
import type { LdapDirectory, LdapEntry, LdapOpenOptions, LdapSession } from "./ldap-directory.js";

const DEFAULT_PORT = { "ldaps:": 636, "ldap:": 389 } as const;

function asStrings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => (Buffer.isBuffer(item) ? item.toString("utf8") : String(item)));
}

function toEntry(raw: Record<string, unknown> & { dn: string }): LdapEntry {
  const attributes: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name !== "dn") attributes[name.toLowerCase()] = asStrings(value);
  }
  return { dn: raw.dn, attributes };
}

/** Maps whatever ldapts or node:tls threw to a MailwireError; the message never holds the password. */
function mapError(error: unknown, url: URL, phase: string): MailwireError {
  if (isMailwireError(error)) return error;
  const where = `${url.protocol}//${url.host}`;
  if (error instanceof InvalidCredentialsError)
    return new AuthError(`LDAP bind to ${where} was rejected`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (/timeout/i.test(message))
    return new TimeoutError(`LDAP ${phase} to ${where} timed out`, { phase: `ldap-${phase}`, cause: error });
  if (
    typeof code === "string" &&
    (code.startsWith("ERR_TLS") || code.includes("CERT") || code.startsWith("ERR_SSL"))
  )
    return new TlsError(`TLS with ${where} failed: ${message}`, { cause: error });
  if (phase === "starttls")
    return new TlsError(`StartTLS with ${where} failed: ${message}`, { cause: error });
  if (typeof code === "string" || phase === "connect")
    return new ConnectionError(`LDAP connection to ${where} failed: ${message}`, { cause: error });
  return new ConnectionError(`LDAP ${phase} on ${where} failed: ${message}`, { cause: error });
}

/**
 * The default LdapDirectory, on ldapts (pure JavaScript, no install scripts). ldapts takes no
 * AbortSignal: an abort rejects at once and unbinds in the background; its own connect and
 * operation timeouts bound whatever is left of the socket.
 */
export const ldaptsDirectory: LdapDirectory = {
  async open(options: LdapOpenOptions): Promise<LdapSession> {
    const { url, signal } = options;
    throwIfAborted(signal);
    const protocol = url.protocol === "ldaps:" ? "ldaps:" : "ldap:";
    const port = url.port === "" ? DEFAULT_PORT[protocol] : Number(url.port);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    // node:tls checks the certificate against `host` (and sends SNI for a name, not an IP).
    const tlsOptions = { ...options.tls, host };
    const client = new Client({
      url: `${protocol}//${url.host.includes(":") ? url.host : `${url.host}:${port}`}`,
      connectTimeout: options.connectTimeoutMs,
      timeout: options.requestTimeoutMs,
      strictDN: false,
      ...(options.security === "tls" ? { tlsOptions } : {}),
    });
    const drop = () => {
      client.unbind().catch(() => undefined);
    };
    let phase = "connect";
    try {
      if (options.security === "starttls") {
        phase = "starttls";
        await raceAbort(client.startTLS(tlsOptions), signal);
      }
      phase = "bind";
      await raceAbort(client.bind(options.bindDn, options.password), signal);
    } catch (error) {
      drop();
      throw mapError(error, url, phase);
    }
    return {
      async search(base, search) {
        throwIfAborted(search.signal);
        try {
          const result = await raceAbort(
            client.search(base, {
              scope: search.scope,
              filter: search.filter,
              attributes: [...search.attributes],
              sizeLimit: search.sizeLimit,
            }),
            search.signal,
          );
          return result.searchEntries.slice(0, search.sizeLimit).map((entry) => toEntry(entry));
        } catch (error) {
          if (isMailwireError(error) && error.code === "MW_ABORTED") drop();
          throw mapError(error, url, "search");
        }
      },
      async close() {
        await client.unbind().catch(() => undefined);
      },
    };
  },
};
