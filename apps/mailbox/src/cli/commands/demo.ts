import type { DiscoveryResult } from "@mailwire/autodiscover";
import { createMailbox } from "../../connect/create-mailbox.js";
import type { MailboxCredentials } from "../../connect/mailbox-credentials.js";
import { endpointOf } from "../../connect/mailbox-settings.js";
import { type FolderInfo, type Mailbox, PROTOCOL_PREFERENCE, type ProtocolName } from "../../mailbox.js";
import { describeError, formatErrorLine } from "../cli-error.js";
import type { Command } from "../command.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { formatAddress } from "../format.js";
import { createLibraryBackend } from "../library-backend.js";

// `mailbox demo` (the root `npm run demo`): one mailbox, every protocol. It starts exchange-sim
// (MAPI/HTTP, RPC/HTTP, EWS) and, where installed, Dovecot (IMAP, POP3), both seeded with the
// same fixture mailbox, runs autodiscover against the sim, then opens the mailbox through each
// protocol in Outlook's order and shows what each sees. No network, no configuration: the
// servers are on loopback with throw-away certificates and the fixture account.

const FIXTURE = { messageCount: 60, largeMessageBytes: 0 };
const SHOWN = 3;

interface ProtocolView {
  protocol: ProtocolName;
  server: "exchange-sim" | "dovecot";
  endpoint?: string | undefined;
  ok: boolean;
  connectMs?: number;
  folders?: number;
  inboxTotal?: number;
  unread?: number;
  newest?: { subject: string; from: string }[];
  read?: { subject: string; attachments: number; textChars: number };
  subjects?: string[];
  error?: string;
}

// Tooling packages the published CLI does not depend on: loaded by name at run time, so the
// build leaves them out of dist/cli.js.
async function load<T>(name: string): Promise<T> {
  return (await import(name)) as T;
}

type SimModule = typeof import("@mailwire/exchange-sim");
type DovecotModule = typeof import("@mailwire/dovecot-harness");

async function look(mailbox: Mailbox, view: ProtocolView, signal: AbortSignal | undefined): Promise<void> {
  const folders: FolderInfo[] = await mailbox.folders({ signal });
  view.folders = folders.length;
  const inbox = folders.find((f) => f.role === "inbox");
  if (!inbox) return;
  const subjects: string[] = [];
  const newest: { subject: string; from: string; id: string }[] = [];
  let unread = 0;
  for await (const m of mailbox.list(inbox.id, { signal, pageSize: 100 })) {
    subjects.push(m.subject);
    if (!m.read) unread += 1;
    if (newest.length < SHOWN) newest.push({ subject: m.subject, from: formatAddress(m.from), id: m.id });
  }
  view.inboxTotal = subjects.length;
  view.unread = unread;
  view.subjects = subjects;
  view.newest = newest.map(({ subject, from }) => ({ subject, from }));
  const first = newest[0];
  if (first) {
    const detail = await mailbox.read(first.id, { signal });
    view.read = {
      subject: detail.subject,
      attachments: detail.attachments.length,
      textChars: detail.text?.length ?? 0,
    };
  }
}

