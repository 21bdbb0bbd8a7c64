import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { fixtureMailbox } from "@mailwire/fixtures";
import { connectImap } from "@mailwire/imap";
import { openPop3Mailbox } from "../../src/adapters/pop3/open-pop3-mailbox.js";
import { mailboxContract } from "./contract.js";
import { newMessage } from "./new-message.js";

// The Mailbox contract over POP3 against a real Dovecot: the maildrop is the fixture's INBOX;
// new mail is appended over IMAP, as an MTA would deliver it.

describeWithDovecot("pop3 adapter against Dovecot", () => {
  const fixture = fixtureMailbox({ messageCount: 40, largeMessageBytes: 0 });
  const dovecot = useDovecot({ mailbox: fixture });

  const server = () => {
    const running = dovecot();
    return { running, user: running.user("fixture") };
  };

  mailboxContract({
    open: () => {
      const { running, user } = server();
      return openPop3Mailbox({
        connect: {
          host: running.host,
          port: running.ports.pop3s,
          tlsOptions: { ca: running.caPem },
          auth: { username: user.username, password: user.password },
          timeoutMs: 20_000,
        },
      });
    },
    // Message numbers follow the maildrop's order (the fixture's); newest first is the highest.
    inbox: () => fixture.messages.filter((m) => m.folder.join("/") === "Inbox").reverse(),
    roles: ["inbox"],
    canSend: false,
    deliver: async (subject) => {
      const { running, user } = server();
      const imap = await connectImap({
        host: running.host,
        port: running.ports.imaps,
        tlsOptions: { ca: running.caPem },
        auth: { username: user.username, password: user.password },
      });
      try {
        await imap.append("INBOX", newMessage(subject, fixture.user.address).raw);
      } finally {
        await imap.close();
      }
    },
  });
});
