import { createHttpClient, type HttpClient } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { type MapiNotification, MapiSession } from "@mailwire/mapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRpcSession, EmsmdbRpcTransport, tcpTransportFactory } from "../src/index.js";
import { simCredentials, simUserDn } from "./sim-user.js";

// End to end over ncacn_ip_tcp against exchange-sim (its own instance: these tests add
// messages): the RPC server's session contexts share the MAPI/HTTP endpoint's MAPI-only
// properties, end (and stop watching the store) however they end, and EcDoAsyncWaitEx
// completes as soon as new mail is pending.

let sim: ExchangeSim;
let http: HttpClient;

function transport(): EmsmdbRpcTransport {
  return new EmsmdbRpcTransport({
    connectTransport: tcpTransportFactory({
      host: "127.0.0.1",
      endpointMapperPort: sim.rpc.endpointMapperPort,
    }),
    credentials: simCredentials(sim),
    userDn: simUserDn(sim),
  });
}

async function open(): Promise<{ session: MapiSession; transport: EmsmdbRpcTransport }> {
  const { session, transport: t } = await createRpcSession({
    host: "127.0.0.1",
    endpointMapperPort: sim.rpc.endpointMapperPort,
    credentials: simCredentials(sim),
    userDn: simUserDn(sim),
  });
  return { session, transport: t };
}

async function control(command: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await http.request({
    method: "POST",
    url: `${sim.origin}/mailwire/mapi/control`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(command),
    expectStatus: 200,
  });
  return (await response.body.json()) as Record<string, unknown>;
}

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 20, largeMessageBytes: 0 } });
  http = createHttpClient({ credentials: simCredentials(sim), tls: { ca: sim.caPem } });
});

afterAll(async () => {
  await http?.close();
  await sim?.close();
});

describe("EMSMDB session contexts of the sim's RPC server", () => {
  it("an RTF-only message added through the MAPI control is read with its RTF body over ncacn_ip_tcp", async () => {
    const rtf = "{\\rtf1\\ansi\\pard Plain \\b rich\\b0  text over RPC\\par}";
    await control({ addRtfOnlyMessage: { subject: "RTF only over RPC", rtf } });
    const { session } = await open();
    try {
      const inbox = session.mailbox.folders.inbox;
      let found: bigint | undefined;
      for await (const m of session.listMessages(inbox))
        if (m.subject === "RTF only over RPC") found = m.messageId;
      expect(found).toBeDefined();
      const message = await session.openMessage(inbox, found as bigint);
      expect(message.content.body.kind).toBe("absent");
      expect((await message.bodyRtf())?.rtf).toEqual(new Uint8Array(Buffer.from(rtf, "latin1")));
      expect(await message.bodyText()).toBe("Plain rich text over RPC\r\n");
      message.close();
    } finally {
      await session.close();
    }
  });

  it("ends each engine on EcDoDisconnect, on connection close and on expiry: no store listener left behind", async () => {
    const base = sim.rpc.liveEngines;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      // 12 cycles: more than EventEmitter's default of 10 listeners, had any been left.
      for (let i = 0; i < 12; i++) {
        const { session } = await open();
        expect(sim.rpc.liveEngines).toBe(base + 1);
        await session.close(); // EcDoDisconnect
        expect(sim.rpc.liveEngines).toBe(base);
      }
      const disconnects = sim.rpc.emsmdb.disconnects;
      // Closing the connections without EcDoDisconnect runs the context handle down.
      const t = transport();
      await MapiSession.open({ transport: t, mailboxDn: simUserDn(sim) });
      expect(sim.rpc.liveEngines).toBe(base + 1);
      await t.close();
      await until(() => sim.rpc.liveEngines === base);
      expect(sim.rpc.emsmdb.disconnects).toBe(disconnects);
      // Expiry ends them too.
      const { session } = await open();
      expect(sim.rpc.liveEngines).toBe(base + 1);
      expect(sim.rpc.expireSessions()).toBeGreaterThanOrEqual(1);
      expect(sim.rpc.liveEngines).toBe(0);
      await session.close().catch(() => undefined);
      expect(sim.rpc.sessionCount).toBe(0);
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });

  it("MapiSession.notifications() over ncacn_ip_tcp: EcDoAsyncWaitEx completes as soon as new mail arrives", async () => {
    // Far longer than the test waits: only the event can complete the parked EcDoAsyncWaitEx.
    sim.rpc.asyncWaitMs = 20_000;
    const { session: watcher } = await open();
    const { session: sender } = await open();
    try {
      const inbox = watcher.mailbox.folders.inbox;
      const controller = new AbortController();
      const received: MapiNotification[] = [];
      const watching = (async () => {
        for await (const n of watcher.notifications({ signal: controller.signal })) {
          received.push(n);
          break;
        }
      })();
      const waits = sim.rpc.emsmdb.asyncWaits;
      await until(() => sim.rpc.emsmdb.asyncWaits > waits);
      expect(received).toHaveLength(0);
      const started = Date.now();
      await sender.sendMessage({
        subject: "Notify me over RPC",
        to: [{ address: sim.credentials.email }],
        body: "ping",
      });
      await watching;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(received[0]).toMatchObject({ kind: "newMail", folderId: inbox, messageClass: "IPM.Note" });
      const message = await watcher.openMessage(inbox, received[0]?.messageId as bigint);
      expect(message.content.subject).toBe("Notify me over RPC");
      message.close();
    } finally {
      sim.rpc.asyncWaitMs = 1_000;
      await watcher.close();
      await sender.close();
    }
  });
});
