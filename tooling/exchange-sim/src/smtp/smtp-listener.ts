import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from "smtp-server";
import { namesAccount, type SimCredentials, splitUserId } from "../auth/credentials.js";
import type { MailboxStore } from "../store/mailbox-store.js";
import { messageFromMime } from "./message-from-mime.js";

// SMTP submission (RFC 6409) for the simulated mailbox, so IMAP/POP3-style clients can send:
// AUTH PLAIN/LOGIN only after TLS (STARTTLS on the submission port, RFC 3207, or implicit TLS,
// RFC 8314 3.3). A message addressed to the sim's user is delivered into its Inbox in the one
// store, so MAPI, EWS and every other protocol module sees it. Other recipients are accepted
// and counted but go nowhere: the sim has no other mailboxes.

export interface SmtpListenerOptions {
  store: MailboxStore;
  credentials: SimCredentials;
  certificate: { certPem: string; keyPem: string };
  /** "starttls": plaintext greeting, STARTTLS required before AUTH; "tls": TLS from the first byte. */
  security: "starttls" | "tls";
  host?: string;
  port?: number;
  /** SIZE limit (RFC 1870); default 50 MiB. */
  maxMessageBytes?: number;
}

export interface SmtpDelivery {
  messageId: string;
  storeId: string | undefined;
  recipients: string[];
}

export interface SmtpListener {
  host: string;
  port: number;
  security: "starttls" | "tls";
  /** Messages accepted since start, oldest first (store id when delivered to the sim's user). */
  readonly deliveries: readonly SmtpDelivery[];
  close(): Promise<void>;
}

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const { store, credentials } = options;
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_BYTES;
  const deliveries: SmtpDelivery[] = [];
  let sequence = 0;

  const server = new SMTPServer({
    secure: options.security === "tls",
    key: options.certificate.keyPem,
    cert: options.certificate.certPem,
    name: "exch01.exchange-sim.invalid",
    banner: "mailwire exchange-sim submission",
    authMethods: ["PLAIN", "LOGIN"],
    // RFC 6409 4.3 lets a submission server require auth; AUTH is refused before TLS.
    authOptional: false,
    allowInsecureAuth: false,
    size: maxBytes,
    logger: false,
    // close() waits this long for clients to QUIT before it drops them.
    closeTimeout: 500,
    disabledCommands: [],
    onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback) {
      const { user, domain } = splitUserId(auth.username ?? "");
      if (auth.password === credentials.password && namesAccount(credentials, user, domain)) {
        callback(null, { user: credentials.email });
      } else {
        callback(Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 }));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBytes) chunks.push(chunk);
      });
      stream.on("end", () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded || size > maxBytes) {
          callback(Object.assign(new Error("5.3.4 Message too big"), { responseCode: 552 }));
          return;
        }
        deliver(Buffer.concat(chunks), session).then(
          () => callback(),
          (error: unknown) =>
            callback(
              Object.assign(new Error(`4.3.0 Delivery failed: ${String(error)}`), { responseCode: 451 }),
            ),
        );
      });
    },
  });

  async function deliver(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    const local = recipients.some((r) => r.toLowerCase() === credentials.email.toLowerCase());
    sequence += 1;
    const inbox = store.specialFolder("inbox");
    const fixture = await messageFromMime(new Uint8Array(raw), {
      id: `smtp-${sequence}`,
      folder: inbox.path,
      fallbackFrom: { address: credentials.email },
    });
    const stored = local ? store.addMessage(inbox.id, fixture) : undefined;
    deliveries.push({ messageId: fixture.messageId, storeId: stored?.id, recipients });
  }

  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server.server, "listening");
  const address = server.server.address() as AddressInfo;
  return {
    host: options.host ?? "127.0.0.1",
    port: address.port,
    security: options.security,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
