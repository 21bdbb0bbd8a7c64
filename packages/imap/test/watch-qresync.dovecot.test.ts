import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  connectImap,
  type ImapSession,
  type WatchEvent,
  type WatchState,
  watchMailbox,
} from "../src/index.js";
import { dovecotImapsOptions } from "./support/dovecot-options.js";
import { collectEvents, commandLog, describeEvents, messageEvents } from "./support/watch-support.js";

function message(n: number): string {
  return `From: a@mailwire.test\r\nTo: b@mailwire.test\r\nSubject: resync ${n}\r\nMessage-ID: <resync-${n}@mailwire.test>\r\n\r\nbody ${n}\r\n`;
}

interface ScenarioRun {
  /** Message events of the resync after the gap, in order. */
  readonly events: WatchEvent[];
  /** Commands the watcher sent for that resync (SELECT onwards). */
  readonly commands: string[];
  readonly state: WatchState;
}

describeWithDovecot("@mailwire/imap watch() resync: QRESYNC against UID SEARCH, Dovecot", () => {
  const dovecot = useDovecot({ fixture: { messageCount: 5, largeMessageBytes: 0 } });
  let writer: ImapSession;

  beforeAll(async () => {
    writer = await connectImap(dovecotImapsOptions(dovecot(), "second"));
  });
  afterAll(async () => {
    await writer?.close();
  });

  /** One watch from `state` until its first `synced` (or `untilTypes` seen), then stopped. */
  async function watchOnce(
    folder: string,
    qresync: boolean,
    state: WatchState,
  ): Promise<{ events: WatchEvent[]; commands: string[] }> {
    const log = commandLog();
    const session = await connectImap(
      dovecotImapsOptions(dovecot(), "second", { qresync, logger: log.logger }),
    );
    const controller = new AbortController();
    try {
      log.commands.length = 0;
      const iterator = session
        .watch(folder, { state, signal: controller.signal, responseTimeoutMs: 20_000 })
        [Symbol.asyncIterator]();
      const events = await collectEvents(iterator, (got) =>
        got.some((event) => event.type === "synced"),
      ).catch((error: Error) => {
        throw new Error(`${error.message}\nsent: ${log.commands.join("\n")}`);
      });
      controller.abort();
      await iterator.next().catch(() => undefined);
      return { events, commands: log.commands.filter((line) => !/\b(IDLE|DONE|NOOP|LOGOUT)\b/.test(line)) };
    } finally {
      controller.abort();
      await session.close();
    }
  }

  function syncedState(events: readonly WatchEvent[]): WatchState {
    const synced = events.find((event) => event.type === "synced");
    if (synced?.type !== "synced") throw new Error(`no synced event in ${describeEvents(events)}`);
    return synced.state;
  }

  /**
   * A fresh folder with 8 messages, a baseline, then while no watcher is connected: two
   * expunges, flags removed, added and changed back, a message appended and expunged again,
   * and three appends (one flagged); then a watch resumed from the baseline.
   */
  async function scenario(folder: string, qresync: boolean): Promise<ScenarioRun> {
    await writer.client.mailboxCreate(folder);
    const uids: number[] = [];
    let uidValidity: bigint | undefined;
    for (let n = 1; n <= 8; n += 1) {
      const flags = n === 3 ? ["\\Seen"] : n === 5 ? ["\\Flagged"] : [];
      const appended = await writer.append(folder, message(n), { flags });
      uids.push(appended.uid as number);
      uidValidity = appended.uidValidity;
    }
    // Baseline: a watch from an empty state reports all eight as new and hands over the state.
    const empty: WatchState = {
      uidValidity: uidValidity as bigint,
      highestModseq: undefined,
      messages: new Map(),
    };
    const first = await watchOnce(folder, qresync, empty);
    expect(messageEvents(first.events)).toHaveLength(8);
    const baseline = syncedState(first.events);
    expect(baseline.highestModseq).toBeDefined();

    const [u1, u2, u3, u4, , u6, u7, u8] = uids as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    await writer.delete(folder, [u2, u6]);
    await writer.setFlags(folder, [u3], "remove", ["\\Seen"]);
    await writer.setFlags(folder, [u4], "add", ["\\Answered", "$Label1"]);
    await writer.setFlags(folder, [u8], "add", ["\\Flagged"]);
    await writer.setFlags(folder, [u8], "remove", ["\\Flagged"]); // MODSEQ moves, flags do not
    await writer.setFlags(folder, [u1], "add", ["\\Seen"]);
    const gone = await writer.append(folder, message(9));
    await writer.delete(folder, [gone.uid as number]); // never seen by the watcher
    const added: number[] = [];
    for (let n = 10; n <= 12; n += 1) {
      const appended = await writer.append(folder, message(n), { flags: n === 11 ? ["\\Flagged"] : [] });
      added.push(appended.uid as number);
    }
    await writer.setFlags(folder, [u7], "add", ["\\Deleted"]); // flagged \Deleted, not expunged

    const resumed = await watchOnce(folder, qresync, baseline);
    return {
      events: messageEvents(resumed.events),
      commands: resumed.commands,
      state: syncedState(resumed.events),
    };
  }

  it("reports the same events, in the same order, with QRESYNC on and off; only the QRESYNC run avoids UID SEARCH", async () => {
    const off = await scenario("ResyncSearch", false);
    const on = await scenario("ResyncQresync", true);

    // Same operations on fresh folders give the same UIDs, so the lists compare as they are.
    expect(on.events).toEqual(off.events);
    expect(on.events).toEqual([
      { type: "expunged", uid: 2 },
      { type: "expunged", uid: 6 },
      { type: "flags", uid: 1, flags: ["\\Seen"] },
      { type: "flags", uid: 3, flags: [] },
      { type: "flags", uid: 4, flags: ["$Label1", "\\Answered"] },
      { type: "flags", uid: 7, flags: ["\\Deleted"] },
      { type: "new", uid: 10, flags: [] },
      { type: "new", uid: 11, flags: ["\\Flagged"] },
      { type: "new", uid: 12, flags: [] },
    ]);
    expect([...on.state.messages]).toEqual([...off.state.messages]);

    expect(off.commands.some((line) => /UID SEARCH/i.test(line))).toBe(true);
    expect(on.commands.some((line) => /UID SEARCH/i.test(line))).toBe(false);
    expect(on.commands.some((line) => /SELECT .*\(QRESYNC \(\d+ \d+\)\)/i.test(line))).toBe(true);
    // The SELECT's answers were the whole resync: no FETCH either.
    expect(on.commands.some((line) => /FETCH/i.test(line))).toBe(false);
  }, 120_000);

  /**
   * A watch that stays connected while another connection changes the folder with single-step
   * commands (STORE, APPEND, MOVE: each one change, so no intermediate state can be observed).
   */
  async function liveScenario(
    folder: string,
    qresync: boolean,
  ): Promise<{ events: WatchEvent[]; commands: string[] }> {
    await writer.client.mailboxCreate(folder);
    const uids: number[] = [];
    for (let n = 1; n <= 5; n += 1) uids.push((await writer.append(folder, message(n))).uid as number);
    const [u1, u2, u3, , u5] = uids as [number, number, number, number, number];
    const log = commandLog();
    const session = await connectImap(
      dovecotImapsOptions(dovecot(), "second", { qresync, logger: log.logger }),
    );
    const controller = new AbortController();
    const iterator = session
      .watch(folder, { signal: controller.signal, responseTimeoutMs: 20_000, heartbeatMs: 60_000 })
      [Symbol.asyncIterator]();
    try {
      const events: WatchEvent[] = [];
      // Waits for one more message event; the first pull also connects and takes the baseline.
      const nextChange = (): Promise<void> =>
        collectEvents(iterator, (got) => messageEvents(got).length >= 1, 30_000).then((got) => {
          events.push(...messageEvents(got));
        });
      let pending = nextChange();
      // The baseline is done once the watcher IDLEs; what it sends from here on is the resyncs.
      for (let waited = 0; !log.commands.some((line) => /\bIDLE\b/.test(line)); waited += 100) {
        if (waited > 30_000) throw new Error(`the watcher never IDLEd: ${log.commands.join(" | ")}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const baselineCommands = log.commands.length;
      // One change at a time, each reported before the next: six resyncs on one connection.
      const changes: (() => Promise<unknown>)[] = [
        () => writer.setFlags(folder, [u1], "add", ["\\Seen"]),
        () => writer.move(folder, [u2], "INBOX"),
        () => writer.append(folder, message(6), { flags: ["\\Flagged"] }),
        () => writer.setFlags(folder, [u5], "add", ["$Label2"]),
        () => writer.move(folder, [u3], "INBOX"),
        () => writer.append(folder, message(7)),
      ];
      for (const [index, change] of changes.entries()) {
        await change();
        await pending;
        if (index < changes.length - 1) pending = nextChange();
      }
      return { events, commands: log.commands.slice(baselineCommands) };
    } finally {
      controller.abort();
      await iterator.next().catch(() => undefined);
      await session.close();
    }
  }

  it("while connected: the same events with QRESYNC on and off, and with QRESYNC no UID SEARCH after the baseline", async () => {
    const byUid = (a: WatchEvent, b: WatchEvent): number =>
      ("uid" in a ? a.uid : 0) - ("uid" in b ? b.uid : 0) || a.type.localeCompare(b.type);
    const off = await liveScenario("LiveSearch", false);
    const on = await liveScenario("LiveQresync", true);
    // Notifications may be batched differently between runs, so compare the sets of events.
    const expected = [
      { type: "flags", uid: 1, flags: ["\\Seen"] },
      { type: "expunged", uid: 2 },
      { type: "expunged", uid: 3 },
      { type: "flags", uid: 5, flags: ["$Label2"] },
      { type: "new", uid: 6, flags: ["\\Flagged"] },
      { type: "new", uid: 7, flags: [] },
    ];
    expect([...off.events].sort(byUid)).toEqual(expected);
    expect([...on.events].sort(byUid)).toEqual(expected);
    expect(off.commands.some((line) => /UID SEARCH/i.test(line))).toBe(true);
    expect(on.commands.some((line) => /UID SEARCH/i.test(line))).toBe(false);
    expect(on.commands.some((line) => /SELECT .*\(QRESYNC \(\d+ \d+\)\)/i.test(line))).toBe(true);
  }, 120_000);

  /**
   * A watch whose connection is dropped (closed under it) and whose reconnect is held back
   * until another connection has changed the folder: the resync after a real reconnect.
   */
  async function reconnectScenario(
    folder: string,
    qresync: boolean,
  ): Promise<{ events: WatchEvent[]; commands: string[] }> {
    await writer.client.mailboxCreate(folder);
    const uids: number[] = [];
    for (let n = 1; n <= 6; n += 1) {
      uids.push(
        (await writer.append(folder, message(n), { flags: n === 3 ? ["\\Seen"] : [] })).uid as number,
      );
    }
    const [u1, u2, u3, , u5] = uids as [number, number, number, number, number];
    const log = commandLog();
    let gate: Promise<void> = Promise.resolve();
    let release = (): void => {};
    let current: ImapSession | undefined;
    const connect = async (signal: AbortSignal | undefined): Promise<ImapSession> => {
      await gate;
      current = await connectImap(
        dovecotImapsOptions(dovecot(), "second", { qresync, logger: log.logger, signal }),
      );
      return current;
    };
    const controller = new AbortController();
    const iterator = watchMailbox(connect, folder, {
      signal: controller.signal,
      responseTimeoutMs: 20_000,
      backoff: { baseDelayMs: 50, maxDelayMs: 100 },
    })[Symbol.asyncIterator]();
    try {
      const pending = collectEvents(
        iterator,
        (got) =>
          got.some((event) => event.type === "reconnected") &&
          messageEvents(got).length >= 6 &&
          got.at(-1)?.type === "synced",
        60_000,
      );
      for (let waited = 0; !log.commands.some((line) => /\bIDLE\b/.test(line)); waited += 100) {
        if (waited > 30_000) throw new Error(`the watcher never IDLEd: ${log.commands.join(" | ")}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      gate = new Promise((resolve) => {
        release = resolve;
      });
      current?.destroy();
      await writer.delete(folder, [u2, u5]);
      await writer.setFlags(folder, [u3], "remove", ["\\Seen"]);
      await writer.setFlags(folder, [u1], "add", ["\\Flagged"]);
      await writer.append(folder, message(7));
      await writer.append(folder, message(8), { flags: ["\\Seen"] });
      log.commands.length = 0;
      release();
      const events = await pending;
      return { events, commands: log.commands.filter((line) => !/\b(IDLE|DONE)\b/.test(line)) };
    } finally {
      release();
      controller.abort();
      await iterator.next().catch(() => undefined);
    }
  }

  it("after a dropped connection: the same events with QRESYNC on and off, and with QRESYNC no UID SEARCH", async () => {
    const off = await reconnectScenario("ReconnectSearch", false);
    const on = await reconnectScenario("ReconnectQresync", true);
    for (const run of [off, on]) {
      expect(run.events.map((event) => event.type).filter((type) => type === "reconnected")).toHaveLength(1);
    }
    expect(messageEvents(on.events)).toEqual(messageEvents(off.events));
    expect(messageEvents(on.events)).toEqual([
      { type: "expunged", uid: 2 },
      { type: "expunged", uid: 5 },
      { type: "flags", uid: 1, flags: ["\\Flagged"] },
      { type: "flags", uid: 3, flags: [] },
      { type: "new", uid: 7, flags: [] },
      { type: "new", uid: 8, flags: ["\\Seen"] },
    ]);
    expect(off.commands.some((line) => /UID SEARCH/i.test(line))).toBe(true);
    expect(on.commands.some((line) => /UID SEARCH/i.test(line))).toBe(false);
    expect(on.commands.some((line) => /SELECT .*\(QRESYNC \(\d+ \d+\)\)/i.test(line))).toBe(true);
  }, 120_000);

  it("falls back to the full resync (UID SEARCH ALL) and reports uidvalidity when UIDVALIDITY changed", async () => {
    const folder = "ResyncValidity";
    await writer.client.mailboxCreate(folder);
    const a = await writer.append(folder, message(1));
    const b = await writer.append(folder, message(2), { flags: ["\\Seen"] });
    const status = await writer.client.status(folder, { highestModseq: true });
    if (status === false) throw new Error("STATUS failed");
    // A state from "another" incarnation of the folder: same UIDs, different UIDVALIDITY.
    const stale: WatchState = {
      uidValidity: (a.uidValidity as bigint) + 1n,
      highestModseq: status.highestModseq,
      messages: new Map([
        [a.uid as number, ["\\Seen"]],
        [99, []],
      ]),
    };
    const { events, commands } = await watchOnce(folder, true, stale);
    expect(events[0]).toEqual({ type: "uidvalidity", previous: stale.uidValidity, current: a.uidValidity });
    expect(messageEvents(events)).toEqual([]);
    expect([...syncedState(events).messages]).toEqual([
      [a.uid, []],
      [b.uid, ["\\Seen"]],
    ]);
    // imapflow sent the QRESYNC parameter; the server ignored it (RFC 7162 §3.2.5.2), so the
    // watcher listed the UIDs.
    expect(commands.some((line) => /QRESYNC/i.test(line))).toBe(true);
    expect(commands.some((line) => /UID SEARCH/i.test(line))).toBe(true);
  }, 60_000);
});
