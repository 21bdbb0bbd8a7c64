import { isIP } from "node:net";
import {
  AbortError,
  AuthError,
  ConnectionError,
  ErrorCode,
  InvalidArgumentError,
  type MailwireError,
  ProtocolError,
  redactSecrets,
  TimeoutError,
  TlsError,
} from "@mailwire/core";
import nodemailer from "nodemailer";
import type { Address, OutgoingMessage } from "../mailbox.js";
import type { Secret } from "../profile/credentials.js";
import type { ServerEndpoint } from "../profile/profile.js";

// SMTP submission (RFC 6409) for accounts read over IMAP or POP3, which have no send of their
// own: nodemailer speaks SMTP, we choose the server (the one autodiscover or autoconfig named),
// the TLS mode and the credentials. The password only ever goes over TLS (RFC 8314 3: implicit
// TLS, or STARTTLS that must succeed before AUTH).

export interface SmtpSenderOptions {
  readonly server: ServerEndpoint;
  readonly username: string;
  readonly secret: Secret;
  /** PEM of extra trusted CAs. */
  readonly ca?: string | undefined;
  /** Default connection, greeting and socket timeouts (ms); default 30 s. */
  readonly timeoutMs?: number | undefined;
}

export interface SmtpSendResult {
  readonly messageId: string;
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
}

export interface SmtpSender {
  send(
    message: OutgoingMessage & { from: Address },
    options?: { signal?: AbortSignal | undefined },
  ): Promise<SmtpSendResult>;
  close(): void;
}

const format = (a: Address) => (a.name ? { name: a.name, address: a.address } : a.address);

type NodemailerError = Error & { code?: string; responseCode?: number; command?: string };

/** nodemailer's error codes to mailwire errors naming the protocol (smtp) and the step. */
function smtpError(error: NodemailerError, secrets: string[]): MailwireError {
  const text = redactSecrets(error.message, secrets);
  const details = { protocol: "smtp", responseCode: error.responseCode, command: error.command };
  switch (error.code) {
    case "EAUTH":
      return new AuthError(`smtp authenticate failed: ${text}`, {
        details: { ...details, step: "authenticate" },
      });
    case "ETLS":
      return new TlsError(`smtp starttls failed: ${text}`, { details: { ...details, step: "connect" } });
    case "ETIMEDOUT":
      return new TimeoutError(`smtp connect timed out: ${text}`, {
        phase: "connect",
        details: { ...details, step: "connect" },
      });
    case "ECONNECTION":
    case "ESOCKET":
    case "EDNS":
      return new ConnectionError(`smtp connect failed: ${text}`, {
        details: { ...details, step: "connect" },
      });
    default:
      return new ProtocolError(`smtp send failed: ${text}`, { details: { ...details, step: "send" } });
  }
}

export function createSmtpSender(options: SmtpSenderOptions): SmtpSender {
  const { server, secret } = options;
  if (server.encryption === "none") {
    throw new AuthError(
      `smtp: ${server.host}:${server.port} offers no TLS; the password is not sent in clear`,
      {
        code: ErrorCode.INSECURE_AUTH_REFUSED,
        details: { protocol: "smtp", step: "connect" },
      },
    );
  }
  const timeout = options.timeoutMs ?? 30_000;
  const auth =
    secret.kind === "password"
      ? { user: options.username, pass: secret.password }
      : { type: "OAuth2" as const, user: options.username, accessToken: secret.token };
  const transport = nodemailer.createTransport({
    host: server.host,
    port: server.port,
    secure: server.encryption === "tls",
    requireTLS: server.encryption === "starttls",
    auth,
    // SNI carries host names only (RFC 6066 3); an IP address is checked against the certificate's IP SANs.
    tls: {
      ...(options.ca ? { ca: options.ca } : {}),
      ...(isIP(server.host) ? {} : { servername: server.host }),
    },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const secrets = secret.kind === "password" ? [secret.password] : [secret.token];

  return {
    async send(message, call = {}) {
      if (message.to.length + (message.cc?.length ?? 0) + (message.bcc?.length ?? 0) === 0) {
        throw new InvalidArgumentError("smtp send: no recipients");
      }
      if (call.signal?.aborted) throw new AbortError();
      const onAbort = () => transport.close();
      call.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        const info = await transport.sendMail({
          from: format(message.from),
          to: message.to.map(format),
          cc: message.cc?.map(format),
          bcc: message.bcc?.map(format),
          subject: message.subject,
          text: message.text,
          html: message.html,
          attachments: message.attachments?.map((a) => ({
            filename: a.name,
            content: Buffer.from(a.content),
            ...(a.contentType ? { contentType: a.contentType } : {}),
          })),
        });
        return {
          messageId: info.messageId,
          accepted: info.accepted.map(String),
          rejected: info.rejected.map(String),
        };
      } catch (error) {
        if (call.signal?.aborted) throw new AbortError();
        throw smtpError(error as NodemailerError, secrets);
      } finally {
        call.signal?.removeEventListener("abort", onAbort);
      }
    },
    close: () => transport.close(),
  };
}
