import { loadavg } from "node:os";
import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { expect, it } from "vitest";
import {
  connectImap,
  type ImapSession,
  type WatchEvent,
  type WatchState,
  watchMailbox,
} from "../src/index.js";
import { dovecotImapsOptions } from "./support/dovecot-options.js";
import { collectEvents, commandLog, messageEvents } from "./support/watch-support.js";

const COUNT = 5_000;

function raw(n: number): Uint8Array {
  return new TextEncoder().encode(
    `From: a@mailwire.test\r\nTo: b@mailwire.test\r\nSubject: cost ${n}\r\nMessage-ID: <cost-${n}@mailwire.test>\r\n\r\nbody ${n}\r\n`,
  );
}

interface Cost {
  readonly method: string;
  readonly events: WatchEvent[];
  readonly commands: string[];
  readonly received: number;
  readonly sent: number;
}

/**
 * What one resync of a 5,000-message folder with 10 changes costs on the wire, QRESYNC against
 * UID SEARCH ALL, from the same saved state against the same folder. Bytes are imapflow's socket
 * counters from after login to the `synced` event: SELECT (with its LIST) and the resync.
 */
describeWithDovecot("@mailwire/imap watch() resync cost, 5,000 messages, Dovecot", () => {
  const dovecot = useDovecot({
    mailbox: {
      folders: [{ path: ["Inbox"] }],
      messages: Array.from({ length: COUNT }, (_, index) => ({
        folder: ["Inbox"],
        raw: raw(index + 1),
        flags: { seen: index % 3 === 0, flagged: index % 50 === 0 },
      })),
    },
  });

  /**
   * Runs a watch from `state` until its first `synced` event and returns what that cost. Without
   * `change`, counted from after login (a resumed watch). With `change`, the watch first becomes
   * up to date and IDLE, then `change` happens, and bytes are counted from there (a live resync).
   */
  async function measure(
    qresync: boolean,
    state: WatchState,
    change?: () => Promise<unknown>,
  ): Promise<Cost & { state: WatchState }> {
    const log = commandLog();
    let session: ImapSession | undefined;
    const connect = async (signal: AbortSignal | undefined): Promise<ImapSession> => {
      session = await connectImap(
        dovecotImapsOptions(dovecot(), "fixture", { qresync, logger: log.logger, signal }),
      );
      if (change === undefined) {
        session.client.stats(true);
        log.commands.length = 0;
      }
      return session;
    };
    const controller = new AbortController();
    const iterator = watchMailbox(connect, "INBOX", {
      state,
      signal: controller.signal,
      responseTimeoutMs: 60_000,
    })[Symbol.asyncIterator]();
    try {
      const pending = collectEvents(iterator, (got) => got.some((event) => event.type === "synced"), 60_000);
      if (change !== undefined) {
        for (let waited = 0; !log.commands.some((line) => /\bIDLE\b/.test(line)); waited += 100) {
          if (waited > 60_000) throw new Error(`the watcher never IDLEd: ${log.commands.join(" | ")}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        (session as ImapSession).client.stats(true);
        log.commands.length = 0;
        await change();
      }
      const events = await pending;
      const stats = (session as ImapSession).client.stats();
      const synced = events.find((event) => event.type === "synced");
      if (synced?.type !== "synced") throw new Error("no synced event");
      return {
        method: qresync ? "QRESYNC" : "UID SEARCH ALL",
        events: messageEvents(events),
        commands: log.commands.filter((line) => !/\b(IDLE|DONE)\b/.test(line)),
        received: stats.received,
        sent: stats.sent,
        state: synced.state,
      };
    } finally {
      controller.abort();
      await iterator.next().catch(() => undefined);
    }
  }

  it("QRESYNC receives a fraction of what UID SEARCH ALL does, for the same events", async () => {
    const writer = await connectImap(dovecotImapsOptions(dovecot(), "fixture"));
    try {
      const status = await writer.client.status("INBOX", { uidValidity: true });
      if (status === false) throw new Error("STATUS failed");
      // Baseline: every message reported once as new, then the state to resume from.
      const empty: WatchState = {
        uidValidity: status.uidValidity as bigint,
        highestModseq: undefined,
        messages: new Map(),
      };
      const baseline = (await measure(true, empty)).state;
      expect(baseline.messages.size).toBe(COUNT);

      // 10 changes: 4 expunges, 3 flag changes, 3 new messages.
      await writer.delete("INBOX", [17, 1_234, 2_500, 4_999]);
      await writer.setFlags("INBOX", [10], "add", ["\\Answered"]);
      await writer.setFlags("INBOX", [3_001], "remove", ["\\Seen"]);
      await writer.setFlags("INBOX", [4_000], "add", ["$Label1"]);
      for (let n = 1; n <= 3; n += 1) {
        await writer.append("INBOX", new TextDecoder().decode(raw(COUNT + n)), {
          flags: n === 2 ? ["\\Seen"] : [],
        });
      }

      const search = await measure(false, baseline);
      const qresync = await measure(true, baseline);
      expect(search.events).toHaveLength(10);
      expect(qresync.events).toEqual(search.events);
      expect(qresync.commands.some((line) => /UID SEARCH/.test(line))).toBe(false);
      expect(search.commands.some((line) => /UID SEARCH/.test(line))).toBe(true);
      expect(qresync.received * 5).toBeLessThan(search.received);

      // While connected: one flag change notified during IDLE, and the resync it triggers.
      const liveSearch = await measure(false, qresync.state, () =>
        writer.setFlags("INBOX", [20], "add", ["\\Flagged"]),
      );
      const liveQresync = await measure(true, liveSearch.state, () =>
        writer.setFlags("INBOX", [21], "add", ["\\Flagged"]),
      );
      expect(liveSearch.events).toEqual([{ type: "flags", uid: 20, flags: ["\\Flagged"] }]);
      expect(liveQresync.events).toEqual([{ type: "flags", uid: 21, flags: ["\\Flagged"] }]);
      expect(liveQresync.commands.some((line) => /UID SEARCH/.test(line))).toBe(false);
      expect(liveQresync.received * 5).toBeLessThan(liveSearch.received);

      const load = loadavg()
        .map((value) => value.toFixed(2))
        .join(" ");
      const row = (cost: Cost): string =>
        `${cost.method.padEnd(15)} ${String(cost.commands.length).padStart(8)} ${String(cost.sent).padStart(10)} ${String(cost.received).padStart(14)}`;
      console.log(
        [
          `resync of a ${COUNT}-message INBOX with 10 changes (4 expunged, 3 re-flagged, 3 new), Dovecot, one run; load average ${load}`,
          "method          commands bytes sent bytes received   (from after login to the synced event)",
          row(search),
          row(qresync),
          "one flag change while connected (IDLE notification to synced event):",
          row(liveSearch),
          row(liveQresync),
          `commands, UID SEARCH path: ${search.commands.join(" | ")}`,
          `commands, QRESYNC path:    ${qresync.commands.join(" | ")}`,
          `commands while connected, UID SEARCH path: ${liveSearch.commands.join(" | ")}`,
          `commands while connected, QRESYNC path:    ${liveQresync.commands.join(" | ")}`,
        ].join("\n"),
      );
    } finally {
      await writer.close();
    }
  }, 180_000);
});
