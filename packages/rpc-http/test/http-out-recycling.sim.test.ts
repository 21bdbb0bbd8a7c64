import { ErrorCode, MailwireError } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRpcSessionOver } from "../src/client/create-session.js";
import { rpcOverHttpTransportFactory } from "../src/http/rpc-over-http-transport-factory.js";
import { simCredentials, simUserDn } from "./sim-user.js";

// OUT channel recycling ([MS-RPCH] OUT_R2: OUT_R2/A2 → successor RPC_OUT_DATA with OUT_R2/A3 →
// OUT_R2/A6 → OUT_R2/A7 on the IN channel → OUT_R2/B3 on the predecessor) under a real
// MapiSession: the sim's RPC proxy gets the smallest OUT channel the spec allows (128 KB
// Content-Length) and 8 KB windows, so paging the Inbox crosses several OUT channel switches.

const OUT_LIFETIME = 128 * 1024;
let sim: ExchangeSim;

beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  sim.rpcProxy.configure({
    inReceiveWindow: 64 * 1024,
    outChannelLifetime: 1024 * 1024 * 1024,
    outRecycleFault: "none",
    outRecycleMode: "R2",
  });
  sim.rpcProxy.resetStats();
});

function openSession(connectMs = 30_000, channelLifetime?: number) {
  sim.rpcProxy.configure({ inReceiveWindow: 8 * 1024, outChannelLifetime: OUT_LIFETIME });
  const factory = rpcOverHttpTransportFactory({
    proxyUrl: sim.origin,
    server: "exch01.mailwire.test",
    credentials: simCredentials(sim),
    tls: { ca: sim.caPem },
    proxy: false,
    receiveWindow: 8 * 1024,
    timeouts: { connectMs },
    ...(channelLifetime ? { channelLifetime } : {}),
  });
  return createRpcSessionOver(factory, {
    credentials: simCredentials(sim),
    userDn: simUserDn(sim),
  });
}

async function pageInbox(session: Awaited<ReturnType<typeof openSession>>["session"]): Promise<string[]> {
  const subjects: string[] = [];
  for await (const message of session.listMessages(session.mailbox.folders.inbox, { pageSize: 1 })) {
    subjects.push(message.subject);
  }
  return subjects;
}

