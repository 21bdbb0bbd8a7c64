import { connect, type SaslPasswordCredentials } from "@mailwire/core";
import { type DovecotServer, dovecotAvailability, startDovecot } from "@mailwire/dovecot-harness";
import { CALL_TIMEOUT_MS, type DemoContext } from "./context.js";
import { check } from "./demo-error.js";
import { capabilities, MiniImap } from "./mini-imap.js";
import { MiniPop3 } from "./mini-pop3.js";
import { decodeEncodedWords } from "./rfc2047.js";
import { authenticateStrongest } from "./sasl-exchange.js";
import type { DovecotSummary, ImapSummary, Pop3Summary } from "./summary.js";

/** How many INBOX subjects the IMAP step prints. */
export const FIRST_SUBJECTS = 5;

/** Starts a real Dovecot when one is installed and talks IMAP and POP3 to it; else says how to get one. */
export async function dovecotDemo(context: DemoContext): Promise<DovecotSummary> {
  const { narrator, resources } = context;
  const availability = dovecotAvailability();
  if (!availability.available) {
    narrator.section("Dovecot (IMAP, POP3)");
    narrator.note(`skipped: ${availability.reason}`);
    return { available: false, reason: availability.reason, installCommand: availability.installCommand };
  }
  const server = await startDovecot();
  resources.defer("dovecot", () => server.stop());
  const user = server.user("fixture");
  const credentials: SaslPasswordCredentials = {
    kind: "password",
    username: user.username,
    password: user.password,
  };
  const inboxCount = user.messageCounts.INBOX ?? 0;

  const imap = await imapStep(context, server, credentials);
  narrator.section(`IMAP at ${server.host}:${server.ports.imap} (core connect, upgradeToTls, SASL)`);
  narrator.line("greeting", imap.greeting);
  narrator.line("before TLS", imap.capabilitiesBeforeTls.filter(notable).join(" "));
  narrator.line(
    "STARTTLS",
    `${imap.tls.protocol ?? "?"} ${imap.tls.cipher}, certificate verified, no injected bytes`,
  );
  narrator.line(
    "AUTHENTICATE",
    `${imap.mechanism} as ${user.username}${proof(imap.serverSignatureVerified)}`,
  );
  narrator.line(`SELECT ${imap.mailbox}`, `${imap.exists} EXISTS, UIDVALIDITY ${imap.uidValidity ?? "?"}`);
  for (const message of imap.firstMessages) narrator.line(`  UID ${message.uid}`, message.subject);

  const pop3 = await pop3Step(context, server, credentials);
  narrator.section(`POP3 at ${server.host}:${server.ports.pop3s} (implicit TLS)`);
  narrator.line("TLS", `${pop3.tls.protocol ?? "?"} ${pop3.tls.cipher}, certificate verified`);
  narrator.line("AUTH", `${pop3.mechanism} as ${user.username}${proof(pop3.serverSignatureVerified)}`);
  narrator.line("STAT", `${pop3.messages} messages, ${pop3.octets} octets`);

  check(
    imap.exists === inboxCount,
    `IMAP INBOX has ${imap.exists} messages, the seed put ${inboxCount} there`,
  );
  check(
    pop3.messages === inboxCount,
    `POP3 STAT says ${pop3.messages} messages, the seed put ${inboxCount} in INBOX`,
  );
  await server.stop();
  return { available: true, host: server.host, username: user.username, imap, pop3 };
}

const proof = (verified: boolean) => (verified ? ", server signature verified" : "");
const notable = (capability: string) => /^(STARTTLS|LOGINDISABLED|AUTH=)/i.test(capability);

