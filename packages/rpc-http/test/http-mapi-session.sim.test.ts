import { ErrorCode, MailwireError } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRpcSessionOver } from "../src/client/create-session.js";
import { rpcOverHttpTransportFactory } from "../src/http/rpc-over-http-transport-factory.js";
import { simCredentials, simUserDn } from "./sim-user.js";

// MapiSession over EMSMDB over RPC over HTTP v2 with the carrier under pressure: the smallest
// windows and channel lifetime the spec allows, so real DCE/RPC traffic (NTLM-sealed binds
// and EcDoRpcExt2 calls from helper A's client, answered by the sim's ncacn_ip_tcp server
// behind the sim's RPC proxy) crosses flow control stops and IN channel recycling.

let sim: ExchangeSim;

beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  sim.rpcProxy.configure({ inReceiveWindow: 64 * 1024 });
  sim.rpcProxy.resetStats();
});

function openSession(channelLifetime = 128 * 1024) {
  // No backend is configured: startSim points its RPC proxy at its own DCE/RPC server.
  sim.rpcProxy.configure({ inReceiveWindow: 8 * 1024 });
  const factory = rpcOverHttpTransportFactory({
    proxyUrl: sim.origin,
    server: "exch01.mailwire.test",
    credentials: simCredentials(sim),
    tls: { ca: sim.caPem },
    proxy: false,
    receiveWindow: 8 * 1024,
    channelLifetime,
  });
  return createRpcSessionOver(factory, {
    credentials: simCredentials(sim),
    userDn: simUserDn(sim),
  });
}

describe("MapiSession over RPC over HTTP with 8 KB windows and 128 KB IN channels", () => {
  it("pages the Inbox again and again across IN channel recyclings, nothing lost", async () => {
    const { session } = await openSession();
    try {
      const expected = sim.store.messages(sim.store.specialFolder("inbox").id).map((m) => m.fixture.subject);
      for (let round = 0; round < 40 && sim.rpcProxy.stats.recycledInChannels < 1; round++) {
        const subjects: string[] = [];
        for await (const message of session.listMessages(session.mailbox.folders.inbox, { pageSize: 1 })) {
          subjects.push(message.subject);
        }
        expect(subjects).toEqual(expected);
      }
      const stats = sim.rpcProxy.stats;
      expect(stats.recycledInChannels).toBeGreaterThanOrEqual(1);
      expect(stats.flowControlAcksSent).toBeGreaterThan(0);
      expect(stats.flowControlAcksReceived).toBeGreaterThan(0);
      expect(stats.maxUnackedInBytes).toBeLessThanOrEqual(8 * 1024);
      expect(stats.protocolErrors).toEqual([]);
      expect((await session.listFolders()).map((folder) => folder.displayName)).toContain("Inbox");
    } finally {
      await session.close();
    }
  });

  it("a dropped OUT channel mid-session fails the next call with a typed error, not a hang", async () => {
    const { session } = await openSession(1024 * 1024 * 1024);
    try {
      sim.rpcProxy.dropOutChannels();
      const started = Date.now();
      const error = await session.listFolders().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(MailwireError);
      expect([ErrorCode.CONNECTION_CLOSED, ErrorCode.CLOSED]).toContain((error as MailwireError).code);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await session.close().catch(() => {});
    }
  });
});
