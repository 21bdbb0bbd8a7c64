// Requests per second over an authenticated keep-alive NTLM connection, against peers
// measured in the same run on the same loopback server:
//   ours      @mailwire/core createHttpClient: one handshake, then the authenticated connection is reused
//   httpntlm  a fresh NEGOTIATE/CHALLENGE/AUTHENTICATE for every request (its design)
//   undici    plain undici with no auth, as a Pool of one connection and as a bare Client
//             (the stricter ceiling): both are compared against the 0.8x goal
// Goals (from the issue): ours >= 2x httpntlm, ours >= 0.8x undici.
//
// Fairness: every client ends in the same `serve` handler. The NTLM path adds only what
// IIS adds for an authenticated connection: "no Authorization header, and this socket is
// in a WeakSet". Nothing else differs on the server.
//
// Not a test: no assertions, it prints a table. Rounds alternate between clients so JIT
// warm-up and a noisy machine hit all of them alike; the table shows medians over rounds,
// and CPU time per request (client and server share this process), which a busy machine
// disturbs less than requests per second. Our clients run with retry: false, as the
// undici peers have no retry layer either.
//
// Environment: BENCH_MS (ms per client per round, default 1000), BENCH_ROUNDS (default 7),
// BENCH_ONLY=ours|ours-node|ours-open|undici|undici-client|httpntlm (run one client, for --cpu-prof).
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import httpntlm from "httpntlm";
import { tsImport } from "tsx/esm/api";
import { Client, Pool } from "undici";
import { createHttpClient } from "../dist/index.js";

const SLICE_MS = Number(process.env.BENCH_MS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ONLY = process.env.BENCH_ONLY;
const user = { username: "bench", password: "B3nch-pass", domain: "CONTOSO" };

/** The per-request work of the server, the same for every client. */
const serve = (request, response) => {
  request.resume();
  request.on("end", () => response.end("ok"));
};

const { createNtlmHandler } = await tsImport("../test/http/support/ntlm-test-server.ts", import.meta.url);
// Lenient mode, clearly labelled: httpntlm answers with NTLMv1 responses, which this
// test server accepts for the right user without verifying them. NTLMv2 (ours) is verified.
const ntlm = createNtlmHandler({ ...user, lenientV1: true, onAuthenticated: serve });
const server = createServer((request, response) => {
  if (request.url === "/open") serve(request, response);
  else ntlm.handler(request, response);
});
server.keepAliveTimeout = 60_000;
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const ours = createHttpClient({ credentials: user, proxy: false, retry: false });
// The same on core's node:http engine (engine: "node"): not a goal, shown for the engine choice.
const oursNode = createHttpClient({ engine: "node", credentials: user, proxy: false, retry: false });
const oursOpen = createHttpClient({ proxy: false, retry: false });
const pool = new Pool(base, { connections: 1 });
const client = new Client(base);

const httpntlmGet = (options) =>
  new Promise((resolve, reject) =>
    httpntlm.get(options, (error, response) => (error ? reject(error) : resolve(response))),
  );

const clients = [
  {
    key: "ours",
    label: "@mailwire/core, NTLM keep-alive",
    once: async () => {
      const response = await ours.request({ method: "GET", url: `${base}/ntlm` });
      await response.body.dump();
    },
  },
  {
    key: "ours-node",
    label: "@mailwire/core engine node, NTLM",
    once: async () => {
      const response = await oursNode.request({ method: "GET", url: `${base}/ntlm` });
      await response.body.dump();
    },
  },
  {
    key: "httpntlm",
    label: "httpntlm, NTLMv1 (lenient server)",
    once: async () => {
      const response = await httpntlmGet({
        url: `${base}/ntlm`,
        username: user.username,
        password: user.password,
        domain: user.domain,
        workstation: "",
      });
      if (response.statusCode !== 200) throw new Error(`httpntlm got ${response.statusCode}`);
    },
  },
  {
    key: "undici",
    label: "undici Pool(1), no auth",
    once: async () => {
      const response = await pool.request({ method: "GET", path: "/open" });
      await response.body.dump();
    },
  },
  {
    key: "undici-client",
    label: "undici Client, no auth",
    once: async () => {
      const response = await client.request({ method: "GET", path: "/open" });
      await response.body.dump();
    },
  },
  {
    // Not a goal: our client without auth, to tell auth cost from the rest of our stack.
    key: "ours-open",
    label: "@mailwire/core, no auth",
    once: async () => {
      const response = await oursOpen.request({ method: "GET", url: `${base}/open` });
      await response.body.dump();
    },
  },
].filter((entry) => ONLY === undefined || entry.key === ONLY);
if (clients.length === 0) throw new Error(`BENCH_ONLY=${ONLY} names no client`);

/**
 * Runs one client for one slice; returns requests per second and CPU microseconds per
 * request. Client and server share this process, so CPU time per request is the work of
 * both; it is steadier than req/s on a machine other jobs are also using.
 */
async function slice(once) {
  let count = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < SLICE_MS) {
    await once();
    count++;
    elapsed = performance.now() - started;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { perSecond: (count * 1000) / elapsed, cpuMicros: (cpu.user + cpu.system) / count };
}

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// Warm-up, not measured: our handshake happens here, and every path gets JIT-compiled.
for (const entry of clients) {
  const count = entry.key === "httpntlm" ? 50 : 500;
  for (let index = 0; index < count; index++) await entry.once();
}
const perRound = new Map(clients.map((entry) => [entry.key, []]));
const cpuPerRound = new Map(clients.map((entry) => [entry.key, []]));
let ourHandshakes = 0;
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order too, so no client always runs right after the same neighbour.
  for (let offset = 0; offset < clients.length; offset++) {
    const entry = clients[(round + offset) % clients.length];
    const before = ntlm.stats.negotiates;
    const { perSecond, cpuMicros } = await slice(entry.once);
    perRound.get(entry.key).push(perSecond);
    cpuPerRound.get(entry.key).push(cpuMicros);
    if (entry.key === "ours") ourHandshakes += ntlm.stats.negotiates - before;
  }
}
await Promise.all([ours.close(), oursNode.close(), oursOpen.close(), pool.close(), client.close()]);
server.close();

