import {
  connect,
  deadline,
  ErrorCode,
  InvalidArgumentError,
  type LineConnection,
  TlsError,
} from "@mailwire/core";
import { authenticate } from "./auth/authenticate.js";
import { chooseAuthMethod } from "./auth/choose-auth-method.js";
import { isTokenAuth } from "./auth/pop3-auth.js";
import { Pop3Client } from "./client.js";
import { extractApopTimestamp } from "./codec/apop.js";
import { LEGACY_CAPABILITIES, type Pop3Capabilities, parseCapabilities } from "./codec/capabilities.js";
import { Pop3Limits } from "./codec/limits.js";
import { CommandChannel, type Pop3CallOptions } from "./command-channel.js";
import type { Pop3ConnectOptions, Pop3TlsMode } from "./connect-options.js";
import { publishSession } from "./diagnostics.js";
import { errorFromStatus } from "./errors.js";

const POP3_PORT = 110;
const POP3S_PORT = 995;

/**
 * Connects, secures and logs in; resolves with a session in TRANSACTION state.
 *
 * 1. TCP, with TLS at once for `implicit` (RFC 8314).
 * 2. Greeting (RFC 1939 §4); its APOP timestamp is kept.
 * 3. CAPA (RFC 2449 §5); for `starttls` STLS must be listed, else TlsError
 *    MW_STARTTLS_UNAVAILABLE - a server that hides STLS may be an attacker stripping it.
 * 4. STLS (RFC 2595 §4): core drops every byte sent before the handshake (a server that sends
 *    any is refused with MW_STARTTLS_INJECTION); then CAPA again, since the first answer was
 *    unauthenticated (RFC 2595 §4).
 * 5. One login attempt with the strongest method both sides allow; never a second attempt.
 * 6. CAPA again: RFC 2449 §5 lets it change after login (per-user LOGIN-DELAY, EXPIRE).
 */
export async function connectPop3(options: Pop3ConnectOptions): Promise<Pop3Client> {
  const mode = tlsMode(options);
  const port = options.port ?? (mode === "implicit" ? POP3S_PORT : POP3_PORT);
  checkAuth(options);
  const window = options.pipelineWindow ?? Pop3Limits.defaultPipelineWindow;
  if (!Number.isSafeInteger(window) || window < 1 || window > Pop3Limits.maxPipelineWindow) {
    throw new InvalidArgumentError(`pipelineWindow must be from 1 to ${Pop3Limits.maxPipelineWindow}`);
  }
  const overall = deadline({ signal: options.signal, timeoutMs: options.timeoutMs, phase: "pop3-connect" });
  let connection: LineConnection | undefined;
  try {
    connection = await connect({
      host: options.host,
      port,
      secure: mode === "implicit",
      tls: options.tlsOptions,
      timeouts: options.timeouts,
      maxLineLength: Pop3Limits.maxLineLength,
      logger: options.logger,
      lookup: options.lookup,
      // TLS decrypts into one reused buffer instead of a fresh 16 KB one per record: in a bulk
      // download those buffers were half the allocation and most of the garbage collection.
      reuseReadBuffer: true,
      signal: overall.signal,
    });
    const channel = new CommandChannel(connection);
    const call: Pop3CallOptions = { signal: overall.signal };

    const greetingStatus = await channel.readStatus(call);
    if (!greetingStatus.ok) throw errorFromStatus(greetingStatus, { command: "greeting" });
    const greeting = greetingStatus.text;
    let capa = await capabilities(channel, call);

    if (mode === "starttls" || (mode === "opportunistic" && capa.capabilities.stls)) {
      if (!capa.capabilities.stls) {
        throw new TlsError(
          "The server does not offer STLS (RFC 2595), and tls is 'starttls'. An attacker can remove STLS " +
            "from CAPA; use tls: 'implicit' (port 995) or, on a trusted network only, 'opportunistic'.",
          { code: ErrorCode.STARTTLS_UNAVAILABLE, details: { host: options.host, port } },
        );
      }
      const status = await channel.readStatusAfter("STLS", call);
      if (!status.ok) {
        throw new TlsError(`The server refused STLS: ${status.text.slice(0, 200)}`, {
          code: ErrorCode.STARTTLS_UNAVAILABLE,
          details: { host: options.host, port, responseCode: status.responseCode },
        });
      }
      await connection.upgradeToTls({ signal: overall.signal });
      capa = await capabilities(channel, call);
    }

    if (options.utf8 && capa.capabilities.utf8) {
      await channel.command("UTF8", { command: "UTF8" }, call);
    }

    const apopTimestamp = extractApopTimestamp(greeting);
    const method = chooseAuthMethod({
      auth: options.auth,
      capabilities: capa.capabilities,
      capaSupported: capa.supported,
      apopTimestamp,
      transportEncrypted: connection.encrypted,
      allowInsecureAuth: options.allowInsecureAuth,
      mechanisms: options.mechanisms,
    });
    await authenticate(channel, {
      ...call,
      method,
      auth: options.auth,
      capabilities: capa.capabilities,
      apopTimestamp,
      transportEncrypted: connection.encrypted,
      allowInsecureAuth: options.allowInsecureAuth,
      initialResponse: options.saslInitialResponse,
      saslOptions: { ...options.sasl, host: options.host, port },
    });
    if (capa.supported) capa = await capabilities(channel, call, capa.capabilities);
    const encrypted = connection.encrypted;
    publishSession(() => ({ host: options.host, port, tls: mode, ok: true, method, encrypted }));

    return new Pop3Client(connection, {
      greeting,
      capabilities: capa.capabilities,
      method,
      pipelineWindow: window,
    });
  } catch (error) {
    connection?.destroy();
    const code = (error as { code?: unknown } | undefined)?.code;
    publishSession(() => ({ host: options.host, port, tls: mode, ok: false, code }));
    throw error;
  } finally {
    overall.dispose();
  }
}

