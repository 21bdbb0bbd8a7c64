import type { MailboxSeed, SeedMessage } from "./seed.js";
import { DEFAULT_FIXTURE_USER } from "./users.js";

function message(
  index: number,
  folder: readonly string[],
  subject: string,
  flags: SeedMessage["flags"],
): SeedMessage {
  const date = new Date(Date.UTC(2024, 0, index, 9, 30, 0));
  const raw = [
    `From: Sender ${index} <sender${index}@mailwire.test>`,
    `To: ${DEFAULT_FIXTURE_USER.address}`,
    `Subject: ${subject}`,
    `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <local-${index}@mailwire.test>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `Body of message ${index}.`,
    "",
  ].join("\r\n");
  return { id: `local-${index}`, folder, raw: new TextEncoder().encode(raw), flags, date };
}

/** A small mailbox used when no seed is given and `@mailwire/fixtures` is not there. */
export function localMailbox(): MailboxSeed {
  return {
    user: DEFAULT_FIXTURE_USER,
    // The same tree as the fixture mailbox: nested, special-use and non-ASCII names.
    folders: [
      { path: ["Inbox"], specialUse: "inbox" },
      { path: ["Drafts"], specialUse: "drafts" },
      { path: ["Sent Items"], specialUse: "sent" },
      { path: ["Deleted Items"], specialUse: "trash" },
      { path: ["Junk Email"], specialUse: "junk" },
      { path: ["Outbox"], specialUse: "outbox" },
      { path: ["Inbox", "Projects"] },
      { path: ["Inbox", "Projects", "Alpha"] },
      { path: ["Archive", "2024"] },
      { path: ["Kundenprojekte – Übersicht", "東京"] },
    ],
    messages: [
      message(1, ["Inbox"], "Welcome", { seen: true }),
      message(2, ["Inbox"], "Quarterly report", { seen: false, flagged: true }),
      message(3, ["Inbox"], "Re: Lunch", { seen: true, answered: true }),
      message(4, ["Inbox", "Projects"], "Project kickoff", { seen: false }),
      message(5, ["Sent Items"], "Lunch", { seen: true }),
      message(6, ["Kundenprojekte – Übersicht", "東京"], "Tokyo office", { seen: true }),
    ],
  };
}
