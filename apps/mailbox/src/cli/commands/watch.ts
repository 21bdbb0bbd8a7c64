import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import type { FolderInfo, Mailbox, MessageSummary } from "../../mailbox.js";
import type { SendReceiveSchedule } from "../../profile/profile.js";
import { isOfflineError } from "../../sync/offline-error.js";
import { replayPending } from "../../sync/replay-pending.js";
import { type Command, str } from "../command.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { summaryLine, toJson } from "../format.js";
import { positiveInt, positiveNumber } from "../numbers.js";
import { openSession, type Session } from "../session.js";
import { parseSchedule } from "./connect.js";
import { findFolder } from "./folder-list.js";

// New mail as it arrives, on the three send/receive schedules of Microsoft's POP3/IMAP4 client
// guidance: at start, manually, or every N minutes. A send/receive pass sends the outbox and
// lists the folder's newest messages, reporting those not seen before. Where the protocol can
// push (MAPI NotificationWait, EWS streaming, IMAP IDLE), the at-start schedule keeps listening
// after its pass, so new mail shows in near real time.

const PASS_WINDOW = 50;

async function newestIds(
  mailbox: Mailbox,
  folderId: string,
  signal: AbortSignal | undefined,
): Promise<MessageSummary[]> {
  const out: MessageSummary[] = [];
  for await (const m of mailbox.list(folderId, { signal, pageSize: PASS_WINDOW })) {
    out.push(m);
    if (out.length >= PASS_WINDOW) break;
  }
  return out;
}

export const watchCommand: Command = {
  name: "watch",
  summary: "report new mail: send/receive at start, manually, or every N minutes",
  usage: `mailbox watch [--folder F] [--schedule at-start|manual|every:MINUTES] [--interval SECONDS] [--for SECONDS] [--max-new N]
  at-start  one send/receive now, then push notifications where the protocol has them (default)
  manual    a send/receive each time you press Enter
  every:N   a send/receive every N minutes (--interval SECONDS for finer steps)
  --for S   stop after S seconds; --max-new N stop after N new messages
  --json    NDJSON: {"type":"pass",...}, {"type":"new","message":{...}}, {"type":"event",...}`,
  positionals: [0, 0],
  options: {
    folder: { type: "string" },
    schedule: { type: "string" },
    interval: { type: "string" },
    for: { type: "string" },
    "max-new": { type: "string" },
  },
  async run(context, values) {
    const session = await openSession(context, { needsServer: true });
    const stop = new AbortController();
    const onOuterAbort = () => stop.abort();
    context.signal?.addEventListener("abort", onOuterAbort, { once: true });
    const forSeconds = positiveNumber(str(values, "for"), "for");
    const timer = forSeconds === undefined ? undefined : setTimeout(() => stop.abort(), forSeconds * 1000);
    const maxNew = str(values, "max-new")
      ? positiveInt(str(values, "max-new"), "max-new", 1)
      : Number.POSITIVE_INFINITY;
    try {
      const schedule: SendReceiveSchedule = str(values, "schedule")
        ? parseSchedule(str(values, "schedule"))
        : session.profile.schedule;
      const folder = await findFolder(context, session, str(values, "folder") ?? "inbox");
      const intervalSeconds = positiveNumber(str(values, "interval"), "interval");
      const watcher = new Watcher(context, session, folder, stop, maxNew);
      await watcher.prime();
      context.out.note(`watching ${folder.path.join("/")} (${describe(schedule)}); Ctrl-C stops`);
      if (schedule.kind === "at-start") {
        await watcher.pass("at-start");
        if (session.mailbox?.capabilities.watch === "push") await watcher.listen();
      } else if (schedule.kind === "every") {
        const ms = (intervalSeconds ?? schedule.minutes * 60) * 1000;
        while (!stop.signal.aborted) {
          await watcher.pass("every");
          await sleep(ms, undefined, { signal: stop.signal }).catch(() => undefined);
        }
      } else {
        const lines = createInterface({ input: context.env.stdin });
        stop.signal.addEventListener("abort", () => lines.close(), { once: true });
        for await (const _line of lines) {
          await watcher.pass("manual");
          if (stop.signal.aborted) break;
        }
      }
      return ExitCode.OK;
    } finally {
      if (timer) clearTimeout(timer);
      context.signal?.removeEventListener("abort", onOuterAbort);
      await session.close();
    }
  },
};

function describe(schedule: SendReceiveSchedule): string {
  return schedule.kind === "every" ? `every ${schedule.minutes} min` : schedule.kind;
}

class Watcher {
  readonly #known = new Set<string>();
  #reported = 0;

  constructor(
    readonly context: CommandContext,
    readonly session: Session,
    readonly folder: FolderInfo,
    readonly stop: AbortController,
    readonly maxNew: number,
  ) {}

  get #mailbox(): Mailbox {
    const mailbox = this.session.mailbox;
    if (!mailbox) throw new Error("watch needs the server");
    return mailbox;
  }

  /** What counts as already seen: the store's copy in cached mode, else the folder right now. */
  async prime(): Promise<void> {
    const cached = await this.session.store?.index(this.folder.id);
    const seed = cached?.messages ?? (await newestIds(this.#mailbox, this.folder.id, this.stop.signal));
    for (const m of seed) this.#known.add(m.id);
  }

  async pass(trigger: string): Promise<void> {
    try {
      const sent = this.session.store
        ? await replayPending(this.#mailbox, this.session.store, { signal: this.stop.signal })
        : 0;
      const newest = await newestIds(this.#mailbox, this.folder.id, this.stop.signal);
      const fresh = newest.filter((m) => !this.#known.has(m.id)).reverse();
      this.context.out.record({
        type: "pass",
        trigger,
        sent,
        new: fresh.length,
        at: new Date().toISOString(),
      });
      for (const m of fresh) this.#report(m);
    } catch (error) {
      if (this.stop.signal.aborted) return;
      if (!isOfflineError(error)) throw error;
      this.context.out.record({ type: "offline", reason: (error as Error).message });
      this.context.out.note(`mailbox: send/receive failed, server unreachable: ${(error as Error).message}`);
    }
  }

  #report(m: MessageSummary): void {
    if (this.#known.has(m.id)) return;
    this.#known.add(m.id);
    this.context.out.text(`new: ${summaryLine(m)}`);
    this.context.out.record({ type: "new", folderId: this.folder.id, message: toJson(m) });
    this.#reported += 1;
    if (this.#reported >= this.maxNew) this.stop.abort();
  }

  /** Push notifications; each "new" (or "resync") triggers a look at the newest messages. */
  async listen(): Promise<void> {
    try {
      for await (const event of this.#mailbox.watch({ folderId: this.folder.id, signal: this.stop.signal })) {
        this.context.out.record({ type: "event", event: toJson(event) });
        if (event.type === "new" || event.type === "resync") await this.pass("push");
        if (this.stop.signal.aborted) break;
      }
    } catch (error) {
      if (!this.stop.signal.aborted) throw error;
    }
  }
}
