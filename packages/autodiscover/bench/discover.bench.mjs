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
// BENCH_EXCHANGELIB=1 adds Debian's python3-exchangelib on the same kind of setup, run in a
// network namespace of its own where it can use ports 443/80 and the system resolver (see
// netns.mjs; needs root, iproute2 and python3-exchangelib). Without them, or without the
// variable, the bench runs as before and says why exchangelib was left out.
//
// Usage: npm run build -w @mailwire/autodiscover && npm run bench -w @mailwire/autodiscover
// Env: BENCH_RUNS (default 7), BENCH_SEQUENTIAL_RUNS (3), BENCH_CONNECT_TIMEOUT_MS (3000),
// BENCH_EXCHANGELIB (unset).
import { loadavg } from "node:os";
import { exchangelibUnavailable, NETNS_ENV, rerunInNetns, startNetnsSetup } from "./netns.mjs";
import { median, ONLY_SRV, startBenchSetup } from "./setup.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SEQUENTIAL_RUNS = Number(process.env.BENCH_SEQUENTIAL_RUNS ?? 3);
const CONNECT_TIMEOUT_MS = Number(process.env.BENCH_CONNECT_TIMEOUT_MS ?? 3_000);
const insideNetns = process.env[NETNS_ENV] !== undefined;

if (process.env.BENCH_EXCHANGELIB === "1" && !insideNetns) {
  const why = exchangelibUnavailable();
  if (why === undefined) {
    process.exitCode = await rerunInNetns([process.execPath, ...process.argv.slice(1)], process.env);
    process.exit();
  }
  console.log(`exchangelib: not measured (${why})`);
}

const { concurrent, sequential, stats, close } = await startBenchSetup({
  connectTimeoutMs: CONNECT_TIMEOUT_MS,
});
const netns = insideNetns ? await startNetnsSetup({ connectTimeoutMs: CONNECT_TIMEOUT_MS }) : undefined;
const loadAtStart = loadavg();
try {
  // Warm-up: JIT, the sim's first NTLM handshake, certificate parsing.
  await concurrent(true);
  await concurrent(false);
  stats.inversions = 0;
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
  const netnsRows = [];
  if (netns !== undefined) {
    await netns.ours();
    const ours = [];
    const oursAlone = [];
    for (let run = 0; run < RUNS; run++) {
      oursAlone.push(await netns.ours({ methods: ONLY_SRV }));
      ours.push(await netns.ours());
    }
    netnsRows.push(
      ["netns, system resolver, :443/:80 - discover(), only the SRV candidate", oursAlone],
      ["netns - discover(), 3 black-holed, concurrent (default grace)", ours],
    );
    try {
      const exchangelib = await netns.exchangelib(SEQUENTIAL_RUNS);
      netnsRows.push([
        `netns - exchangelib ${exchangelib.version}, 3 black-holed (its own sequential steps)`,
        exchangelib.ms,
      ]);
    } catch (error) {
      // Our rows still count; say why theirs is missing instead of losing the run.
      console.log(`exchangelib: run failed (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const rows = [
    ["direct hit: only the answering candidate (SRV), nothing else", alone],
    ["direct hit: candidate 1 answers (the other 3 black-holed)", direct],
    ["3 black-holed, concurrent (default adaptive grace)", blackHoled],
    ["3 black-holed, concurrent (priorityGraceMs 0)", blackHoledNoGrace],
    ["3 black-holed, sequential (exchangelib's order)", serial],
    ...netnsRows,
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
  // Rounds alternate scenarios, so a ratio within each round cancels most of the load's drift.
  const paired = (top, bottom) => median(top.map((value, index) => value / bottom[index])).toFixed(2);
  console.log(
    `black-holed / direct (alone): ${(b / d).toFixed(2)}x (goal <= 1.5x); median of per-round ratios ${paired(blackHoled, alone)}x, grace 0 ${paired(blackHoledNoGrace, alone)}x`,
  );
  console.log(`black-holed / direct (candidate 1): ${(b / median(direct)).toFixed(2)}x`);
  console.log(
    `"candidate 1 answers": SRV won anyway in ${stats.inversions} of ${RUNS} rounds (candidate 1 later than the grace)`,
  );
  console.log(`black-holed (grace 0) / direct: ${(median(blackHoledNoGrace) / d).toFixed(2)}x`);
  console.log(`sequential / concurrent: ${(s / b).toFixed(1)}x faster (goal >= 5x)`);
  if (netnsRows.length > 0) {
    const [[, alone], [, ours], theirsRow] = netnsRows;
    console.log(
      `netns: black-holed / SRV alone: ${(median(ours) / median(alone)).toFixed(2)}x; median of per-round ratios ${paired(ours, alone)}x`,
    );
    if (theirsRow !== undefined)
      console.log(
        `netns: exchangelib / discover(): ${(median(theirsRow[1]) / median(ours)).toFixed(1)}x slower`,
      );
  }
} finally {
  await netns?.close();
  await close();
}
