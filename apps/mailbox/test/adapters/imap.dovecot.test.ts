import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { fixtureMailbox } from "@mailwire/fixtures";
import { connectImap, type ImapConnectOptions } from "@mailwire/imap";
import { openImapMailbox } from "../../src/adapters/imap/open-imap-mailbox.js";
import { mailboxContract } from "./contract.js";
import { newMessage } from "./new-message.js";

// The Mailbox contract over IMAP against a real Dovecot seeded with the fixture mailbox.

describeWithDovecot("imap adapter against Dovecot", () => {
  const fixture = fixtureMailbox({ messageCount: 40, largeMessageBytes: 0 });
  const dovecot = useDovecot({ mailbox: fixture });

  const connect = (): ImapConnectOptions => {
    const server = dovecot();
    const user = server.user("fixture");
    return {
      host: server.host,
      port: server.ports.imaps,
      tlsOptions: { ca: server.caPem },
      auth: { username: user.username, password: user.password },
      timeoutMs: 20_000,
    };
  };

  mailboxContract({
    open: () => openImapMailbox({ connect: connect() }),
    // UIDs follow the fixture's order, and IMAP lists by arrival: highest UID first.
    inbox: () => fixture.messages.filter((m) => m.folder.join("/") === "Inbox").reverse(),
    roles: ["inbox", "sent", "drafts", "trash", "junk"],
    canSend: false,
    deliver: async (subject) => {
      const other = await connectImap(connect());
      try {
        await other.append("INBOX", newMessage(subject, fixture.user.address).raw);
      } finally {
        await other.close();
      }
    },
  });
});
