import { HIERARCHY_SEPARATOR } from "./maildir.js";

export interface DovecotPorts {
  /** IMAP, cleartext with STARTTLS (RFC 3501 section 6.2.1). */
  readonly imap: number;
  /** IMAP over implicit TLS (RFC 8314). */
  readonly imaps: number;
  /** POP3, cleartext with STLS (RFC 2595 section 4). */
  readonly pop3: number;
  /** POP3 over implicit TLS (RFC 8314). */
  readonly pop3s: number;
}

export interface ConfigMailbox {
  readonly name: string;
  readonly specialUse?: string | undefined;
}

export interface DovecotConfigInput {
  readonly host: string;
  readonly ports: DovecotPorts;
  readonly instanceName: string;
  readonly baseDir: string;
  readonly stateDir: string;
  readonly logPath: string;
  readonly passwdPath: string;
  readonly certificatePath: string;
  readonly keyPath: string;
  /** Mailboxes that get settings: special-use attributes, and all are auto-subscribed. */
  readonly mailboxes: readonly ConfigMailbox[];
  /** Running as root: mail is accessed as this uid/gid (an unprivileged system user). */
  readonly mail?: { readonly uid: number; readonly gid: number } | undefined;
  /** Not root: every Dovecot process runs as this (our own) user and group, without chroot. */
  readonly unprivileged?: { readonly user: string; readonly group: string } | undefined;
  /** Adds auth_debug and mail_debug to the log. */
  readonly debug?: boolean | undefined;
}

function quote(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function listener(name: string, host: string, port: number, ssl: boolean): string[] {
  return [
    `  inet_listener ${name} {`,
    `    address = ${host}`,
    `    port = ${port}`,
    `    ssl = ${ssl ? "yes" : "no"}`,
    "  }",
  ];
}

/**
 * A complete, standalone dovecot.conf for Dovecot 2.3: nothing is read from /etc/dovecot, nothing is
 * written outside the run's own directories.
 */
export function renderDovecotConfig(input: DovecotConfigInput): string {
  const debug = input.debug === true ? "yes" : "no";
  const lines = [
    "# Written by @mailwire/dovecot-harness for one test run. Standalone: /etc/dovecot is not read.",
    `base_dir = ${input.baseDir}`,
    `state_dir = ${input.stateDir}`,
    `instance_name = ${input.instanceName}`,
    "protocols = imap pop3",
    `listen = ${input.host}`,
    "shutdown_clients = yes",
    "",
    `log_path = ${input.logPath}`,
    'log_timestamp = "%Y-%m-%d %H:%M:%S "',
    "auth_verbose = yes",
    `auth_debug = ${debug}`,
    `mail_debug = ${debug}`,
    "login_greeting = Dovecot ready (mailwire test server).",
    "",
    "# TLS on every port: STARTTLS/STLS on the cleartext ones, implicit TLS on imaps/pop3s.",
    "ssl = yes",
    `ssl_cert = <${input.certificatePath}`,
    `ssl_key = <${input.keyPath}`,
    "ssl_min_protocol = TLSv1.2",
    "",
    "# No plaintext passwords before TLS (IMAP shows LOGINDISABLED, POP3 refuses USER/PASS).",
    "# Dovecot counts a connection whose remote and local IP are equal as secure, which is why the",
    "# harness listens on 127.0.0.2 while clients connect from 127.0.0.1.",
    "disable_plaintext_auth = yes",
    "auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256 apop",
    // Failed logins answer at once; the default two-second pause only slows the tests down.
    "auth_failure_delay = 0",
    "",
    "# One file for users and passwords; {PLAIN} passwords serve every mechanism above.",
    "passdb {",
    "  driver = passwd-file",
    `  args = scheme=PLAIN ${input.passwdPath}`,
    "}",
    "userdb {",
    "  driver = passwd-file",
    `  args = ${input.passwdPath}`,
    "}",
    "",
    "mail_location = maildir:~/Maildir",
    ...(input.mail === undefined ? [] : [`mail_uid = ${input.mail.uid}`, `mail_gid = ${input.mail.gid}`]),
    "first_valid_uid = 1",
    "first_valid_gid = 1",
    "mail_max_userip_connections = 100",
    ...(input.unprivileged === undefined
      ? []
      : [
          `default_internal_user = ${input.unprivileged.user}`,
          `default_internal_group = ${input.unprivileged.group}`,
          `default_login_user = ${input.unprivileged.user}`,
        ]),
    "",
    "namespace inbox {",
    "  inbox = yes",
    "  prefix =",
    `  separator = ${HIERARCHY_SEPARATOR}`,
    ...input.mailboxes.flatMap((mailbox) => [
      `  mailbox ${quote(mailbox.name)} {`,
      "    auto = subscribe",
      ...(mailbox.specialUse === undefined ? [] : [`    special_use = ${mailbox.specialUse}`]),
      "  }",
    ]),
    "}",
    "",
    "# POP3 UIDL from IMAP UID and UIDVALIDITY: stable as long as the mailbox is (RFC 1939 section 7).",
    "pop3_uidl_format = %08Xu%08Xv",
    "",
    "service imap-login {",
    ...listener("imap", input.host, input.ports.imap, false),
    ...listener("imaps", input.host, input.ports.imaps, true),
    ...(input.unprivileged === undefined ? [] : ["  chroot ="]),
    "}",
    "service pop3-login {",
    ...listener("pop3", input.host, input.ports.pop3, false),
    ...listener("pop3s", input.host, input.ports.pop3s, true),
    ...(input.unprivileged === undefined ? [] : ["  chroot ="]),
    "}",
    ...(input.unprivileged === undefined
      ? []
      : [
          "# Without root nothing can chroot or change user.",
          "service anvil {",
          "  chroot =",
          "}",
          "service auth {",
          `  user = ${input.unprivileged.user}`,
          "}",
        ]),
    "",
  ];
  return lines.join("\n");
}