/**
 * CAPA. A server that answers -ERR predates RFC 2449: it gets the RFC 1939 defaults (and,
 * after login, keeps what it said before).
 */
async function capabilities(
  channel: CommandChannel,
  call: Pop3CallOptions,
  fallback: Pop3Capabilities = LEGACY_CAPABILITIES,
): Promise<{ capabilities: Pop3Capabilities; supported: boolean }> {
  const status = await channel.readStatusAfter("CAPA", call);
  if (!status.ok) return { capabilities: fallback, supported: false };
  const lines: string[] = [];
  for await (const line of channel.readBodyLines(call)) {
    if (lines.length >= Pop3Limits.maxCapabilities) continue; // parseCapabilities reports it
    lines.push(line);
  }
  return { capabilities: parseCapabilities(lines), supported: true };
}

function tlsMode(options: Pop3ConnectOptions): Pop3TlsMode {
  const mode = options.tls ?? (options.port === POP3_PORT ? "starttls" : "implicit");
  if (!["implicit", "starttls", "opportunistic", "none"].includes(mode)) {
    throw new InvalidArgumentError(
      `tls must be implicit, starttls, opportunistic or none, got ${String(mode)}`,
    );
  }
  return mode;
}

function checkAuth(options: Pop3ConnectOptions): void {
  const auth = options.auth as unknown as Partial<Record<string, unknown>> | undefined;
  if (!auth || typeof auth.username !== "string" || auth.username.length === 0) {
    throw new InvalidArgumentError("auth.username is required");
  }
  const hasPassword = typeof auth.password === "string";
  const hasToken = typeof auth.tokenProvider === "function";
  if (hasPassword === hasToken) {
    throw new InvalidArgumentError("auth needs exactly one of password or tokenProvider");
  }
  if (isTokenAuth(options.auth) && options.mechanisms?.some((name) => /^(APOP|USER)$/i.test(name))) {
    throw new InvalidArgumentError("APOP and USER need a password, not a token");
  }
}
