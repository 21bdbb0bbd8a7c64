// Requests per second over an authenticated keep-alive NTLM connection, against peers
// measured in the same run on the same loopback server:
//   (a) @mailwire/core createHttpClient: one handshake, then the authenticated connection is reused
//   (b) httpntlm: a fresh NEGOTIATE/CHALLENGE/AUTHENTICATE for every request (its design)
//   (c) plain undici requests with no auth to an open path on the same server (the ceiling)
// Not a test: no assertions, it prints a table. Goals: (a) >= 2x (b), (a) >= 0.8x (c).
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import httpntlm from "httpntlm";
import { tsImport } from "tsx/esm/api";
import { Pool } from "undici";
import { createHttpClient } from "../dist/index.js";

const DURATION_MS = Number(process.env.BENCH_MS ?? 3000);
const user = { username: "bench", password: "B3nch-pass", domain: "CONTOSO" };

const { createNtlmHandler } = await tsImport("../test/http/support/ntlm-test-server.ts", import.meta.url);
// Lenient mode, clearly labelled: httpntlm answers with NTLMv1 responses, which this
// test server accepts for the right user without verifying them. NTLMv2 (ours) is verified.
const ntlm = createNtlmHandler({ ...user, lenientV1: true });
const server = createServer((request, response) => {
  if (request.url === "/open") {
    request.resume();
    request.on("end", () => response.end("ok"));
    return;
  }
  ntlm.handler(request, response);
});
server.keepAliveTimeout = 60_000;
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const ROUNDS = 3;

/** Runs one client for a slice of its time; rounds alternate between clients so JIT warm-up and machine noise hit all alike. */
async function slice(result, once) {
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < DURATION_MS / ROUNDS) {
    await once();
    count++;
  }
  result.requests += count;
  result.seconds += (performance.now() - started) / 1000;
  result.perSecond = result.requests / result.seconds;
}

const ours = createHttpClient({ credentials: user, proxy: false, retry: false });
const oursOnce = async () => {
  const response = await ours.request({ method: "GET", url: `${base}/ntlm` });
  await response.body.dump();
};

const httpntlmGet = (options) =>
  new Promise((resolve, reject) =>
    httpntlm.get(options, (error, response) => (error ? reject(error) : resolve(response))),
  );
const httpntlmOnce = async () => {
  const response = await httpntlmGet({
    url: `${base}/ntlm`,
    username: user.username,
    password: user.password,
    domain: user.domain,
    workstation: "",
  });
  if (response.statusCode !== 200) throw new Error(`httpntlm got ${response.statusCode}`);
};

const pool = new Pool(base, { connections: 1 });
const undiciOnce = async () => {
  const response = await pool.request({ method: "GET", path: "/open" });
  await response.body.dump();
};

// Not one of the three comparisons: our client on the open path, to tell client overhead from server work.
const oursOpen = createHttpClient({ proxy: false, retry: false });
const oursOpenOnce = async () => {
  const response = await oursOpen.request({ method: "GET", url: `${base}/open` });
  await response.body.dump();
};

const result = (label) => ({ label, requests: 0, seconds: 0, perSecond: 0 });
const a = result("@mailwire/core (NTLM, keep-alive)");
const b = result("httpntlm (NTLMv1, lenient server)");
const c = result("undici, no auth (ceiling)");
const d = result("(diagnostic) @mailwire/core, no auth");
// Warm-up, not measured: our handshake happens here, and every path gets JIT-compiled.
for (let index = 0; index < 200; index++) await Promise.all([oursOnce(), undiciOnce(), oursOpenOnce()]);
for (let index = 0; index < 20; index++) await httpntlmOnce();
let ourHandshakes = 0;
for (let round = 0; round < ROUNDS; round++) {
  const before = ntlm.stats.negotiates;
  await slice(a, oursOnce);
  ourHandshakes += ntlm.stats.negotiates - before;
  await slice(b, httpntlmOnce);
  await slice(c, undiciOnce);
  await slice(d, oursOpenOnce);
}
await ours.close();
await oursOpen.close();
await pool.close();
server.close();

const rows = [a, b, c, d];
const width = Math.max(...rows.map((row) => row.label.length));
console.log(`\nNTLM keep-alive benchmark, ${DURATION_MS} ms per client, loopback, sequential requests\n`);
console.log(`${"client".padEnd(width)}  requests   req/s`);
for (const row of rows) {
  console.log(
    `${row.label.padEnd(width)}  ${String(row.requests).padStart(8)}  ${row.perSecond.toFixed(0).padStart(6)}`,
  );
}
console.log(`\nours / httpntlm      = ${(a.perSecond / b.perSecond).toFixed(2)}x  (goal >= 2)`);
console.log(`ours / plain undici  = ${(a.perSecond / c.perSecond).toFixed(2)}x  (goal >= 0.8)`);
console.log(`NTLM handshakes by our client during the measured rounds: ${ourHandshakes} (1 during warm-up)`);
