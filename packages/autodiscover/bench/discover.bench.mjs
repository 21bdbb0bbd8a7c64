// Benchmark (issue 5): time to a result when the first three candidates are black-holed,
// against (a) a direct hit and (b) the same candidates probed one after another, as
// exchangelib does.
//
// Setup, all on this machine: exchange-sim (HTTPS, NTLMv2; in a child process) answers POX; a
// DNS server on 127.0.0.1 answers the SRV query; a SYN black hole (test/helpers/
// syn-black-hole-child.mjs: a backlog-1 listener that never accepts and whose accept queue we
// fill, so the kernel drops every later SYN and connect() never completes) takes the rest; the
// bench checks that it holds before timing anything. A routed HTTP client factory sends each
// logical host to its loopback port; discover() still sees, and applies its rules to, the
// logical URLs.
//
// Candidates, in priority order (MS-OXDSCLI 3.1.5 and exchangelib's order alike):
//   1. POST https://mailwire.test/autodiscover/autodiscover.xml              black hole
//   2. POST https://autodiscover.mailwire.test/autodiscover/autodiscover.xml black hole
//   3. GET  http://autodiscover.mailwire.test/autodiscover/autodiscover.xml  black hole
//   4. SRV _autodiscover._tcp.mailwire.test -> POST https://ad.mailwire.test:<sim>/...  answers
// "direct": (a) only candidate 4, nothing else - the same winning path alone, the strictest
// baseline; (b) the same four, but candidate 1 answers.
// "sequential": candidates 1-4 one after another with the same connect timeout, built from the
// same pieces (core HTTP client, POX codec, node:dns Resolver) - exchangelib's algorithm.
//
// Usage: npm run build -w @mailwire/autodiscover && npm run bench -w @mailwire/autodiscover
// Env: BENCH_RUNS (default 7), BENCH_SEQUENTIAL_RUNS (3), BENCH_CONNECT_TIMEOUT_MS (3000).
import { spawn } from "node:child_process";
import { Resolver } from "node:dns";
import { once } from "node:events";
import { connect as netConnect } from "node:net";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { buildPoxRequest, discover, PoxRequestHeaders, parsePoxResponse } from "@mailwire/autodiscover";
import { createHttpClient } from "@mailwire/core";
import { startLoopbackDns } from "./loopback-dns.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SEQUENTIAL_RUNS = Number(process.env.BENCH_SEQUENTIAL_RUNS ?? 3);
const CONNECT_TIMEOUT_MS = Number(process.env.BENCH_CONNECT_TIMEOUT_MS ?? 3_000);
const POX = "/autodiscover/autodiscover.xml";

/**
 * See test/helpers/syn-black-hole-child.mjs: a port where connect() never completes. The child
 * listens with backlog 1 and never accepts; our two connections fill its accept queue, and
 * every SYN after them is dropped. Checked before anything is timed: a fresh connect must
 * still be pending after 300 ms, or the numbers would be those of an accept-and-stay-silent
 * server (what backlog 0 gave: node reads 0 as the default, 511).
 */