const fixed = (value) => (value === undefined ? "-" : value.toFixed(0));
const rows = clients.map((entry) => {
  const values = perRound.get(entry.key);
  return [
    entry.label,
    fixed(median(values)),
    fixed(Math.min(...values)),
    fixed(Math.max(...values)),
    median(cpuPerRound.get(entry.key)).toFixed(1),
  ];
});
const table = (header, body) => {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...body.map((row) => row[column].length)),
  );
  const line = (row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join("  ");
  console.log(line(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of body) console.log(line(row));
};

console.log(
  `\nNTLM keep-alive benchmark: loopback, sequential requests, ${ROUNDS} rounds x ${SLICE_MS} ms per client, node ${process.version}\n`,
);
table(["client", "median req/s", "min", "max", "CPU us/req (median)"], rows);

/** Ratio per round (neighbouring slices share the machine's mood), then the median of those. */
const ratio = (top, bottom) => {
  const a = perRound.get(top);
  const b = perRound.get(bottom);
  if (!a || !b) return undefined;
  return median(a.map((value, index) => value / b[index]));
};
/** The same from CPU time: (bottom's CPU per request) / (top's), so > 1 means top is cheaper. */
const cpuRatio = (top, bottom) => {
  const a = cpuPerRound.get(top);
  const b = cpuPerRound.get(bottom);
  if (!a || !b) return undefined;
  return median(a.map((value, index) => b[index] / value));
};
const goals = [
  ["ours / httpntlm", "ours", "httpntlm", 2],
  ["ours / undici Pool (no auth)", "ours", "undici", 0.8],
  ["ours / undici Client (no auth)", "ours", "undici-client", 0.8],
  ["ours NTLM / ours no auth (cost of auth)", "ours", "ours-open", undefined],
  ["engine node / engine undici (both NTLM)", "ours-node", "ours", undefined],
]
  .map(([label, top, bottom, goal]) => [label, ratio(top, bottom), goal, cpuRatio(top, bottom)])
  .filter(([, value]) => value !== undefined);
if (goals.length > 0) {
  console.log("");
  table(
    ["ratio (median of per-round ratios)", "req/s ratio", "goal", "met", "same from CPU/req"],
    goals.map(([label, value, goal, fromCpu]) => [
      label,
      `${value.toFixed(2)}x`,
      goal === undefined ? "-" : `>= ${goal}x`,
      goal === undefined ? "-" : value >= goal ? "yes" : "NO",
      `${fromCpu.toFixed(2)}x`,
    ]),
  );
}
console.log(
  `\nNTLM handshakes by our client during the measured rounds: ${ourHandshakes} (1 during warm-up)`,
);
