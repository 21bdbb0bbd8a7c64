// Where the time of one discover() goes, scenario by scenario (issue 5's ≤ 1.5× goal): runs the
// bench's scenarios in alternating rounds in one process and reports, per discover(), the
// median wall time, the median CPU time of this process (process.cpuUsage: user + system, so
// it counts the client's own work and not the sim's, which runs in another process) and how
// many TLS secure contexts, TCP connects and HTTP clients it cost. CPU time is the figure to
// compare changes with on a loaded machine; wall time moves with the load.
//
// Usage: npm run build -w @mailwire/autodiscover && node bench/profile.mjs
// Env: PROFILE_ROUNDS (default 40), PROFILE_SCENARIOS (comma list of alone, holed, holed0,
// direct; default all), PROFILE_OLD_TLS=1 (A/B: each scenario also with core's old per-connect
// TLS set-up, see below), PROFILE_TWO_LIVE=1 (also: both POX candidates live, how far candidate 1
// lags when candidate 2 answers first - what the grace window is for), PROFILE_SHARED_TLS=1 (what-if: tls.connect gets one SecureContext per
// distinct CA instead of building one per connection, as @mailwire/core could do; a
// simulation by patching node:tls here, not something discover() does). For a CPU profile of one scenario:
//   PROFILE_SCENARIOS=holed0 node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.mjs
import net from "node:net";
import { loadavg } from "node:os";
import tls from "node:tls";
import { median, startBenchSetup } from "./setup.mjs";

const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 40);
const SCENARIOS = {
  alone: (setup) => setup.concurrent(false, {}, true),
  holed: (setup) => setup.concurrent(false),
  holed0: (setup) => setup.concurrent(false, { priorityGraceMs: 0 }),
  direct: (setup) => setup.concurrent(true),
};
// PROFILE_OLD_TLS=1: each scenario also runs as "<name>~old", alternating with it, with core's
// TLS connect set-up as it was before it shared one secure context per configuration (every
// tls.connect builds its own; the connector reads the chain with getPeerCertificate(true)),
// emulated by the patches below. An A/B of that change in one process under the same load.
let oldTls = false;
if (process.env.PROFILE_OLD_TLS === "1") {
  for (const name of Object.keys(SCENARIOS)) {
    const run = SCENARIOS[name];
    SCENARIOS[`${name}~old`] = async (setup) => {
      oldTls = true;
      try {
        return await run(setup);
      } finally {
        oldTls = false;
      }
    };
  }
}
const chosen = (
  process.env.PROFILE_SCENARIOS ??
  Object.keys(SCENARIOS)
    .filter((name) => !name.endsWith("~old"))
    .join(",")
)
  .split(",")
  .map((name) => name.trim())
  .filter((name) => name in SCENARIOS)
  .flatMap((name) => (process.env.PROFILE_OLD_TLS === "1" ? [name, `${name}~old`] : [name]));

// Counters: node:tls builds one SecureContext per connect unless it is handed one (each parses
// the CA it is given); every connect undici makes goes through net.connect or tls.connect.
// The synchronous time spent in them is summed too (tls.connect's includes its SecureContext).
const counts = { secureContexts: 0, secureContextMs: 0, sockets: 0, connectMs: 0 };
const createSecureContext = tls.createSecureContext;
tls.createSecureContext = (...args) => {
  counts.secureContexts++;
  const started = performance.now();
  try {
    return createSecureContext(...args);
  } finally {
    counts.secureContextMs += performance.now() - started;
  }
};
if (process.env.PROFILE_SHARED_TLS === "1") {
  const contexts = new Map();
  const connect = tls.connect;
  tls.connect = (options, ...rest) => {
    if (typeof options !== "object" || options.secureContext !== undefined) return connect(options, ...rest);
    const key = String(options.ca ?? "") + String(options.rejectUnauthorized);
    let secureContext = contexts.get(key);
    if (secureContext === undefined) {
      secureContext = createSecureContext({ ca: options.ca });
      contexts.set(key, secureContext);
    }
    return connect({ ...options, secureContext }, ...rest);
  };
}
{
  const connect = tls.connect;
  tls.connect = (options, ...rest) => {
    if (oldTls && typeof options === "object" && options.secureContext !== undefined) {
      const { secureContext: _shared, ...own } = options;
      return connect(own, ...rest);
    }
    return connect(options, ...rest);
  };
  const getPeerCertificate = tls.TLSSocket.prototype.getPeerCertificate;
  tls.TLSSocket.prototype.getPeerCertificate = function (detailed) {
    return getPeerCertificate.call(this, oldTls ? true : detailed);
  };
}
// undici's connector calls net.connect / tls.connect through the module objects.
for (const module of [net, tls]) {
  const connect = module.connect;
  module.connect = (...args) => {
    counts.sockets++;
    const started = performance.now();
    try {
      return connect(...args);
    } finally {
      counts.connectMs += performance.now() - started;
    }
  };
}

const setup = await startBenchSetup();
const results = Object.fromEntries(
  chosen.map((name) => [name, { wall: [], cpu: [], tls: [], tlsMs: [], sockets: [], connectMs: [] }]),
);
const loadAtStart = loadavg();
try {
  for (const name of chosen) await SCENARIOS[name](setup); // warm-up
  setup.stats.inversions = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of chosen) {
      const before = { ...counts };
      const cpu = process.cpuUsage();
      const wall = await SCENARIOS[name](setup);
      const used = process.cpuUsage(cpu);
      const result = results[name];
      result.wall.push(wall);
      result.cpu.push((used.user + used.system) / 1000);
      result.tls.push(counts.secureContexts - before.secureContexts);
      result.sockets.push(counts.sockets - before.sockets);
      result.tlsMs.push(counts.secureContextMs - before.secureContextMs);
      result.connectMs.push(counts.connectMs - before.connectMs);
    }
  }
  if (process.env.PROFILE_TWO_LIVE === "1") {
    const lags = [];
    for (let round = 0; round < ROUNDS; round++) lags.push(await setup.twoLive());
    const late = lags.filter((entry) => entry.lagMs > 0);
    console.log(
      `two live POX candidates: candidate 1 second in ${late.length} of ${ROUNDS} rounds; lags ${late
        .map(
          (entry) =>
            `${entry.lagMs.toFixed(1)} ms (${Math.round((100 * entry.lagMs) / entry.firstAnswerMs)} %)`,
        )
        .join(", ")}`,
    );
  }
} finally {
  await setup.close();
}
const load = (values) => values.map((value) => value.toFixed(1)).join(" ");
console.log(`rounds ${ROUNDS}, node ${process.version}`);
console.log(`load average (1/5/15 min) at start ${load(loadAtStart)}, at end ${load(loadavg())}`);
console.log(
  "| scenario | wall ms | CPU ms | secure contexts | their ms | connects | connect() ms (sync, incl. contexts) |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const name of chosen) {
  const r = results[name];
  const ms = (values) => median(values).toFixed(2);
  console.log(
    `| ${name} | ${ms(r.wall)} | ${ms(r.cpu)} | ${median(r.tls)} | ${ms(r.tlsMs)} | ${median(r.sockets)} | ${ms(r.connectMs)} |`,
  );
}
console.log("(medians per discover() call)");
if (chosen.includes("direct"))
  console.log(`direct: SRV won over a live candidate 1 in ${setup.stats.inversions} of ${ROUNDS} rounds`);
