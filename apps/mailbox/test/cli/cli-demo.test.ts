import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dovecotAvailability } from "@mailwire/dovecot-harness";
import { describe, expect, it } from "vitest";
import { requireBuiltCli, runCliProcess } from "./spawn-cli.js";

// `mailbox demo` (the root `npm run demo`) as a user runs it: local servers only, every
// protocol, and the same Inbox through each.

describe("mailbox demo", () => {
  it("opens the same mailbox through every protocol it can run here", { timeout: 120_000 }, async () => {
    requireBuiltCli();
    const home = await mkdtemp(join(tmpdir(), "mailbox-demo-"));
    try {
      const run = await runCliProcess(["demo", "--json"], { MAILBOX_HOME: home });
      expect(run.code, run.stderr).toBe(0);
      const doc = run.json()[0] as {
        sameInbox: boolean;
        inboxMessages: number;
        protocols: { protocol: string; ok: boolean; inboxTotal?: number; error?: string }[];
      };
      const expected = dovecotAvailability().available
        ? ["mapi-http", "rpc-http", "ews", "imap", "pop3"]
        : ["mapi-http", "rpc-http", "ews"];
      expect(doc.protocols.map((p) => p.protocol)).toEqual(expected);
      for (const p of doc.protocols) expect(p.ok, `${p.protocol}: ${p.error}`).toBe(true);
      expect(doc.sameInbox).toBe(true);
      expect(doc.inboxMessages).toBeGreaterThan(0);
      expect(doc.protocols.every((p) => p.inboxTotal === doc.inboxMessages)).toBe(true);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
