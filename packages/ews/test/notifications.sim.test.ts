import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EwsClient, StreamNotice } from "../src/index.js";
import { EnvelopeSplitter } from "../src/streaming/envelope-splitter.js";
import { simEwsClient } from "./support/sim-client.js";

// Notifications against exchange-sim: pull subscriptions with watermarks, and the self-healing
// streaming loop through server closes, dropped connections and lost subscriptions.

let sim: ExchangeSim;
let client: EwsClient;

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 60, largeMessageBytes: 0 } });
  client = simEwsClient(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});

const inboxMessages = () => sim.store.messages(sim.store.specialFolder("inbox").id);

describe("pull subscriptions", () => {
  it("delivers events after the watermark, then a StatusEvent; resumes from an old watermark", async () => {
    const { subscriptionId, watermark } = await client.subscribePull(["inbox"]);
    const [a, b] = inboxMessages();
    if (!a || !b) throw new Error("need messages");
    sim.store.markRead(a.id, !a.flags.seen);
    sim.store.moveMessage(b.id, sim.store.specialFolder("junk").id);
    const first = await client.getEvents(subscriptionId, watermark);
    expect(first.events.map((e) => [e.type, e.itemId?.id])).toEqual([
      ["ModifiedEvent", a.id],
      ["MovedEvent", b.id],
    ]);
    expect(first.events[1]?.oldParentFolderId?.id).toBe(sim.store.specialFolder("inbox").id);
    const last = first.events.at(-1)?.watermark ?? "";
    const idle = await client.getEvents(subscriptionId, last);
    expect(idle.events.map((e) => e.type)).toEqual(["StatusEvent"]);
    await client.unsubscribe(subscriptionId);

    const resumed = await client.subscribePull(["inbox"], { watermark });
    const again = await client.getEvents(resumed.subscriptionId, watermark);
    expect(again.events.map((e) => e.type)).toEqual(["ModifiedEvent", "MovedEvent"]);
    await expect(client.getEvents("nope", watermark)).rejects.toMatchObject({
      responseCode: "ErrorSubscriptionNotFound",
    });
  });
});

async function until(condition: () => boolean, describe: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitFor(seen: StreamNotice[], want: (n: StreamNotice) => boolean): Promise<void> {
  await until(
    () => seen.some(want),
    () => `saw ${JSON.stringify(seen.map((n) => n.type))}`,
  );
}

describe("streaming", () => {
  it("streams events across server closes, dropped connections and a lost subscription", async () => {
    sim.ews.clear();
    sim.ews.streaming.heartbeatMs = 100;
    sim.ews.streaming.closeAfterMs = 400;
    const controller = new AbortController();
    const seen: StreamNotice[] = [];
    const pump = (async () => {
      for await (const notice of client.streamEvents(["inbox"], {
        signal: controller.signal,
        reconnectBaseDelayMs: 20,
        reconnectMaxDelayMs: 50,
      })) {
        seen.push(notice);
      }
    })();
    const messages = inboxMessages();
    const flip = (index: number) => {
      const message = messages[index];
      if (!message) throw new Error("no message");
      sim.store.markRead(message.id, !sim.store.message(message.id).flags.seen);
      return message.id;
    };
    const hasItem =
      (id: string, type: StreamNotice["type"] = "events") =>
      (n: StreamNotice) =>
        n.type === type && "events" in n && n.events.some((e) => e.itemId?.id === id);
    const streams = () => sim.ews.requests.filter((r) => r.operation === "GetStreamingEvents").length;

    await until(
      () => streams() >= 1,
      () => "no GetStreamingEvents",
    );
    await waitFor(seen, hasItem(flip(0)));

    // The server closes the connection (ConnectionStatus Closed): reconnect with the same subscription.
    const before = streams();
    await until(
      () => streams() > before,
      () => "no reconnect after the server closed",
    );
    await waitFor(seen, hasItem(flip(1)));
    expect(sim.ews.requests.filter((r) => r.operation === "Subscribe")).toHaveLength(1);

    // A dropped connection: a "reconnecting" notice, then events again.
    sim.ews.dropStreams();
    await waitFor(seen, (n) => n.type === "reconnecting");
    await waitFor(seen, hasItem(flip(2)));

    // The subscription is lost while a change happens: recovered from the last watermark.
    sim.ews.streaming.closeAfterMs = 60_000;
    sim.ews.expireSubscriptions();
    const lost = flip(3);
    await waitFor(seen, hasItem(lost, "recovered"));
    expect(seen.some((n) => n.type === "gap")).toBe(false);

    controller.abort();
    await pump;
    // The loop removed its subscription on the way out.
    expect(sim.ews.requests.at(-1)?.operation).toBe("Unsubscribe");
  }, 30_000);
});

describe("streaming on a quiet server", () => {
  it("reopens a silent connection (body timeout) without counting it as a failure", async () => {
    sim.ews.clear();
    sim.ews.streaming.heartbeatMs = 60_000;
    sim.ews.streaming.closeAfterMs = 60_000;
    const quiet = simEwsClient(sim, { timeouts: { bodyMs: 150 } });
    const controller = new AbortController();
    const seen: StreamNotice[] = [];
    const pump = (async () => {
      for await (const notice of quiet.streamEvents(["inbox"], {
        signal: controller.signal,
        maxReconnectAttempts: 1,
      })) {
        seen.push(notice);
      }
    })();
    const streams = () => sim.ews.requests.filter((r) => r.operation === "GetStreamingEvents").length;
    await until(
      () => streams() >= 4,
      () => `only ${streams()} connections`,
    );
    const message = inboxMessages()[5];
    if (!message) throw new Error("no message");
    sim.store.markRead(message.id, !message.flags.seen);
    await waitFor(seen, (n) => n.type === "events" && n.events.some((e) => e.itemId?.id === message.id));
    expect(seen.some((n) => n.type === "reconnecting")).toBe(false);
    controller.abort();
    await pump;
    await quiet.close();
  }, 20_000);
});

describe("EnvelopeSplitter", () => {
  it("splits a stream of envelopes at any chunk boundary", () => {
    const doc = (n: number) =>
      `<?xml version="1.0"?><s:Envelope xmlns:s="x"><s:Body><a>${n}é</a></s:Body></s:Envelope>`;
    const bytes = Buffer.from(doc(1) + doc(2) + doc(3));
    for (let cut = 1; cut < bytes.length; cut++) {
      const splitter = new EnvelopeSplitter(1024);
      const out = [...splitter.push(bytes.subarray(0, cut)), ...splitter.push(bytes.subarray(cut))];
      expect(out).toEqual([doc(1), doc(2), doc(3)]);
      expect(splitter.rest).toBe("");
    }
  });
  it("refuses a document that never ends", () => {
    const splitter = new EnvelopeSplitter(100);
    expect(() => splitter.push(Buffer.from(`<s:Envelope>${"x".repeat(200)}`))).toThrow(/exceeds/);
  });
});