async function startBlackHole() {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL("../test/helpers/syn-black-hole-child.mjs", import.meta.url))],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = await once(child.stdout, "data");
  const port = Number(String(line).trim());
  const fillers = [];
  for (let index = 0; index < 2; index++) {
    const socket = netConnect({ host: "127.0.0.1", port }).on("error", () => undefined);
    fillers.push(socket);
    await once(socket, "connect");
  }
  const close = () => {
    for (const socket of fillers) socket.destroy();
    child.kill("SIGKILL");
  };
  const probe = netConnect({ host: "127.0.0.1", port }).on("error", () => undefined);
  let connected = false;
  probe.once("connect", () => {
    connected = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  probe.destroy();
  if (connected) {
    close();
    throw new Error("the black hole does not hold: a connect to it completed");
  }
  return { port, close };
}

/** Sends `https://host` / `http://host` to 127.0.0.1:<routes.get(origin)>, keeping any port the URL names. */
function routedFactory(routes, ca) {
  return (options) => {
    const client = createHttpClient({ ...options, tls: { ...options.tls, ca } });
    const route = (input) => {
      const url = new URL(input);
      const port = routes.get(`${url.protocol}//${url.hostname}`);
      if (port === undefined) throw new Error(`no route for ${url.origin}`);
      url.hostname = "127.0.0.1";
      if (port !== "keep") url.port = String(port);
      return url;
    };
    return {
      request: (request) => client.request({ ...request, url: route(request.url) }),
      close: () => client.close(),
      destroy: () => client.destroy(),
      [Symbol.asyncDispose]: () => client.close(),
    };
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function startSimChild() {
  const child = spawn(process.execPath, [fileURLToPath(new URL("./sim-child.mjs", import.meta.url))], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let text = "";
  for await (const chunk of child.stdout) {
    text += chunk;
    if (text.includes("\n")) break;
  }
  return { ...JSON.parse(text), close: async () => child.stdin.end() };
}

const sim = await startSimChild();
const hole = await startBlackHole();
const dns = await startLoopbackDns(
  new Map([
    [
      "_autodiscover._tcp.mailwire.test SRV",
      [{ target: "ad.mailwire.test", port: sim.port, priority: 0, weight: 0 }],
    ],
  ]),
);
const email = sim.credentials.email;
const credentials = {
  username: sim.credentials.username,
  password: sim.credentials.password,
  domain: sim.credentials.domain,
};

function routes(firstAnswers) {
  return new Map([
    ["https://mailwire.test", firstAnswers ? sim.port : hole.port],
    ["https://autodiscover.mailwire.test", hole.port],
    ["http://autodiscover.mailwire.test", hole.port],
    ["https://ad.mailwire.test", "keep"],
  ]);
}

async function concurrent(firstAnswers, extra = {}, onlySrv = false) {
  const started = performance.now();
  const result = await discover(email, {
    credentials,
    createHttpClient: routedFactory(routes(firstAnswers), [sim.caPem]),
    dnsServers: [dns.server],
    methods: onlySrv
      ? {
          scp: false,
          pox: false,
          soap: false,
          v2: false,
          httpRedirect: false,
          autoconfig: false,
          ports: false,
        }
      : { scp: false, soap: false, v2: false, autoconfig: false, ports: false },
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    ...extra,
  });
  const ms = performance.now() - started;
  const expected = firstAnswers
    ? `https://mailwire.test${POX}`
    : `https://ad.mailwire.test:${sim.port}${POX}`;
  if (result.source.url !== expected) throw new Error(`unexpected winner ${result.source.url}`);
  // The black-holed candidates must have been left hanging and then cancelled, never refused
  // or answered: otherwise this would time something other than a black hole.
  const holed = new Set(
    [...routes(firstAnswers)].filter(([, port]) => port === hole.port).map(([origin]) => origin),
  );
  for (const attempt of result.trace) {
    if (!/^https?:\/\//.test(attempt.target)) continue;
    const { protocol, hostname } = new URL(attempt.target);
    if (holed.has(`${protocol}//${hostname}`) && attempt.outcome !== "cancelled") {
      throw new Error(`black-holed ${attempt.target} ended "${attempt.outcome}", not cancelled`);
    }
  }
  return ms;
}

/** exchangelib's way: one candidate at a time, the next only after the previous failed. */
async function sequential() {
  const started = performance.now();
  const factory = routedFactory(routes(false), [sim.caPem]);
  const timeouts = { connectMs: CONNECT_TIMEOUT_MS };
  const authenticated = factory({ credentials, retry: false, timeouts });
  const anonymous = factory({ retry: false, timeouts });
  const pox = async (url) => {
    const response = await authenticated.request({
      method: "POST",
      url,
      headers: PoxRequestHeaders,
      body: buildPoxRequest({ emailAddress: email }),
      timeoutMs: 10_000,
    });
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    const answer = parsePoxResponse(await response.body.bytes());
    if (answer.kind !== "settings") throw new Error(answer.kind);
    return url;
  };
  const steps = [
    () => pox(`https://mailwire.test${POX}`),
    () => pox(`https://autodiscover.mailwire.test${POX}`),
    async () => {
      // Core's connectMs bounds the plain-http connect too, so every black-holed step costs
      // one connect timeout, as it would cost exchangelib.
      const response = await anonymous.request({
        method: "GET",
        url: `http://autodiscover.mailwire.test${POX}`,
        timeoutMs: 10_000,
      });
      throw new Error(`HTTP ${response.statusCode}`);
    },
    async () => {
      const resolver = new Resolver({ timeout: CONNECT_TIMEOUT_MS, tries: 2 });
      resolver.setServers([dns.server]);
      const records = await new Promise((resolve, reject) =>
        resolver.resolveSrv("_autodiscover._tcp.mailwire.test", (error, found) =>
          error ? reject(error) : resolve(found),
        ),
      );
      return pox(`https://${records[0].name}:${records[0].port}${POX}`);
    },
  ];
  let winner;
  for (const [index, step] of steps.entries()) {
    try {
      winner = await step();
      break;
    } catch (error) {
      // Steps 1-3 go to the hole: each must end as a connect timeout, nothing else.
      if (index < 3 && !(error?.code === "MW_TIMEOUT" && error?.details?.phase === "connect")) {
        throw new Error(`sequential step ${index + 1} ended with ${error?.code}: ${error?.message}`);
      }
    }
  }
  await Promise.all([authenticated.destroy(), anonymous.destroy()]);
  if (winner !== `https://ad.mailwire.test:${sim.port}${POX}`) throw new Error(`sequential winner ${winner}`);
  return performance.now() - started;
}

const loadAtStart = loadavg();
try {
  // Warm-up: JIT, the sim's first NTLM handshake, certificate parsing.
  await concurrent(true);
  await concurrent(false);
  const direct = [];
  const alone = [];
  const blackHoled = [];
  const blackHoledNoGrace = [];
  for (let run = 0; run < RUNS; run++) {
    direct.push(await concurrent(true));
    alone.push(await concurrent(false, {}, true));
    blackHoled.push(await concurrent(false));
    blackHoledNoGrace.push(await concurrent(false, { priorityGraceMs: 0 }));
  }
  const serial = [];
  for (let run = 0; run < SEQUENTIAL_RUNS; run++) serial.push(await sequential());
  const rows = [
    ["direct hit: only the answering candidate (SRV), nothing else", alone],
    ["direct hit: candidate 1 answers (the other 3 black-holed)", direct],
    ["3 black-holed, concurrent (default adaptive grace)", blackHoled],
    ["3 black-holed, concurrent (priorityGraceMs 0)", blackHoledNoGrace],
    ["3 black-holed, sequential (exchangelib's order)", serial],
  ];
  // The strictest "direct hit": the same winning path with no other candidate at all.
  const d = median(alone);
  const b = median(blackHoled);
  const s = median(serial);
  console.log(
    `connect timeout ${CONNECT_TIMEOUT_MS} ms, runs ${RUNS} (sequential ${SEQUENTIAL_RUNS}), node ${process.version}`,
  );
  const load = (values) => values.map((value) => value.toFixed(1)).join(" ");
  console.log(`load average (1/5/15 min) at start ${load(loadAtStart)}, at end ${load(loadavg())}`);
  console.log("| scenario | median ms | min ms | max ms |");
  console.log("|---|---:|---:|---:|");
  for (const [name, values] of rows) {
    const fmt = (value) => value.toFixed(1);
    console.log(
      `| ${name} | ${fmt(median(values))} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} |`,
    );
  }
  console.log(`black-holed / direct (alone): ${(b / d).toFixed(2)}x (goal <= 1.5x)`);
  console.log(`black-holed / direct (candidate 1): ${(b / median(direct)).toFixed(2)}x`);
  console.log(`black-holed (grace 0) / direct: ${(median(blackHoledNoGrace) / d).toFixed(2)}x`);
  console.log(`sequential / concurrent: ${(s / b).toFixed(1)}x faster (goal >= 5x)`);
} finally {
  hole.close();
  dns.close();
  await sim.close();
}
