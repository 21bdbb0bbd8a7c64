import type { DiscoveryResult } from "@mailwire/autodiscover";
import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { expect, it } from "vitest";
import { connectMailbox } from "../../src/connect/connect-mailbox.js";
import { createMailbox } from "../../src/connect/create-mailbox.js";
import { ConnectFailedError } from "../../src/errors.js";

// connectMailbox and createMailbox for a mailbox that only offers IMAP and POP3 (as Autodiscover's
// autoconfig or a saved profile would describe it), against a real Dovecot.

describeWithDovecot("connectMailbox with IMAP and POP3 against Dovecot", () => {
  const dovecot = useDovecot({ fixture: { messageCount: 20, largeMessageBytes: 0 } });

  /** What autoconfig would have found: implicit TLS and STARTTLS for each. */
  function discovery(): DiscoveryResult {
    const server = dovecot();
    const user = server.user("fixture");
    return {
      emailAddress: user.address,
      user: {},
      imap: [
        { host: server.host, port: server.ports.imap, encryption: "starttls", source: "autoconfig" },
        { host: server.host, port: server.ports.imaps, encryption: "tls", source: "autoconfig" },
      ],
      pop3: [{ host: server.host, port: server.ports.pop3s, encryption: "tls", source: "autoconfig" }],
      smtp: [],
      source: { method: "autoconfig" },
      trace: [],
    };
  }

  const credentials = (password?: string) => {
    const user = dovecot().user("fixture");
    return { username: user.username, password: password ?? user.password };
  };

  it("falls through the Exchange protocols (no endpoints) to IMAP over implicit TLS", async () => {
    const result = await connectMailbox(dovecot().user("fixture").address, {
      credentials: credentials(),
      discovery: discovery(),
      tls: { ca: dovecot().caPem },
    });
    try {
      expect(result.mailbox.protocol).toBe("imap");
      expect(result.attempts.map((a) => [a.protocol, a.outcome])).toEqual([
        ["mapi-http", "no-endpoint"],
        ["rpc-http", "no-endpoint"],
        ["ews", "no-endpoint"],
        ["imap", "connected"],
      ]);
      expect(result.attempts[3]?.endpoint).toBe(`${dovecot().host}:${dovecot().ports.imaps}`);
      const inbox = (await result.mailbox.folders()).find((folder) => folder.role === "inbox");
      expect(inbox?.total).toBe(dovecot().user("fixture").messageCounts.INBOX);
    } finally {
      await result.mailbox.close();
    }
  });

  it("createMailbox opens POP3 from the same settings", async () => {
    const mailbox = await createMailbox("pop3", discovery(), credentials(), { tls: { ca: dovecot().caPem } });
    try {
      expect(mailbox.protocol).toBe("pop3");
      const [inbox] = await mailbox.folders();
      expect(inbox?.total).toBe(dovecot().user("fixture").messageCounts.INBOX);
    } finally {
      await mailbox.close();
    }
  });

  it("a refused IMAP password is not tried on POP3", async () => {
    const error = await connectMailbox(dovecot().user("fixture").address, {
      credentials: credentials("not-the-password"),
      discovery: discovery(),
      tls: { ca: dovecot().caPem },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectFailedError);
    expect(error).toMatchObject({ code: "MW_AUTH_FAILED" });
    expect(
      (error as ConnectFailedError).attempts.slice(3).map((a) => [a.protocol, a.outcome, a.step]),
    ).toEqual([
      ["imap", "failed", "authenticate"],
      ["pop3", "skipped", undefined],
    ]);
    expect((error as Error).message).not.toContain("not-the-password");
  });
});