export const demoCommand: Command = {
  name: "demo",
  summary: "the same mailbox through every protocol, on local servers (no network, no setup)",
  usage: `mailbox demo [--json]
  starts exchange-sim (and Dovecot when installed), seeds both with the fixture mailbox, and
  opens it through MAPI/HTTP, RPC/HTTP, EWS, IMAP and POP3 in turn`,
  positionals: [0, 0],
  options: {},
  async run(context) {
    const { out } = context;
    const signal = context.signal;
    const sims = await load<SimModule>("@mailwire/exchange-sim");
    const harness = await load<DovecotModule>("@mailwire/dovecot-harness");
    const sim = await sims.startSim({ fixture: FIXTURE });
    // The sim's RPC proxy relays each virtual connection to its DCE/RPC server, as a real RPC
    // proxy relays to the mailbox server's port 6001 (MS-RPCH 3.2.3).
    sim.rpcProxy.configure({ backend: { host: "127.0.0.1", port: sim.rpc.port } });
    let dovecot: Awaited<ReturnType<DovecotModule["startDovecot"]>> | undefined;
    const views: ProtocolView[] = [];
    try {
      out.text(
        `exchange-sim on ${sim.origin} (MAPI/HTTP, RPC/HTTP, EWS, Autodiscover; SMTP on ${sim.smtp.port})`,
      );
      const availability = harness.dovecotAvailability(context.env.env);
      if (availability.available) {
        const fixtures = await load<typeof import("@mailwire/fixtures")>("@mailwire/fixtures");
        dovecot = await harness.startDovecot({ mailbox: fixtures.fixtureMailbox(FIXTURE) });
        out.text(
          `Dovecot on ${dovecot.host} (IMAP ${dovecot.ports.imaps}, POP3 ${dovecot.ports.pop3s}, implicit TLS)`,
        );
      } else out.text(`Dovecot not installed: IMAP and POP3 are skipped (${availability.installCommand})`);

      const credentials: MailboxCredentials = {
        username: sim.credentials.username,
        domain: sim.credentials.domain,
        password: sim.credentials.password,
      };
      const ca = dovecot ? [sim.caPem, dovecot.caPem] : [sim.caPem];
      out.text();
      out.text(`Autodiscover for ${sim.credentials.email} (its hosts routed to the sim):`);
      const backend = createLibraryBackend();
      const discovery = await backend.discover({
        email: sim.credentials.email,
        username: sim.credentials.username,
        domain: sim.credentials.domain,
        secret: { kind: "password", password: sim.credentials.password },
        autodiscoverUrl: sim.origin,
        ca: sim.caPem,
        signal,
      });
      out.text(
        `  found by ${discovery.source?.method ?? "?"} after ${discovery.trace.length} attempts; ` +
          Object.entries(discovery.endpoints)
            .map(([p, e]) => `${p} ${e}`)
            .join(", "),
      );
      const settings = discovery.settings as DiscoveryResult;
      const dovecotUser = dovecot?.user("fixture");
      const withDovecot: DiscoveryResult = {
        ...settings,
        imap: dovecot
          ? [{ host: dovecot.host, port: dovecot.ports.imaps, encryption: "tls", source: "autoconfig" }]
          : [],
        pop3: dovecot
          ? [{ host: dovecot.host, port: dovecot.ports.pop3s, encryption: "tls", source: "autoconfig" }]
          : [],
      };

      for (const protocol of PROTOCOL_PREFERENCE) {
        const onDovecot = protocol === "imap" || protocol === "pop3";
        if (onDovecot && !dovecot) continue;
        const view: ProtocolView = {
          protocol,
          server: onDovecot ? "dovecot" : "exchange-sim",
          endpoint: endpointOf(protocol, withDovecot),
          ok: false,
        };
        views.push(view);
        const started = performance.now();
        let mailbox: Mailbox | undefined;
        try {
          mailbox = await createMailbox(
            protocol,
            withDovecot,
            onDovecot && dovecotUser
              ? { username: dovecotUser.username, password: dovecotUser.password }
              : credentials,
            { tls: { ca }, signal, timeoutMs: 30_000 },
          );
          view.connectMs = Math.round(performance.now() - started);
          await look(mailbox, view, signal);
          view.ok = true;
        } catch (error) {
          view.error = formatErrorLine(
            describeError(error, [credentials.password, dovecotUser?.password]),
          ).replace(/^mailbox: /, "");
        } finally {
          await mailbox?.close().catch(() => undefined);
        }
        report(context, view);
      }
    } finally {
      await dovecot?.stop().catch(() => undefined);
      await sim.close().catch(() => undefined);
    }

    const good = views.filter((v) => v.ok && v.subjects);
    const reference = good[0]?.subjects ? [...good[0].subjects].sort() : [];
    const same = good.every(
      (v) => JSON.stringify([...(v.subjects ?? [])].sort()) === JSON.stringify(reference),
    );
    out.text();
    out.text(
      good.length > 1
        ? `The same mailbox through ${good.map((v) => v.protocol).join(", ")}: ${same ? `yes, the same ${reference.length} Inbox messages` : "NO, the Inbox differs"}.`
        : "Fewer than two protocols connected: nothing to compare.",
    );
    out.document({
      type: "demo",
      protocols: views.map(({ subjects: _subjects, ...rest }) => rest),
      sameInbox: good.length > 1 && same,
      inboxMessages: reference.length,
    });
    return views.some((v) => v.ok) ? ExitCode.OK : ExitCode.FAILURE;
  },
};

function report(context: CommandContext, view: ProtocolView): void {
  const { out } = context;
  out.text();
  if (!view.ok) {
    out.text(`${view.protocol} (${view.server}): ${view.error}`);
    return;
  }
  out.text(
    `${view.protocol} (${view.server}, ${view.endpoint ?? ""}): connected in ${view.connectMs} ms; ` +
      `${view.folders} folder(s), Inbox ${view.inboxTotal} messages (${view.unread} unread)`,
  );
  for (const m of view.newest ?? [])
    out.text(`    ${m.from.slice(0, 28).padEnd(28)}  ${m.subject.slice(0, 60)}`);
  if (view.read) {
    out.text(
      `    read the first: ${view.read.textChars} characters of text, ${view.read.attachments} attachment(s)`,
    );
  }
}
