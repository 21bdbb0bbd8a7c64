import { ProtocolError } from "@mailwire/core";
import type { CandidateOutcome, RoundContext } from "../discovery/context.js";
import type { MailEncryption, MailServer } from "../settings.js";
import { outcomeOfError } from "./pox.js";

interface PortGuess {
  protocol: "imap" | "pop3" | "smtp";
  port: number;
  encryption: MailEncryption;
}

/** Implicit TLS first (RFC 8314 3.3 prefers it), then STARTTLS ports; port 25 is for relays, not clients. */
const GUESSES: readonly PortGuess[] = [
  { protocol: "imap", port: 993, encryption: "tls" },
  { protocol: "imap", port: 143, encryption: "starttls" },
  { protocol: "pop3", port: 995, encryption: "tls" },
  { protocol: "pop3", port: 110, encryption: "starttls" },
  { protocol: "smtp", port: 465, encryption: "tls" },
  { protocol: "smtp", port: 587, encryption: "starttls" },
];

const HOST_PREFIX: Readonly<Record<PortGuess["protocol"], string>> = {
  imap: "imap",
  pop3: "pop",
  smtp: "smtp",
};

/**
 * Last resort: TCP-connect to the well-known ports on `<protocol>.<domain>` and
 * `mail.<domain>` (never a parent domain) and report what answers. Nothing is sent, so
 * nothing can leak; the servers found are guesses the caller should verify on login.
 */
export async function wellKnownPorts(context: RoundContext, signal: AbortSignal): Promise<CandidateOutcome> {
  const { domain } = context.email;
  const probes = GUESSES.flatMap((guess) =>
    [`${HOST_PREFIX[guess.protocol]}.${domain}`, `mail.${domain}`].map((host) => ({ guess, host })),
  );
  const found = await Promise.all(
    probes.map(async ({ guess, host }) => {
      const end = context.trace.begin("ports", `${host}:${guess.port}`, context.email.address);
      try {
        await context.probePort(host, guess.port, { signal, timeoutMs: context.connectTimeoutMs });
        end("settings", { detail: "port open" });
        const server: MailServer = {
          host,
          port: guess.port,
          encryption: guess.encryption,
          source: "port-probe",
        };
        return { protocol: guess.protocol, server };
      } catch (error) {
        end(outcomeOfError(error), { error });
        return undefined;
      }
    }),
  );
  const pick = (protocol: PortGuess["protocol"]) =>
    found.filter((entry) => entry?.protocol === protocol).map((entry) => entry?.server as MailServer);
  const settings = { imap: pick("imap"), pop3: pick("pop3"), smtp: pick("smtp") };
  if (settings.imap.length + settings.pop3.length + settings.smtp.length === 0) {
    throw new ProtocolError(`no mail port answered on ${domain}`);
  }
  return { kind: "settings", settings: { emailAddress: context.email.address, user: {}, ...settings } };
}
