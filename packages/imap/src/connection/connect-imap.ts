import { deadline, isMailwireError, raceAbort, throwIfAborted } from "@mailwire/core";
import { ImapFlow, type ImapFlowOptions } from "imapflow";
import { type ImapLoginMethod, installAuthenticateHook } from "../auth/authenticate-imap.js";
import { mapImapError } from "../errors.js";
import { ImapSession } from "../session/imap-session.js";
import type { ImapConnectOptions } from "./connect-options.js";
import { installIdPolicy } from "./id-policy.js";
import { assertInternals } from "./imapflow-internals.js";
import { createRedactingLogger } from "./redacting-logger.js";
import { resolveTransport } from "./tls-policy.js";

const DEFAULT_TIMEOUTS = { connectMs: 30_000, greetingMs: 15_000, socketMs: 300_000 } as const;

/**
 * Opens an IMAP session: TCP, TLS per policy (implicit, or STARTTLS required), CAPABILITY,
 * login with the strongest SASL mechanism both sides support, then ID (only under TLS),
 * ENABLE CONDSTORE/QRESYNC where offered. Fails with a MailwireError; never retries a refused
 * password.
 */
export async function connectImap(options: ImapConnectOptions): Promise<ImapSession> {
  throwIfAborted(options.signal);
  const transport = resolveTransport(options);
  const secrets = new Set<string>();
  const timeouts = {
    connectMs: options.timeouts?.connectMs ?? DEFAULT_TIMEOUTS.connectMs,
    greetingMs: options.timeouts?.greetingMs ?? DEFAULT_TIMEOUTS.greetingMs,
    socketMs: options.timeouts?.socketMs ?? DEFAULT_TIMEOUTS.socketMs,
  };
  const imapflowOptions: ImapFlowOptions = {
    host: options.host,
    port: transport.port,
    secure: transport.secure,
    tls: transport.tls,
    auth: { user: options.auth.username },
    logger: createRedactingLogger(options.logger, () => secrets) as unknown as ImapFlowOptions["logger"] &
      object,
    clientInfo: { name: "@mailwire/imap", ...options.clientInfo },
    qresync: options.qresync ?? true,
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    // Compression would hide the byte stream from the STARTTLS/ID policy checks for no real gain
    // on a LAN; callers who want it can still use `session.client`.
    disableCompression: true,
  };
  if (transport.doSTARTTLS !== undefined) imapflowOptions.doSTARTTLS = transport.doSTARTTLS;
  if (transport.servername !== undefined) imapflowOptions.servername = transport.servername;

  const client = new ImapFlow(imapflowOptions);
  const internals = assertInternals(client);
  // Without a listener an 'error' event would crash the process; errors reach callers as
  // rejected promises, and the session reports the close.
  client.on("error", () => {});
  // imapflow 2.x itself sends ID only after STARTTLS; on a plaintext session it would still send it.
  if (transport.mode === "none") installIdPolicy(internals);
  let method: ImapLoginMethod | undefined;
  installAuthenticateHook(internals, {
    auth: options.auth,
    mechanisms: options.mechanisms,
    allowInsecureAuth: options.allowInsecureAuth,
    host: options.host,
    port: transport.port,
    secrets,
    onAuthenticated: (chosen) => {
      method = chosen;
    },
  });

  const limit = deadline({ signal: options.signal, timeoutMs: options.timeoutMs, phase: "connect" });
  try {
    await raceAbort(client.connect(), limit.signal);
  } catch (error) {
    client.close();
    throw isMailwireError(error) ? error : mapImapError(error, { operation: "connect", secrets });
  } finally {
    limit.dispose();
  }
  return new ImapSession(client, {
    method: method ?? "PREAUTH",
    tls: transport.mode,
    secrets,
    logger: options.logger,
    reconnect: (signal) => connectImap({ ...options, signal }),
  });
}
