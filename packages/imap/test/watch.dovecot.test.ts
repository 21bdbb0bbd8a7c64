import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectImap, type ImapConnectOptions, type ImapSession, type WatchEvent } from "../src/index.js";
import { collectEvents, messageEvents } from "./support/watch-support.js";

const run = promisify(execFile);

function message(n: number): string {
  return `From: a@mailwire.test\r\nTo: b@mailwire.test\r\nSubject: watch ${n}\r\nMessage-ID: <watch-${n}@mailwire.test>\r\n\r\nbody ${n}\r\n`;
}

describeWithDovecot("@mailwire/imap watch() against Dovecot", () => {
  const dovecot = useDovecot({ fixture: { messageCount: 5, largeMessageBytes: 0 } });
  let writer: ImapSession;
  let watcherSession: ImapSession;

  function options(): ImapConnectOptions {
    const server = dovecot();
    const user = server.user("second");
    return {
      host: server.host,
      port: server.ports.imap,
      tls: "starttls",
      tlsOptions: { ca: server.caPem },
      auth: { username: user.username, password: user.password },
      timeoutMs: 20_000,
    };
  }

  beforeAll(async () => {
    writer = await connectImap(options());
    watcherSession = await connectImap(options());
  });
  afterAll(async () => {
    await writer?.close();
    await watcherSession?.close();
  });

  it("reports appends, flag changes and expunges from another connection, then survives doveadm kick exactly once", async () => {
    const controller = new AbortController();
    const watch = watcherSession.watch("INBOX", {
      signal: controller.signal,
      heartbeatMs: 2_000,
      responseTimeoutMs: 5_000,
      backoff: { baseDelayMs: 100, maxDelayMs: 500 },
    });
    const iterator = watch[Symbol.asyncIterator]();
    // The first pull connects and takes the baseline; start it before the first append.
    const firstEvents = collectEvents(iterator, (events) => messageEvents(events).length >= 1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const first = await writer.append("INBOX", message(1));
    const got = await firstEvents;
    expect(messageEvents(got)).toEqual([{ type: "new", uid: first.uid, flags: [] }]);

    await writer.setFlags("INBOX", [first.uid as number], "add", ["\\Seen"]);
    const flagEvents = await collectEvents(iterator, (events) => messageEvents(events).length >= 1, 15_000);
    expect(messageEvents(flagEvents)).toEqual([{ type: "flags", uid: first.uid, flags: ["\\Seen"] }]);

    // Kill the watcher's server process; while it is gone, the mailbox changes.
    const server = dovecot();
    const user = server.user("second");
    // The writer's delete is a STORE \Deleted then an EXPUNGE: a resync that lands between the
    // two (a loaded machine, a quick reconnect) truly sees uid 1 flagged \Deleted first. That
    // event is right but not what this test counts, so it is left out of `changes`.
    const isDeletedFlag = (event: WatchEvent) =>
      event.type === "flags" && event.uid === first.uid && event.flags.includes("\\Deleted");
    const countedChanges = (events: WatchEvent[]) =>
      messageEvents(events).filter((event) => !isDeletedFlag(event));
    const pending = collectEvents(
      iterator,
      (events) => events.some((event) => event.type === "reconnected") && countedChanges(events).length >= 3,
      30_000,
    );
    await run("doveadm", ["-c", server.configPath, "kick", user.username]);
    // The writer was kicked too (same user): reconnect it.
    await writer.close();
    writer = await connectImap(options());
    const second = await writer.append("INBOX", message(2));
    const third = await writer.append("INBOX", message(3), { flags: ["\\Flagged"] });
    await writer.delete("INBOX", [first.uid as number]);
    const afterKick = await pending;
    const reconnected = afterKick.find((event) => event.type === "reconnected");
    expect(reconnected).toBeDefined();
    const changes = countedChanges(afterKick);
    expect(changes).toHaveLength(3);
    expect(changes).toEqual(
      expect.arrayContaining([
        { type: "expunged", uid: first.uid },
        { type: "new", uid: second.uid, flags: [] },
        { type: "new", uid: third.uid, flags: ["\\Flagged"] },
      ]),
    );

    // Nothing more arrives: every change was reported exactly once (a trailing `synced` is fine).
    const later: WatchEvent[] = [];
    let pendingNext: Promise<unknown> | undefined;
    const quietUntil = Date.now() + 4_500;
    while (Date.now() < quietUntil) {
      pendingNext = iterator.next();
      const next = await Promise.race([
        pendingNext,
        new Promise<"quiet">((resolve) => setTimeout(() => resolve("quiet"), quietUntil - Date.now())),
      ]);
      if (next === "quiet") break;
      pendingNext = undefined;
      const result = next as IteratorResult<WatchEvent>;
      if (result.done) break;
      later.push(result.value);
    }
    expect(messageEvents(later)).toEqual([]);
    controller.abort();
    const ending = await (pendingNext ?? iterator.next()).catch((error: unknown) => error);
    expect(ending).toMatchObject({ code: "MW_ABORTED" });
  }, 60_000);
});
