// One run of the end-to-end mailbox scenario over three carriers against tooling/exchange-sim:
//   rpc/tcp    EMSMDB over DCE/RPC over ncacn_ip_tcp (endpoint mapper lookup, NTLM at privacy)
//   rpc/http   EMSMDB over DCE/RPC over RPC over HTTP v2 (the sim's RPC proxy relays to rpc/tcp's server)
//   mapi/http  MAPI over HTTP (@mailwire/mapi-http), for comparison
// Scenario per round, all counted and timed: open the session (connect + logon), list the
// folder tree, page the whole Inbox (127 messages, pages of 100), close.
// Figures: wall time, HTTP requests the sim received (sim.stats.requests, plus the RPC proxy's
// IN and OUT channel requests, which never reach node:http), NTLM handshakes (HTTP and RPC
// level), bytes on the wire (every socket the client opened, read + written), and for RPC the
// PDUs of the EMSMDB connection.
// Not a test: prints a table and exits 0 whatever the figures. Median of BENCH_ROUNDS (default 5).
import { Socket } from "node:net";
import { loadavg } from "node:os";
import { createHttpClient } from "@mailwire/core";
import { startSim } from "@mailwire/exchange-sim";

const { createRpcSession, createRpcSessionOver, connectRpcOverHttp, RpcServerPort } = await import(
  new URL("../dist/index.js", import.meta.url).href
);
// mapi-http is not a dependency of this package: its built entry is loaded from the monorepo.
const { createMapiHttpSession } = await import(
  new URL("../../mapi-http/dist/index.js", import.meta.url).href
);

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// Every client socket (plain TCP, and TLS sockets of undici and the RPC over HTTP channels)
// passes through net.Socket.prototype.connect; its byte counters are read after the round.
const sockets = new Set();
const connect = Socket.prototype.connect;
Socket.prototype.connect = function (...args) {
  sockets.add(this);
  return connect.apply(this, args);
};
const wireBytes = () => {
  let total = 0;
  for (const socket of sockets) total += (socket.bytesRead ?? 0) + (socket.bytesWritten ?? 0);
  return total;
};
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const sim = await startSim();
sim.rpcProxy.configure({ backend: { host: "127.0.0.1", port: sim.rpc.port } });
const credentials = {
  username: sim.credentials.username,
  password: sim.credentials.password,
  domain: sim.credentials.domain,
};
const userDn = `/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${sim.credentials.username}`;
const inboxCount = sim.store.messages(sim.store.specialFolder("inbox").id).length;
const httpRequests = () =>
  sim.stats.requests + sim.rpcProxy.stats.inChannels + sim.rpcProxy.stats.outChannels;

const carriers = {
  "rpc/tcp": async () => {
    const { session, transport } = await createRpcSession({
      host: "127.0.0.1",
      endpointMapperPort: sim.rpc.endpointMapperPort,
      credentials,
      userDn,
    });
    return { session, pdus: () => transport.connectionStats, close: async () => {} };
  },
  "rpc/http": async () => {
    const { session, transport } = await createRpcSessionOver(
      (_request, options) =>
        connectRpcOverHttp({
          proxyUrl: sim.origin,
          server: "exch01.mailwire.test",
          port: RpcServerPort.EMSMDB,
          credentials,
          tls: { ca: sim.caPem },
          proxy: false,
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      { credentials, userDn },
    );
    return { session, pdus: () => transport.connectionStats, close: async () => {} };
  },
  "mapi/http": async () => {
    const http = createHttpClient({ credentials, tls: { ca: sim.caPem } });
    const { session } = await createMapiHttpSession({
      url: `${sim.origin}/mapi/emsmdb/?MailboxId=${encodeURIComponent(sim.credentials.email)}`,
      userDn,
      http,
    });
    return { session, pdus: () => undefined, close: () => http.close() };
  },
};

const results = {};
for (const [name, open] of Object.entries(carriers)) {
  const rows = [];
  for (let round = 0; round < ROUNDS; round++) {
    sockets.clear();
    const requests = httpRequests();
    const challenges = sim.stats.ntlmChallenges;
    const started = performance.now();
    const { session, pdus, close } = await open();
    await session.listFolders();
    let count = 0;
    for await (const _ of session.listMessages(session.mailbox.folders.inbox, { pageSize: 100 })) count += 1;
    const stats = pdus();
    const pduCount = stats ? stats.pdusSent + stats.pdusReceived : undefined;
    await session.close();
    await close();
    const ms = performance.now() - started;
    if (count !== inboxCount) throw new Error(`${name}: listed ${count} of ${inboxCount}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the sockets close
    rows.push({
      ms,
      http: httpRequests() - requests,
      ntlm: sim.stats.ntlmChallenges - challenges,
      bytes: wireBytes(),
      pdus: pduCount,
    });
  }
  results[name] = {
    ms: median(rows.map((r) => r.ms)),
    http: median(rows.map((r) => r.http)),
    ntlm: median(rows.map((r) => r.ntlm)),
    bytes: median(rows.map((r) => r.bytes)),
    pdus: rows[0].pdus === undefined ? "-" : median(rows.map((r) => r.pdus)),
  };
}

const load = loadavg()
  .map((v) => v.toFixed(2))
  .join(" ");
console.log(`node ${process.version}, load ${load}, ${ROUNDS} rounds, median`);
console.log("carrier     wall ms   HTTP requests   NTLM handshakes   bytes on wire   EMSMDB PDUs");
for (const [name, r] of Object.entries(results)) {
  const cells = [
    name.padEnd(10),
    r.ms.toFixed(1).padStart(8),
    String(r.http).padStart(15),
    String(r.ntlm).padStart(17),
    String(r.bytes).padStart(15),
    String(r.pdus).padStart(13),
  ];
  console.log(cells.join(" "));
}
await sim.close();
