import { describe, expect, it } from "vitest";
import { type MapiNotification, MapiSession, NotificationTypesMask } from "../src/index.js";
import { fakeMailbox, INBOX, SENT } from "./fake/fake-mailbox.js";
import { FakeTransport } from "./fake/fake-transport.js";
import { FakeRopEngine } from "./fake/rop-engine.js";

async function setup() {
  const engine = new FakeRopEngine(fakeMailbox(3));
  const transport = new FakeTransport(engine);
  const session = await MapiSession.open({ transport, mailboxDn: "/o=Fake/cn=Recipients/cn=fake" });
  return { engine, transport, session };
}

describe("MapiSession.notifications (MS-OXCNOTIF)", () => {
  it("registers, long-polls, fetches RopNotify with an empty Execute, and releases the subscription at the end", async () => {
    const { session, engine, transport } = await setup();
    const received: MapiNotification[] = [];
    const reader = (async () => {
      for await (const n of session.notifications({ folderId: INBOX })) {
        received.push(n);
        if (received.length === 2) break;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const register = engine.requests.find((b) => b[0]?.rop === "RopRegisterNotification")?.[0];
    expect(register).toMatchObject({
      notificationTypes: NotificationTypesMask.NewMail,
      target: { folderId: INBOX, messageId: 0n },
    });
    engine.newMail(SENT, 0x1n); // another folder: not for this subscription
    engine.newMail(INBOX, 0x900001n);
    engine.newMail(INBOX, 0x900002n);
    await reader;
    expect(received.map((n) => [n.kind, n.folderId, n.messageId, n.messageClass])).toEqual([
      ["newMail", INBOX, 0x900001n, "IPM.Note"],
      ["newMail", INBOX, 0x900002n, "IPM.Note"],
    ]);
    expect(transport.waits).toBeGreaterThan(0);
    // The poll was an Execute of no ROPs.
    expect(engine.requests.some((b) => b.length === 0)).toBe(true);
    // The subscription's handle goes out with the next batch.
    await session.listFolders();
    expect(engine.liveKinds).not.toContain("subscription");
  });

  it("notifications that ride on another call's Execute are delivered too", async () => {
    const { session, engine } = await setup();
    const iterator = session.notifications()[Symbol.asyncIterator]();
    const first = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    engine.newMail(INBOX, 0x42n);
    await session.setReadFlags(INBOX, [], true); // this Execute carries the RopNotify
    expect((await first).value).toMatchObject({ kind: "newMail", messageId: 0x42n });
    await iterator.return?.(undefined);
  });

  it("an aborted wait ends the loop with the abort reason", async () => {
    const { session } = await setup();
    const controller = new AbortController();
    const loop = (async () => {
      for await (const _ of session.notifications({ signal: controller.signal })) {
        // nothing arrives
      }
    })();
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(loop).rejects.toThrow("stop");
  });

  it("an abort while the notifications are being fetched lets that Execute finish (regression: it broke RPC sessions)", async () => {
    const { session, engine, transport } = await setup();
    const controller = new AbortController();
    const signals: (AbortSignal | undefined)[] = [];
    const execute = transport.execute.bind(transport);
    transport.execute = async (buffer, options = {}) => {
      signals.push(options.signal);
      if (signals.length > 1) controller.abort(new Error("stop")); // mid-fetch
      return execute(buffer, options);
    };
    const received: MapiNotification[] = [];
    const loop = (async () => {
      for await (const n of session.notifications({ signal: controller.signal })) received.push(n);
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    engine.newMail(INBOX, 0x77n);
    await expect(loop).rejects.toThrow("stop");
    // The register call carried the signal; the fetch did not, completed, and its event was yielded.
    expect(signals[0]).toBe(controller.signal);
    expect(signals[1]).toBeUndefined();
    expect(received.map((n) => n.messageId)).toEqual([0x77n]);
    await session.listFolders(); // the session is still usable
  });
});
