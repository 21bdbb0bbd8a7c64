import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectRpcOverHttp,
  createRpcSessionOver,
  NSPI_INTERFACE,
  type PduTransportFactory,
  RpcServerPort,
} from "../src/index.js";
import { simCredentials, simUserDn } from "./sim-user.js";

// The same MapiSession scenario over RPC over HTTP v2: helper B's carrier (connectRpcOverHttp)
// as the PduTransportFactory, the sim's RPC proxy relaying to the sim's ncacn_ip_tcp server, as
// a real RPC proxy relays to <server>:6001. RPC-level NTLM runs inside, on top of the proxy's
// HTTP-level NTLM.

let sim: ExchangeSim;

beforeAll(async () => {
  sim = await startSim();
  sim.rpcProxy.configure({ backend: { host: "127.0.0.1", port: sim.rpc.port } });
});

afterAll(async () => {
  await sim?.close();
});

const viaProxy: PduTransportFactory = (request, options) =>
  connectRpcOverHttp({
    proxyUrl: sim.origin,
    server: "exch01.mailwire.test",
    // EMSMDB and AsyncEMSMDB live on 6001; NSPI (not used here) on 6004.
    port: request.interface.uuid === NSPI_INTERFACE.uuid ? RpcServerPort.NSPI : RpcServerPort.EMSMDB,
    credentials: simCredentials(sim),
    tls: { ca: sim.caPem },
    proxy: false,
    ...(options.signal ? { signal: options.signal } : {}),
  });

describe("MapiSession over EMSMDB over RPC over HTTP v2 against exchange-sim", () => {
  it("logs on, lists the folder tree and pages the Inbox through the RPC proxy", async () => {
    const userDn = simUserDn(sim);
    const { session, transport } = await createRpcSessionOver(viaProxy, {
      credentials: simCredentials(sim),
      userDn,
    });
    expect(session.connectInfo?.displayName).toBe(sim.credentials.username);
    const folders = await session.listFolders();
    expect(folders.map((f) => f.displayName)).toContain("Inbox");
    const subjects: string[] = [];
    for await (const message of session.listMessages(session.mailbox.folders.inbox, { pageSize: 100 })) {
      subjects.push(message.subject);
    }
    expect(subjects).toEqual(
      sim.store.messages(sim.store.specialFolder("inbox").id).map((m) => m.fixture.subject),
    );
    expect(transport.connectionStats?.calls).toBeGreaterThanOrEqual(4);
    expect(sim.rpcProxy.stats.virtualConnections).toBeGreaterThanOrEqual(1);
    expect(sim.rpc.stats.lastAuthLevel).toBe(6);
    await session.close();
  });
});