async function imapStep(
  context: DemoContext,
  server: DovecotServer,
  credentials: SaslPasswordCredentials,
): Promise<ImapSummary> {
  const { signal } = context;
  const connection = await connect({
    host: server.host,
    port: server.ports.imap,
    tls: { ca: server.caPem },
    signal,
    timeoutMs: CALL_TIMEOUT_MS,
  });
  context.resources.defer("IMAP connection", () => connection.destroy());
  const imap = new MiniImap(connection, signal);
  const greeting = (await imap.greeting()).replace(/^\* OK (\[[^\]]*\] )?/, "");
  const before = capabilities(await imap.ok("CAPABILITY"));
  check(before.includes("STARTTLS"), "the server does not offer STARTTLS");
  await imap.ok("STARTTLS");
  // Core drops nothing silently here: a byte buffered after the OK would be an injected
  // response (MW_STARTTLS_INJECTION), and the certificate is verified against the host.
  const tls = await connection.upgradeToTls({ signal, timeoutMs: CALL_TIMEOUT_MS });
  // RFC 9051 6.2.1: capabilities learned before TLS are discarded and asked for again.
  const after = capabilities(await imap.ok("CAPABILITY"));
  const offered = after.filter((name) => /^AUTH=/i.test(name)).map((name) => name.slice(5));
  const auth = await authenticateStrongest({
    offered,
    credentials,
    transportEncrypted: connection.encrypted,
    conversation: imap.saslConversation(after.includes("SASL-IR")),
    host: server.host,
    port: server.ports.imap,
    signal,
  });

  const mailbox = "INBOX";
  const selected = await imap.ok(`SELECT ${mailbox}`);
  let exists = 0;
  let uidValidity: number | undefined;
  for (const { text } of selected.untagged) {
    const count = /^\* (\d+) EXISTS$/i.exec(text)?.[1];
    if (count !== undefined) exists = Number(count);
    const validity = /\[UIDVALIDITY (\d+)\]/i.exec(text)?.[1];
    if (validity !== undefined) uidValidity = Number(validity);
  }
  const firstMessages: ImapSummary["firstMessages"] = [];
  if (exists > 0) {
    const last = Math.min(exists, FIRST_SUBJECTS);
    const fetched = await imap.ok(`FETCH 1:${last} (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])`);
    for (const line of fetched.untagged) {
      const uid = /\bUID (\d+)/i.exec(line.text)?.[1];
      const header = line.literals[0];
      if (uid === undefined || header === undefined) continue;
      const unfolded = Buffer.from(header)
        .toString("utf8")
        .replace(/\r\n[ \t]+/g, " ");
      const subject = /^Subject:[ \t]*(.*)$/im.exec(unfolded)?.[1]?.trim() ?? "";
      firstMessages.push({ uid: Number(uid), subject: decodeEncodedWords(subject) });
    }
  }
  await imap.ok("LOGOUT");
  await connection.close();
  return {
    greeting,
    capabilitiesBeforeTls: before,
    tls: { protocol: tls.protocol, cipher: tls.cipher },
    mechanism: auth.mechanism,
    serverSignatureVerified: auth.serverVerified,
    mailbox,
    exists,
    uidValidity,
    firstMessages,
  };
}

async function pop3Step(
  context: DemoContext,
  server: DovecotServer,
  credentials: SaslPasswordCredentials,
): Promise<Pop3Summary> {
  const { signal } = context;
  // RFC 8314: implicit TLS is preferred to STLS; the IMAP step already showed STARTTLS.
  const connection = await connect({
    host: server.host,
    port: server.ports.pop3s,
    secure: true,
    tls: { ca: server.caPem },
    signal,
    timeoutMs: CALL_TIMEOUT_MS,
  });
  context.resources.defer("POP3 connection", () => connection.destroy());
  const tls = connection.tlsInfo;
  const pop3 = new MiniPop3(connection, signal);
  await pop3.greeting();
  const sasl = (await pop3.capabilities()).find((line) => /^SASL /i.test(line));
  const offered = sasl?.split(" ").slice(1) ?? [];
  const auth = await authenticateStrongest({
    offered,
    credentials,
    transportEncrypted: connection.encrypted,
    conversation: pop3.saslConversation(),
    host: server.host,
    port: server.ports.pop3s,
    signal,
  });
  const stat = /^(\d+) (\d+)/.exec(await pop3.ok("STAT"));
  check(stat !== null, "malformed STAT reply");
  await pop3.ok("QUIT");
  await connection.close();
  return {
    tls: { protocol: tls?.protocol ?? null, cipher: tls?.cipher ?? "" },
    mechanism: auth.mechanism,
    serverSignatureVerified: auth.serverVerified,
    messages: Number(stat[1]),
    octets: Number(stat[2]),
  };
}
