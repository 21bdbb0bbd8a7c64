import { ErrorCode, MailwireError } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectRpcOverHttp } from "../src/http/connect-rpc-over-http.js";
import type { RpcOverHttpOptions } from "../src/http/rpc-over-http-options.js";
import { rpcOverHttpTransportFactory } from "../src/http/rpc-over-http-transport-factory.js";
import type { PduTransport } from "../src/transport/pdu-transport.js";
import {
  burstPdu,
  burstRequest,
  dataPdu,
  silentRequest,
  startTestBackend,
  type TestBackend,
} from "./http-backend.js";

let sim: ExchangeSim;
let backend: TestBackend;
const open: PduTransport[] = [];

beforeAll(async () => {
  backend = await startTestBackend();
  sim = await startSim({ rpcProxy: { backend: { host: "127.0.0.1", port: backend.port } } });
});
afterAll(async () => {
  await sim?.close();
  await backend?.close();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((transport) => transport.close()));
  sim.rpcProxy.stallOutChannels(false);
  sim.rpcProxy.failNextChannels(401, 0);
  sim.rpcProxy.configure({ inReceiveWindow: 64 * 1024, backend: { host: "127.0.0.1", port: backend.port } });
  sim.configureAuth({ schemes: ["ntlm", "basic", "bearer"] });
  sim.rpcProxy.resetStats();
});

function options(extra: Partial<RpcOverHttpOptions> = {}): RpcOverHttpOptions {
  return {
    proxyUrl: sim.origin,
    server: "exch01.mailwire.test",
    port: 6001,
    credentials: {
      username: sim.credentials.username,
      password: sim.credentials.password,
      domain: sim.credentials.domain,
    },
    tls: { ca: sim.caPem },
    proxy: false,
    ...extra,
  };
}

async function connect(extra: Partial<RpcOverHttpOptions> = {}): Promise<PduTransport> {
  const transport = await connectRpcOverHttp(options(extra));
  open.push(transport);
  return transport;
}

/** Sends `count` 3000-byte data PDUs while reading each echo back: every one, intact, in order. */
async function echoInOrder(transport: PduTransport, count: number): Promise<void> {
  const sending = (async () => {
    for (let index = 0; index < count; index++) await transport.send(dataPdu(3000, index));
  })();
  for (let index = 0; index < count; index++) {
    expect(await transport.receive({ timeoutMs: 5000 })).toEqual(dataPdu(3000, index));
  }
  await sending;
}

