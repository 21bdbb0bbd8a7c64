import { InvalidArgumentError } from "@mailwire/core";
import { measureLink } from "../../link/measure-link.js";
import { isSlowLink, protocolOrder, SLOW_LINK_KBPS } from "../../link/protocol-order.js";
import { PROTOCOL_PREFERENCE, type ProtocolName } from "../../mailbox.js";
import { parseCredentialSource, resolveSecret } from "../../profile/credentials.js";
import type { Profile, SendReceiveSchedule, ServerEndpoint } from "../../profile/profile.js";
import { checkProfileName } from "../../profile/profile-store.js";
import { bool, type Command, str } from "../command.js";
import { readCa, smtpSendFunction } from "../context.js";
import type { ConnectAttemptView, DiscoveryView } from "../environment.js";
import { ExitCode } from "../exit-codes.js";
import { positiveNumber } from "../numbers.js";
import { promptSecret } from "../prompt.js";

export function parseSchedule(value: string | undefined): SendReceiveSchedule {
  if (value === undefined || value === "at-start") return { kind: "at-start" };
  if (value === "manual") return { kind: "manual" };
  const match = /^every:(\d+)$/.exec(value);
  const minutes = match ? Number(match[1]) : Number.NaN;
  if (match && minutes >= 1) return { kind: "every", minutes };
  throw new InvalidArgumentError(`--schedule takes at-start, manual or every:MINUTES, not ${value}`);
}

/** `host:port[:tls|starttls]`; without the mode, the implicit-TLS port means tls (RFC 8314). */
export function parseServer(
  value: string | undefined,
  option: string,
  tlsPort: number,
): ServerEndpoint | undefined {
  if (value === undefined) return undefined;
  const match = /^([^:\s]+):(\d{1,5})(?::(tls|starttls))?$/.exec(value);
  if (!match) throw new InvalidArgumentError(`--${option} takes host:port[:tls|starttls], not ${value}`);
  const port = Number(match[2]);
  const encryption = (match[3] as "tls" | "starttls" | undefined) ?? (port === tlsPort ? "tls" : "starttls");
  return { host: match[1] as string, port, encryption };
}

function parseProtocol(value: string | undefined): ProtocolName | undefined {
  if (value === undefined) return undefined;
  if (!(PROTOCOL_PREFERENCE as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`--protocol takes one of ${PROTOCOL_PREFERENCE.join(", ")}, not ${value}`);
  }
  return value as ProtocolName;
}

function traceLines(discovery: DiscoveryView): string[] {
  return discovery.trace.map((a) => {
    const status = a.statusCode === undefined ? "" : ` ${a.statusCode}`;
    const why = a.detail ? ` (${a.detail})` : a.errorCode ? ` (${a.errorCode})` : "";
    const ms = a.durationMs === undefined ? "" : ` ${Math.round(a.durationMs)} ms`;
    return `  ${a.method.padEnd(12)} ${a.outcome}${status}${ms}  ${a.target}${why}`;
  });
}

export function attemptLines(attempts: readonly ConnectAttemptView[]): string[] {
  return attempts.map((a) => {
    const where = a.endpoint ? `  ${a.endpoint}` : "";
    const why =
      a.outcome === "connected"
        ? ""
        : ` (${[a.step, a.errorCode].filter(Boolean).join(" ")}${a.detail ? `: ${a.detail}` : ""})`;
    return `  ${a.protocol.padEnd(9)} ${a.outcome}${why}${where}`;
  });
}