describe("MapiSession over RPC over HTTP with 128 KB OUT channels", () => {
  it("pages the Inbox across several OUT channel recyclings, every PDU once and in order", async () => {
    const { session } = await openSession();
    try {
      const expected = sim.store.messages(sim.store.specialFolder("inbox").id).map((m) => m.fixture.subject);
      let rounds = 0;
      for (; rounds < 80 && sim.rpcProxy.stats.recycledOutChannels < 3; rounds++) {
        // A lost, repeated or reordered PDU breaks the DCE/RPC call_id/fragment sequence or
        // the ROP responses, so the same subjects in the same order each round is the check.
        expect(await pageInbox(session)).toEqual(expected);
      }
      const stats = sim.rpcProxy.stats;
      expect(stats.recycledOutChannels).toBeGreaterThanOrEqual(3);
      // One OUT channel to start with, one successor per recycling, none left half-open.
      expect(stats.outChannels).toBe(stats.recycledOutChannels + 1);
      expect(stats.protocolErrors).toEqual([]);
      // The connection still works after the last switch, and keeps acknowledging the successor.
      const acksBefore = stats.flowControlAcksReceived;
      expect(await pageInbox(session)).toEqual(expected);
      expect(sim.rpcProxy.stats.flowControlAcksReceived).toBeGreaterThan(acksBefore);
      // Each successor's RPC_OUT_DATA announced the 120 bytes of 2.1.2.1.2 for a replacement OUT
      // channel (OUT_R1/A3 + OUT_R1/A11; in OUT_R2 only the 96 of A3 are ever due). NTLM legs
      // are logged too.
      const successors = sim.rpcProxy.requests.filter(
        (request) => request.method === "RPC_OUT_DATA" && request.contentLength === 120,
      );
      expect(successors.length).toBeGreaterThanOrEqual(stats.recycledOutChannels);
    } finally {
      await session.close();
    }
    // Dozens of Inbox pages: 22 s in one CI run at load 11, past 30 s in a review run at load 10.
  }, 90_000);

  it("OUT_R1 (the successor on another outbound proxy): OUT_R1/A6, A7 on the IN channel, A10, then A11 on the successor's body", async () => {
    const { session } = await openSession();
    sim.rpcProxy.configure({ outRecycleMode: "R1" });
    try {
      const expected = sim.store.messages(sim.store.specialFolder("inbox").id).map((m) => m.fixture.subject);
      for (let round = 0; round < 80 && sim.rpcProxy.stats.recycledOutChannels < 3; round++) {
        expect(await pageInbox(session)).toEqual(expected);
      }
      const stats = sim.rpcProxy.stats;
      expect(stats.recycledOutChannels).toBeGreaterThanOrEqual(3);
      expect(stats.outChannels).toBe(stats.recycledOutChannels + 1);
      // The sim sends no data on a successor until OUT_R1/A11 arrives on its request body, and
      // reports any other PDU there (or an OUT_R2/A7 in an OUT_R1 recycling) as a protocol error.
      expect(stats.protocolErrors).toEqual([]);
      expect(await pageInbox(session)).toEqual(expected);
      const successors = sim.rpcProxy.requests.filter(
        (request) => request.method === "RPC_OUT_DATA" && request.contentLength === 120,
      );
      expect(successors.length).toBeGreaterThanOrEqual(stats.recycledOutChannels);
    } finally {
      await session.close();
    }
  });

  it("recycles IN and OUT channels in the same session (128 KB each), nothing lost", async () => {
    const { session } = await openSession(30_000, 128 * 1024);
    try {
      const expected = sim.store.messages(sim.store.specialFolder("inbox").id).map((m) => m.fixture.subject);
      const stats = () => sim.rpcProxy.stats;
      for (
        let round = 0;
        round < 80 && (stats().recycledOutChannels < 2 || stats().recycledInChannels < 1);
        round++
      ) {
        expect(await pageInbox(session)).toEqual(expected);
      }
      expect(stats().recycledOutChannels).toBeGreaterThanOrEqual(2);
      expect(stats().recycledInChannels).toBeGreaterThanOrEqual(1);
      expect(stats().protocolErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it("delivers in order when the successor's data arrives before the predecessor's OUT_R2/B3", async () => {
    const { session } = await openSession();
    try {
      sim.rpcProxy.configure({ outRecycleFault: "late-b3" });
      const expected = sim.store.messages(sim.store.specialFolder("inbox").id).map((m) => m.fixture.subject);
      for (let round = 0; round < 80 && sim.rpcProxy.stats.recycledOutChannels < 2; round++) {
        expect(await pageInbox(session)).toEqual(expected);
      }
      expect(sim.rpcProxy.stats.recycledOutChannels).toBeGreaterThanOrEqual(2);
      expect(await pageInbox(session)).toEqual(expected);
      expect(sim.rpcProxy.stats.protocolErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it("fails with a typed error, not a hang, when the proxy refuses the successor OUT channel", async () => {
    const { session } = await openSession();
    try {
      // Every channel request from now on gets 503: the first one is the successor OUT channel.
      sim.rpcProxy.failNextChannels(503, 100);
      const started = Date.now();
      const error = await drive(session);
      expect(error).toBeInstanceOf(MailwireError);
      expect([ErrorCode.PROTOCOL, ErrorCode.CONNECTION_CLOSED, ErrorCode.CLOSED]).toContain(
        (error as MailwireError).code,
      );
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      sim.rpcProxy.failNextChannels(503, 0);
      await session.close().catch(() => {});
    }
  });

  it("fails with a typed error when the proxy drops the successor OUT channel", async () => {
    const { session } = await openSession();
    try {
      sim.rpcProxy.configure({ outRecycleFault: "drop-successor" });
      const error = await drive(session);
      expect(error).toBeInstanceOf(MailwireError);
      expect([ErrorCode.CONNECTION_CLOSED, ErrorCode.CLOSED, ErrorCode.PROTOCOL]).toContain(
        (error as MailwireError).code,
      );
      expect(sim.rpcProxy.stats.recycledOutChannels).toBe(0);
    } finally {
      await session.close().catch(() => {});
    }
  });

  it("bounds what it holds from a successor that floods before the switch (MW_LIMIT_EXCEEDED)", async () => {
    const { session } = await openSession();
    try {
      sim.rpcProxy.configure({ outRecycleFault: "flood-successor" });
      const error = await drive(session);
      expect(error).toBeInstanceOf(MailwireError);
      expect((error as MailwireError).code).toBe(ErrorCode.LIMIT_EXCEEDED);
    } finally {
      await session.close().catch(() => {});
    }
  });

  it("times out (MW_TIMEOUT) when the proxy never completes the recycling", async () => {
    const { session } = await openSession(3_000);
    try {
      sim.rpcProxy.configure({ outRecycleFault: "ignore-successor" });
      const started = Date.now();
      const error = await drive(session);
      expect(error).toBeInstanceOf(MailwireError);
      expect((error as MailwireError).code).toBe(ErrorCode.TIMEOUT);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await session.close().catch(() => {});
    }
  });
});

/** Pages the Inbox until the session fails; the failure (a recycling that went wrong). */
async function drive(session: Awaited<ReturnType<typeof openSession>>["session"]): Promise<unknown> {
  for (let round = 0; round < 80; round++) {
    const failure = await pageInbox(session).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (failure) return failure;
  }
  return undefined;
}