/** Resolves to the error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<MailwireError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MailwireError);
    return error as MailwireError;
  }
  throw new Error("expected a rejection");
}

describe("RPC over HTTP v2 through the sim's RPC proxy", () => {
  it("opens a virtual connection over NTLM and carries PDUs both ways", async () => {
    const transport = await connect();
    const sent = [dataPdu(100, 1), dataPdu(5000, 2), dataPdu(16, 3)];
    for (const pdu of sent) await transport.send(pdu);
    for (const pdu of sent) expect(await transport.receive({ timeoutMs: 5000 })).toEqual(pdu);
    const stats = sim.rpcProxy.stats;
    expect(stats).toMatchObject({
      virtualConnections: 1,
      inChannels: 1,
      outChannels: 1,
      dataPdusIn: 3,
      dataPdusOut: 3,
    });
    expect(stats.protocolErrors).toEqual([]);
    const channels = sim.rpcProxy.requests.filter((request) => request.contentLength > 0x10);
    expect(channels).toEqual(
      expect.arrayContaining([
        { method: "RPC_OUT_DATA", target: "/rpc/rpcproxy.dll?exch01.mailwire.test:6001", contentLength: 76 },
        {
          method: "RPC_IN_DATA",
          target: "/rpc/rpcproxy.dll?exch01.mailwire.test:6001",
          contentLength: 1024 ** 3,
        },
      ]),
    );
    expect(sim.stats.ntlmHandshakes).toBeGreaterThanOrEqual(2); // one per channel connection
  });

  it("authenticates each channel with Basic when that is what the proxy offers", async () => {
    sim.configureAuth({ schemes: ["basic"] });
    const transport = await connect({ port: 6004 });
    await transport.send(dataPdu(64, 9));
    expect(await transport.receive({ timeoutMs: 5000 })).toEqual(dataPdu(64, 9));
  });

  it("fails with MW_AUTH_FAILED on a wrong password, without a hang", async () => {
    const error = await rejection(
      connectRpcOverHttp(options({ credentials: { username: sim.credentials.username, password: "wrong" } })),
    );
    expect(error.code).toBe(ErrorCode.AUTH_FAILED);
  });

  it("checks the msstd: principal name before anything is sent", async () => {
    // A server name of its own: a request of an earlier test still landing cannot be counted here.
    const server = "principal-check.mailwire.test";
    const error = await rejection(
      connectRpcOverHttp(
        options({ server, tls: { ca: sim.caPem, expectedPrincipalName: "msstd:mail.contoso.com" } }),
      ),
    );
    expect(error.code).toBe(ErrorCode.TLS_PRINCIPAL_MISMATCH);
    expect(sim.rpcProxy.requests.filter((request) => request.target.includes(server))).toEqual([]);
    const transport = await connect({
      tls: { ca: sim.caPem, expectedPrincipalName: "msstd:localhost" },
      proxyUrl: `https://localhost:${sim.port}`,
    });
    await transport.send(dataPdu(32));
    expect(await transport.receive({ timeoutMs: 5000 })).toEqual(dataPdu(32));
  });

  it("keeps the IN channel within the proxy's receive window (CONN/C2) and resumes on its acks", async () => {
    sim.rpcProxy.configure({ inReceiveWindow: 8192 });
    const transport = await connect();
    expect(transport.maxPduSize).toBe(8192);
    await echoInOrder(transport, 40);
    const stats = sim.rpcProxy.stats;
    expect(stats.maxUnackedInBytes).toBeLessThanOrEqual(8192);
    expect(stats.flowControlAcksSent).toBeGreaterThanOrEqual(10);
    expect(stats.protocolErrors).toEqual([]);
  });

  it("acknowledges the OUT channel so a proxy with a small client window keeps sending", async () => {
    const transport = await connect({ receiveWindow: 8192 });
    await transport.send(burstRequest(60, 2000));
    for (let index = 0; index < 60; index++) {
      expect(await transport.receive({ timeoutMs: 5000 })).toEqual(burstPdu(index, 2000));
    }
    const stats = sim.rpcProxy.stats;
    expect(stats.flowControlAcksReceived).toBeGreaterThanOrEqual(10);
    expect(stats.maxQueuedOutPdus).toBeGreaterThan(0);
  });

  // On both of core's engines: a streamed channel body whose last PDU (IN_R2/A5) is followed at
  // once by the predecessor's destroy is where the two differ most.
  it.each(["undici", "node"] as const)(
    "recycles the IN channel before its Content-Length runs out, losing nothing (engine %s)",
    async (engine) => {
      const transport = await connect({ channelLifetime: 128 * 1024, engine });
      await echoInOrder(transport, 120); // 120 × 3000 bytes: about three channel lifetimes
      const stats = sim.rpcProxy.stats;
      expect(stats.recycledInChannels).toBeGreaterThanOrEqual(2);
      expect(stats.inChannels).toBe(stats.recycledInChannels + 1);
      expect(stats.protocolErrors).toEqual([]);
      const inRequests = sim.rpcProxy.requests.filter(
        (r) => r.method === "RPC_IN_DATA" && r.contentLength > 0x10,
      );
      expect(inRequests.every((r) => r.contentLength === 128 * 1024)).toBe(true);
    },
  );

  it("opens one virtual connection per binding, to :6001 for EMSMDB and :6004 for NSPI", async () => {
    const { port: _port, ...common } = options();
    const factory = rpcOverHttpTransportFactory(common);
    const emsmdb = await factory(
      { interface: { uuid: "A4F1DB00-CA47-1067-B31F-00DD010662DA", major: 0, minor: 81 } },
      {},
    );
    open.push(emsmdb);
    const nspi = await factory(
      { interface: { uuid: "f5cc5a18-4264-101a-8c59-08002b2f8426", major: 56, minor: 0 } },
      { timeoutMs: 10_000 },
    );
    open.push(nspi);
    await nspi.send(dataPdu(48, 4));
    expect(await nspi.receive({ timeoutMs: 5000 })).toEqual(dataPdu(48, 4));
    // Every leg of each channel's NTLM handshake is logged; the distinct targets are the point.
    const targets = [
      ...new Set(sim.rpcProxy.requests.filter((r) => r.method === "RPC_OUT_DATA").map((r) => r.target)),
    ];
    expect(targets).toEqual([
      "/rpc/rpcproxy.dll?exch01.mailwire.test:6001",
      "/rpc/rpcproxy.dll?exch01.mailwire.test:6004",
    ]);
  });

  it("sends keep-alive pings on an idle IN channel and ignores the proxy's pings", async () => {
    sim.rpcProxy.configure({ pingIntervalMs: 50 });
    const transport = await connect({ keepAliveMs: 150 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(sim.rpcProxy.stats.pingsReceived).toBeGreaterThanOrEqual(1);
    await transport.send(dataPdu(40, 7));
    expect(await transport.receive({ timeoutMs: 5000 })).toEqual(dataPdu(40, 7));
    sim.rpcProxy.configure({ pingIntervalMs: 30_000 });
  });
});

describe("RPC over HTTP faults: typed errors, never a hang", () => {
  it("fails a pending receive when the OUT channel drops mid-call", async () => {
    const transport = await connect();
    await transport.send(silentRequest());
    const pending = transport.receive({ timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    sim.rpcProxy.dropOutChannels();
    const error = await rejection(pending);
    expect(error.code).toBe(ErrorCode.CONNECTION_CLOSED);
    expect((await rejection(transport.send(dataPdu(32)))).code).toBe(ErrorCode.CONNECTION_CLOSED);
  });

  it("fails with MW_AUTH_FAILED when the proxy answers 401 to the recycled IN channel mid-session", async () => {
    const transport = await connect({ channelLifetime: 128 * 1024 });
    sim.rpcProxy.failNextChannels(401, 20);
    const sending = (async () => {
      for (let index = 0; index < 60; index++) await transport.send(dataPdu(3000, index));
    })();
    const error = await rejection(sending);
    expect(error.code).toBe(ErrorCode.AUTH_FAILED);
    // PDUs that arrived before the failure are still handed out; then the failure is.
    const draining = (async () => {
      for (let index = 0; index < 60; index++) await transport.receive({ timeoutMs: 5000 });
    })();
    expect((await rejection(draining)).code).toBe(ErrorCode.AUTH_FAILED);
  });

  it("refuses a PDU larger than maxPduSize, and a server PDU past maxReceivePduSize", async () => {
    const transport = await connect({ maxReceivePduSize: 4096 });
    const tooBig = await rejection(transport.send(dataPdu(transport.maxPduSize + 1)));
    expect(tooBig).toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED, name: "RpcHttpError" });
    await transport.send(burstRequest(1, 5000));
    const error = await rejection(transport.receive({ timeoutMs: 5000 }));
    expect(error).toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED, name: "RpcHttpError" });
  });

  it("fails with MW_LIMIT_EXCEEDED when the proxy overruns the client's receive window", async () => {
    sim.rpcProxy.configure({ ignoreClientWindow: true });
    try {
      const transport = await connect({ receiveWindow: 8192 });
      await transport.send(burstRequest(20, 2000));
      const draining = (async () => {
        // Nothing is taken until the burst is in: the queue may not grow past the window.
        await new Promise((resolve) => setTimeout(resolve, 300));
        for (let index = 0; index < 20; index++) await transport.receive({ timeoutMs: 5000 });
      })();
      const error = await rejection(draining);
      expect(error).toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED, name: "RpcHttpError" });
    } finally {
      sim.rpcProxy.configure({ ignoreClientWindow: false });
    }
  });

  it("times out a stalled OUT channel (idle limit) and a receive with its own deadline", async () => {
    const transport = await connect({ timeouts: { idleMs: 400 } });
    await transport.send(silentRequest());
    const timed = await rejection(transport.receive({ timeoutMs: 100 }));
    expect(timed.code).toBe(ErrorCode.TIMEOUT);
    sim.rpcProxy.stallOutChannels(true);
    const started = Date.now();
    const error = await rejection(transport.receive({ timeoutMs: 10_000 }));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("times out the handshake when CONN/A3 never comes, and honours an aborted signal", async () => {
    sim.rpcProxy.stallOutChannels(true);
    const error = await rejection(connectRpcOverHttp(options({ timeouts: { connectMs: 500 } })));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    sim.rpcProxy.stallOutChannels(false);
    const aborted = await rejection(connectRpcOverHttp(options({ signal: AbortSignal.abort() })));
    expect(aborted.code).toBe(ErrorCode.ABORTED);
  });

  it("reports a proxy that cannot reach the RPC server (503) as RpcHttpError", async () => {
    sim.rpcProxy.configure({ backend: undefined });
    const error = await rejection(connectRpcOverHttp(options()));
    expect(error).toMatchObject({
      code: ErrorCode.PROTOCOL,
      name: "RpcHttpError",
      details: { statusCode: 503 },
    });
  });
});