export const connectCommand: Command = {
  name: "connect",
  summary: "find the server (autodiscover), connect with the best protocol, save a profile",
  usage: `mailbox connect <email> [options]
  --protocol P           only this protocol (${PROTOCOL_PREFERENCE.join(", ")})
  --username U           login name, when not the address; --domain D for NTLM
  --password-from SRC    prompt (default), env:NAME, or command:CMD (prints an OAuth token)
                         without it, $MAILBOX_PASSWORD is used when set
  --save-password        keep the password in the profile (off by default)
  --autodiscover-url URL start autodiscover at this https origin
  --imap HOST:PORT[:tls|starttls]  IMAP server by hand (without --autodiscover-url: no autodiscover)
  --pop3 HOST:PORT[:tls|starttls]  POP3 server by hand, likewise
  --smtp HOST:PORT[:tls|starttls]  SMTP submission server for IMAP/POP3, if autodiscover names none
  --link-kbps N          skip the link measurement and take N kbit/s
  --slow-link-kbps N     slow-link threshold (default ${SLOW_LINK_KBPS})
  --schedule S           send/receive: at-start (default), manual, every:MINUTES
  --online               no local store (cached mode is on by default)
  --name NAME            profile name (default: the address)`,
  positionals: [1, 1],
  options: {
    protocol: { type: "string" },
    username: { type: "string" },
    domain: { type: "string" },
    "password-from": { type: "string" },
    "save-password": { type: "boolean" },
    "autodiscover-url": { type: "string" },
    smtp: { type: "string" },
    imap: { type: "string" },
    pop3: { type: "string" },
    "link-kbps": { type: "string" },
    "slow-link-kbps": { type: "string" },
    schedule: { type: "string" },
    online: { type: "boolean" },
    name: { type: "string" },
  },
  async run(context, values, [email]) {
    const { out, env } = context;
    if (!email || !/^[^@\s]+@[^@\s]+$/.test(email))
      throw new InvalidArgumentError(`not an e-mail address: ${email}`);
    const forced = parseProtocol(str(values, "protocol"));
    const name = checkProfileName(str(values, "name") ?? email.toLowerCase());
    const schedule = parseSchedule(str(values, "schedule"));
    const slowLinkKbps = positiveNumber(str(values, "slow-link-kbps"), "slow-link-kbps") ?? SLOW_LINK_KBPS;
    const givenKbps = positiveNumber(str(values, "link-kbps"), "link-kbps");
    const savePassword = bool(values, "save-password");
    const source = parseCredentialSource(
      str(values, "password-from"),
      env.env.MAILBOX_PASSWORD ? "MAILBOX_PASSWORD" : undefined,
    );
    const ca = await readCa(context.global.caFile);
    const username = str(values, "username");
    const domain = str(values, "domain");
    const secret = await resolveSecret(
      source,
      { email },
      {
        env: env.env,
        prompt: (q) => promptSecret(q, env.stdin, env.stderr),
        signal: context.signal,
      },
    );
    context.secrets.push(secret.kind === "password" ? secret.password : secret.token);
    const autodiscoverUrl = str(values, "autodiscover-url");
    const manualServers = {
      imap: parseServer(str(values, "imap"), "imap", 993),
      pop3: parseServer(str(values, "pop3"), "pop3", 995),
      smtp: parseServer(str(values, "smtp"), "smtp", 465),
    };
    const manual = Object.values(manualServers).some(Boolean)
      ? (JSON.parse(JSON.stringify(manualServers)) as typeof manualServers)
      : undefined;
    const base = { email, username, domain, secret, autodiscoverUrl, ca, signal: context.signal, manual };

    out.text(`Autodiscover for ${email}`);
    const discovery = await env.backend.discover(base);
    for (const line of traceLines(discovery)) out.text(line);
    out.text(
      discovery.source
        ? `  found by ${discovery.source.method}${discovery.source.url ? ` at ${discovery.source.url}` : ""}`
        : "  nothing found",
    );
    for (const [protocol, endpoint] of Object.entries(discovery.endpoints))
      out.text(`  ${protocol.padEnd(9)} ${endpoint}`);

    let link: { kbps: number | null; slow: boolean; measured: boolean; detail?: string };
    if (givenKbps !== undefined) {
      link = { kbps: givenKbps, slow: isSlowLink(givenKbps, slowLinkKbps), measured: false };
    } else if (discovery.probeUrl) {
      try {
        const m = await measureLink({ url: discovery.probeUrl, ca, signal: context.signal, slowLinkKbps });
        link = {
          kbps: m.kbps,
          slow: m.slow,
          measured: true,
          detail: `${m.bytes} bytes in ${m.durationMs} ms`,
        };
      } catch (error) {
        link = {
          kbps: null,
          slow: false,
          measured: false,
          detail: `probe failed: ${(error as Error).message}`,
        };
      }
    } else link = { kbps: null, slow: false, measured: false, detail: "nothing to probe" };
    out.text(
      `Link: ${link.kbps === null ? "speed unknown, taken as fast" : `${link.kbps} kbit/s`}${
        link.slow ? ` (slow, under ${slowLinkKbps} kbit/s: lighter protocols first)` : ""
      }${link.detail ? ` [${link.detail}]` : ""}`,
    );

    const order = protocolOrder({ kbps: link.kbps, slowLinkKbps, forced });
    out.text(`Trying ${order.join(", ")}`);
    const smtp = manualServers.smtp ?? discovery.smtp;
    const send = smtpSendFunction({ smtp, email, username }, secret, ca);
    let outcome: Awaited<ReturnType<typeof env.backend.connect>>;
    try {
      outcome = await env.backend.connect({ ...base, order, send }, discovery);
    } catch (error) {
      const attempts = (error as { details?: { attempts?: ConnectAttemptView[] } }).details?.attempts;
      if (attempts && !out.json) for (const line of attemptLines(attempts)) out.note(line);
      throw error;
    }
    for (const line of attemptLines(outcome.attempts)) out.text(line);
    const { mailbox } = outcome;
    await mailbox.close().catch(() => undefined);

    const profile: Profile = {
      version: 1,
      name,
      email,
      ...(username ? { username } : {}),
      ...(domain ? { domain } : {}),
      protocol: mailbox.protocol,
      forced: forced !== undefined,
      ...(autodiscoverUrl ? { autodiscoverUrl } : {}),
      settings: discovery.settings,
      ...(smtp ? { smtp } : {}),
      ...(context.global.caFile ? { caFile: context.global.caFile } : {}),
      credential: savePassword ? { kind: "saved" } : source,
      ...(savePassword && secret.kind === "password" ? { password: secret.password } : {}),
      cached: !bool(values, "online"),
      schedule,
      link: { kbps: link.kbps, slow: link.slow, measuredAt: new Date().toISOString() },
      createdAt: new Date().toISOString(),
    };
    const path = await context.profiles.save(profile);
    out.text(`Connected with ${mailbox.protocol}. Profile ${name} saved to ${path}`);
    out.text(
      profile.credential.kind === "saved"
        ? "  the password is saved in the profile (--save-password)"
        : `  no password saved; it comes from ${describeSource(profile.credential)}`,
    );
    out.document({
      type: "connect",
      email,
      protocol: mailbox.protocol,
      profile: name,
      profilePath: path,
      passwordSaved: profile.password !== undefined,
      discovery: { source: discovery.source, trace: discovery.trace, endpoints: discovery.endpoints },
      link,
      order,
      attempts: outcome.attempts,
      smtp: smtp ?? null,
      cached: profile.cached,
      schedule,
    });
    return ExitCode.OK;
  },
};

function describeSource(source: Profile["credential"]): string {
  switch (source.kind) {
    case "env":
      return `$${source.variable}`;
    case "token-command":
      return "the token command";
    case "prompt":
      return "a prompt at each run";
    case "saved":
      return "the profile";
  }
}
