import { describe, expect, it } from "vitest";
import { type DovecotConfigInput, renderDovecotConfig } from "../src/dovecot-config.js";
import { passwdLine } from "../src/users.js";

const input: DovecotConfigInput = {
  host: "127.0.0.2",
  ports: { imap: 10143, imaps: 10993, pop3: 10110, pop3s: 10995 },
  instanceName: "mailwire-test",
  baseDir: "/tmp/x/run",
  stateDir: "/tmp/x/state",
  logPath: "/tmp/x/dovecot.log",
  passwdPath: "/tmp/x/users.passwd",
  certificatePath: "/tmp/x/tls/server.pem",
  keyPath: "/tmp/x/tls/server.key",
  mailboxes: [{ name: "Sent Items", specialUse: "\\Sent" }, { name: 'Odd "name"' }],
  mail: { uid: 65534, gid: 65534 },
};

describe("renderDovecotConfig", () => {
  const config = renderDovecotConfig(input);

  it("keeps everything inside the run's directory and on the given host", () => {
    expect(config).toContain("base_dir = /tmp/x/run\n");
    expect(config).toContain("state_dir = /tmp/x/state\n");
    expect(config).toContain("listen = 127.0.0.2\n");
    const settings = config.split("\n").filter((line) => !line.trimStart().startsWith("#"));
    expect(settings.join("\n")).not.toContain("/etc/");
    expect(config.match(/address = 127\.0\.0\.2/g)).toHaveLength(4);
  });

  it("requires TLS for plaintext passwords and offers the mechanisms our clients speak", () => {
    expect(config).toContain("ssl = yes\n");
    expect(config).toContain("disable_plaintext_auth = yes\n");
    expect(config).toContain("auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256 apop\n");
    expect(config).toMatch(
      /inet_listener imaps \{\n {4}address = 127\.0\.0\.2\n {4}port = 10993\n {4}ssl = yes/,
    );
    expect(config).toMatch(
      /inet_listener pop3 \{\n {4}address = 127\.0\.0\.2\n {4}port = 10110\n {4}ssl = no/,
    );
  });

  it("declares special-use mailboxes, quoting names", () => {
    expect(config).toContain('  mailbox "Sent Items" {\n    auto = subscribe\n    special_use = \\Sent\n  }');
    expect(config).toContain('  mailbox "Odd \\"name\\"" {');
  });

  it("switches users and chroot only when not root", () => {
    expect(config).toContain("mail_uid = 65534\n");
    expect(config).not.toContain("default_internal_user");
    const unprivileged = renderDovecotConfig({
      ...input,
      mail: undefined,
      unprivileged: { user: "dev", group: "devs" },
    });
    expect(unprivileged).not.toContain("mail_uid");
    expect(unprivileged).toContain("default_internal_user = dev\n");
    expect(unprivileged).toContain("default_internal_group = devs\n");
    expect(unprivileged).toContain("  chroot =\n");
  });
});

describe("passwdLine", () => {
  it("writes a {PLAIN} password, empty uid/gid and the home", () => {
    expect(passwdLine({ username: "Alex.Wilber", password: "pässwörd" }, "/h/u0")).toBe(
      "alex.wilber:{PLAIN}pässwörd::::/h/u0::",
    );
  });

  it("refuses values that would break the file", () => {
    expect(() => passwdLine({ username: "a", password: "x:y" }, "/h")).toThrow(/cannot hold/);
  });
});
