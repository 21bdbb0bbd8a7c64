import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MapiMailboxAdapter } from "../../src/adapters/mapi/mapi-mailbox.js";
import { openMapiHttpMailbox } from "../../src/adapters/mapi/open-mapi-http-mailbox.js";
import type { Mailbox, MailEvent } from "../../src/mailbox.js";
import { simMapiSession } from "./sim-mapi-session.js";

// MAPI watch against exchange-sim: new mail comes from the session's notifications
// (RopRegisterNotification + NotificationWait), well before the folder comparison interval;
// what notifications do not carry (a message gone) still comes from the comparison.

let sim: ExchangeSim;
const opened: MapiMailboxAdapter[] = [];

function open(): Promise<MapiMailboxAdapter> {
  return openMapiHttpMailbox({
    session: simMapiSession(sim),
  }).then((mailbox) => {
    opened.push(mailbox);
    return mailbox;
  });
}

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 20, largeMessageBytes: 0 } });
});
afterAll(async () => {
  for (const mailbox of opened) await mailbox.close().catch(() => undefined);
  await sim?.close();
});

/** Starts watching the Inbox; `until` picks the event to wait for. */
async function watchFor(
  mailbox: Mailbox,
  inboxId: string,
  pollIntervalMs: number,
  act: () => Promise<void>,
  until: (event: MailEvent) => boolean,
): Promise<{ event: MailEvent; elapsedMs: number }> {
  const controller = new AbortController();
  const iterator = mailbox
    .watch({ folderId: inboxId, signal: controller.signal, pollIntervalMs })
    [Symbol.asyncIterator]();
  const first = iterator.next();
  // Let the baseline snapshot and the subscription happen first.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const started = Date.now();
  await act();
  const deadline = setTimeout(() => controller.abort(new Error("no event in time")), 15_000);
  try {
    let result = await first;
    while (!result.done) {
      if (until(result.value)) return { event: result.value, elapsedMs: Date.now() - started };
      result = await iterator.next();
    }
    throw new Error("watch ended without the event");
  } finally {
    clearTimeout(deadline);
    controller.abort();
    await iterator.return?.(undefined).catch(() => undefined);
  }
}

describe("mapi-http watch", () => {
  it("reports a message moved into the Inbox by another connection from its notification, long before pollIntervalMs", async () => {
    const watcher = await open();
    const other = await open();
    const folders = await other.folders();
    const inbox = folders.find((f) => f.role === "inbox");
    const source = folders.find((f) => f.role !== "inbox" && (f.total ?? 0) > 0);
    expect(inbox && source).toBeTruthy();
    let moved: { subject: string } | undefined;
    const { event, elapsedMs } = await watchFor(
      watcher,
      inbox!.id,
      120_000,
      async () => {
        for await (const message of other.list(source!.id)) {
          moved = { subject: message.subject };
          await other.move([message.id], inbox!.id);
          break;
        }
      },
      (e) => e.type === "new",
    );
    expect(event).toMatchObject({ type: "new", folderId: inbox!.id });
    // The comparison interval is two minutes: only the notification can be this quick.
    expect(elapsedMs).toBeLessThan(8_000);
    if (event.type === "new" && event.messageId !== undefined) {
      expect((await watcher.read(event.messageId)).subject).toBe(moved?.subject);
    }
  }, 30_000);

  it("still reports what notifications do not carry (a message deleted elsewhere) from the folder comparison", async () => {
    const watcher = await open();
    const other = await open();
    const inbox = (await other.folders()).find((f) => f.role === "inbox");
    let deleted: string | undefined;
    const { event } = await watchFor(
      watcher,
      inbox!.id,
      500,
      async () => {
        for await (const message of other.list(inbox!.id)) {
          deleted = message.id;
          await other.delete([message.id], { hard: true });
          break;
        }
      },
      (e) => e.type === "expunged",
    );
    expect(event).toMatchObject({ type: "expunged", folderId: inbox!.id, messageId: deleted });
  }, 30_000);
});
