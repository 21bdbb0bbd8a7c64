// Through the module object, not a named import: diagnostics and benchmarks that wrap
// tls.createSecureContext (autodiscover's bench/profile.mjs counts contexts) then see ours too.
import nodeTls, { type SecureContext } from "node:tls";
import type { HttpTlsOptions } from "../types.js";

/**
 * node:tls builds a new SecureContext (an OpenSSL SSL_CTX, with the trusted roots parsed
 * again) for every `tls.connect` that is not handed one: 0.35 ms with Node's bundled roots,
 * 0.7 ms with one CA certificate, ~65 ms when `ca` is a whole CA bundle. Everything that goes
 * into it (trusted roots, client certificate and key) is fixed per client configuration, so
 * it is built once and passed to every connect as `secureContext`; what differs per connect
 * (servername, ALPN, session, host-name check, rejectUnauthorized) stays a connect option.
 */

/** The fields of HttpTlsOptions that go into the context; the rest are per-connect options. */
type ContextFields = Pick<HttpTlsOptions, "ca" | "cert" | "key" | "pfx" | "passphrase">;

interface Entry extends ContextFields {
  readonly context: SecureContext;
}

// Keyed by the caller's options object, so clients made from the same `tls` object share
// one context; an entry counts only while the fields are still the same values.
const byOptions = new WeakMap<HttpTlsOptions, Entry>();
/** No roots, certificate or key of the caller's: one context for the process. */
let plain: SecureContext | undefined;

function sameFields(entry: Entry, tls: HttpTlsOptions): boolean {
  return (
    entry.ca === tls.ca &&
    entry.cert === tls.cert &&
    entry.key === tls.key &&
    entry.pfx === tls.pfx &&
    entry.passphrase === tls.passphrase
  );
}

function toBuffer(value: string | Uint8Array): string | Buffer {
  return typeof value === "string" ? value : Buffer.from(value);
}

/** The context fields of `tls` in the shape node:tls expects (Uint8Array as Buffer). */
function contextOptions(tls: HttpTlsOptions): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (tls.ca !== undefined) {
    options.ca = Array.isArray(tls.ca)
      ? (tls.ca as ReadonlyArray<string | Uint8Array>).map(toBuffer)
      : toBuffer(tls.ca as string | Uint8Array);
  }
  if (tls.cert !== undefined) options.cert = toBuffer(tls.cert);
  if (tls.key !== undefined) options.key = toBuffer(tls.key);
  if (tls.pfx !== undefined) options.pfx = Buffer.from(tls.pfx);
  if (tls.passphrase !== undefined) options.passphrase = tls.passphrase;
  return options;
}

function build(tls: HttpTlsOptions): SecureContext {
  return nodeTls.createSecureContext(contextOptions(tls));
}

/**
 * The SecureContext for this TLS configuration, built on first use and then shared; or
 * undefined when it cannot be built (a malformed key or certificate, a wrong passphrase):
 * then each connect builds its own as before and fails with node's error, which the
 * transport reports as a TlsError for that request.
 */
export function sharedSecureContext(tls: HttpTlsOptions): SecureContext | undefined {
  try {
    if (
      tls.ca === undefined &&
      tls.cert === undefined &&
      tls.key === undefined &&
      tls.pfx === undefined &&
      tls.passphrase === undefined
    ) {
      plain ??= nodeTls.createSecureContext({});
      return plain;
    }
    const entry = byOptions.get(tls);
    if (entry !== undefined && sameFields(entry, tls)) return entry.context;
    const context = build(tls);
    byOptions.set(tls, {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      pfx: tls.pfx,
      passphrase: tls.passphrase,
      context,
    });
    return context;
  } catch {
    return undefined;
  }
}

/**
 * The TLS options every connect of a client starts from, on either engine (undici's
 * buildConnector and the node engine's connector both hand them to tls.connect): the shared
 * context, or when none could be built its fields, so each connect builds its own and fails
 * with node's error, reported per request (tls.connect reads the fields only when it is not
 * handed a context).
 */
export function tlsConnectOptions(tls: HttpTlsOptions): Record<string, unknown> {
  const secureContext = sharedSecureContext(tls);
  return {
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
    ...(secureContext !== undefined ? { secureContext } : contextOptions(tls)),
  };
}
