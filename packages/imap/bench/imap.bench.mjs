// IMAP benchmark against a real Dovecot (started here, on loopback, implicit TLS on imaps):
// the overhead of @mailwire/imap over the bare imapflow it wraps, with Python's imaplib for
// scale. One Dovecot, one user, one mailbox of COUNT deterministic messages of 2-50 KB.
//
// Workloads, each timed from SELECT to the last byte (connect, TLS and login are outside):
//   envelopes  UID, FLAGS, ENVELOPE, RFC822.SIZE, INTERNALDATE of every message
//              ours:     session.messages("INBOX") (FETCH by sequence number, newest first, in
//                        pages of 200, 400, 800, then 1,600; each summary converted to
//                        mailwire's MessageSummary)
//              imapflow: client.fetch("1:*", same query, { uid: true }) under a mailbox lock, with
//                        the protocol options @mailwire/imap sets (qresync: true, so Dovecot adds
//                        MODSEQ to every FETCH response; disableCompression) - the goal's
//                        baseline - and again with imapflow's defaults ("imapflow-defaults");
//              imapflow-paged: the same options and the same FETCH pages as ours, no wrapper
//              imaplib:  UID SEARCH ALL, UID FETCH in chunks of 200
//   downloads  BODY.PEEK[] of DOWNLOADS messages (every COUNT/DOWNLOADS-th UID), one at a time,
//              each collected into a Buffer
//              ours:     session.download("INBOX", uid) per message (a stream)
//              imapflow: client.download(uid, undefined, { uid: true }) per message
//              imaplib:  UID FETCH (BODY.PEEK[]) in chunks of 50
//
// Every run is verified: envelopes must cover COUNT distinct UIDs whose RFC822.SIZE sums to the
// mailbox's size, downloads must have the expected octet count and SHA-256. A run that fails the
// check is reported as failed, not timed.
//
// Each run is a child process (node for ours and imapflow, Debian's python3 for imaplib), so the
// CPU column is that client's own CPU (process.cpuUsage / resource.getrusage) during the timed
// part. Rounds alternate between clients and the starting client rotates; the table shows medians.
// Not a test: it prints a table and exits 0 whatever the figures.
//
// Environment: BENCH_ROUNDS (default 5), BENCH_COUNT (5000), BENCH_DOWNLOADS (500),
// BENCH_ONLY=ours|imapflow|imapflow-paged|imapflow-defaults|imaplib (those clients, comma-separated, e.g. ours,imapflow;
// for `node --cpu-prof` of one client set BENCH_CPU_PROF=dir),
// BENCH_WORKLOAD=envelopes|downloads (one workload), BENCH_DIST (the built entry to measure).
import { spawn, spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { dovecotAvailability, startDovecot } from "@mailwire/dovecot-harness";
import { buildMailbox, sha256 } from "./messages.mjs";

const DIST = process.env.BENCH_DIST ?? new URL("../dist/index.js", import.meta.url).href;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COUNT = Number(process.env.BENCH_COUNT ?? 5000);
const DOWNLOADS = Number(process.env.BENCH_DOWNLOADS ?? 500);
const ONLY = process.env.BENCH_ONLY?.split(",").map((key) => key.trim());
const ONLY_WORKLOAD = process.env.BENCH_WORKLOAD;
const CPU_PROF = process.env.BENCH_CPU_PROF;
const PYTHON = "/usr/bin/python3"; // Debian's, not whatever is first on PATH
const RUN_TIMEOUT_MS = 180_000;
const CHILD = fileURLToPath(new URL("./imap-client.mjs", import.meta.url));
const PY_SCRIPT = fileURLToPath(new URL("./imaplib_bench.py", import.meta.url));

const availability = await dovecotAvailability();
if (!availability.available) {
  console.log(`imap bench skipped: Dovecot is not installed (${availability.reason ?? ""})`);
  process.exit(0);
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
const loadAtStart = load();

// --- the mailbox and what every run must get -------------------------------------------------

const messages = buildMailbox(COUNT);
const totalBytes = messages.reduce((total, raw) => total + raw.length, 0);
const step = Math.max(1, Math.floor(COUNT / DOWNLOADS));
const downloadUids = Array.from({ length: Math.min(DOWNLOADS, COUNT) }, (_, index) => 1 + index * step);
const downloadBodies = downloadUids.map((uid) => messages[uid - 1]);
const downloadBytes = downloadBodies.reduce((total, raw) => total + raw.length, 0);
const downloadDigest = sha256(...downloadBodies);

function verify(workload, result) {
  if (workload === "envelopes") {
    if (result.messages !== COUNT || result.distinctUids !== COUNT) {
      return `${result.messages} summaries / ${result.distinctUids} UIDs, expected ${COUNT}`;
    }
    if (result.sizeSum !== totalBytes) return `RFC822.SIZE sums to ${result.sizeSum}, expected ${totalBytes}`;
    if (result.withSubject !== undefined && result.withSubject !== COUNT) {
      return `${result.withSubject} envelopes with subject and one sender, expected ${COUNT}`;
    }
    return undefined;
  }
  if (result.messages !== downloadUids.length || result.bytes !== downloadBytes) {
    return `${result.messages} messages / ${result.bytes} octets, expected ${downloadUids.length} / ${downloadBytes}`;
  }
  if (result.sha256 !== downloadDigest) return "SHA-256 of the downloads differs";
  return undefined;
}

// --- running one client --------------------------------------------------------------------

function childOutput(child) {
  let stdout = "";
  let stderr = "";
  // Decoded as a stream: `+=` on raw chunks would split a multi-byte character across pipe reads.
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve([stdout, stderr, code]));
  });
}

function withTimeout(promise, ms, what, onTimeout) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`${what}: no result after ${ms / 1000} s`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runClient(server, user, client, workload) {
  let child;
  if (client === "imaplib") {
    child = spawn(PYTHON, [PY_SCRIPT, server.host, String(server.ports.imaps), user.username, workload], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin.end(JSON.stringify({ password: user.password, ca: server.caPem, uids: downloadUids }));
  } else {
    const flags = CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF}`] : [];
    child = spawn(process.execPath, [...flags, CHILD], { stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end(
      JSON.stringify({
        client,
        workload,
        host: server.host,
        port: server.ports.imaps,
        ca: server.caPem,
        username: user.username,
        password: user.password,
        uids: downloadUids,
        dist: DIST,
      }),
    );
  }
  const [stdout, stderr, code] = await withTimeout(
    childOutput(child),
    RUN_TIMEOUT_MS,
    `${client} ${workload}`,
    () => child.kill("SIGKILL"),
  );
  if (code !== 0) {
    // Node ends a crash report with its version; the error itself is the last line naming one.
    const lines = stderr.trim().split("\n");
    const reason = lines.findLast((line) => /error|Error|ERR_/.test(line)) ?? lines.at(-1);
    throw new Error(`${client} exited ${code}: ${reason?.trim()}`);
  }
  const result = JSON.parse(stdout.trim().split("\n").at(-1));
  return { ...result, wrong: verify(workload, result) };
}

// --- report helpers ------------------------------------------------------------------------

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const pad = (text, width) => String(text).padEnd(width);
const padLeft = (text, width) => String(text).padStart(width);

function version(command, args, pick) {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return result.status === 0 ? pick(`${result.stdout}${result.stderr}`.trim()) : "?";
}

const imapflowVersion = (await import("imapflow/package.json", { with: { type: "json" } })).default.version;

// --- the run -------------------------------------------------------------------------------

const CLIENTS = [
  { key: "ours", label: "@mailwire/imap" },
  { key: "imapflow", label: `imapflow ${imapflowVersion}, same options` },
  // The FETCH commands session.messages() sends (pages of 200 growing to 1,600), bare: tells
  // the wrapper's own cost apart from what paging costs imapflow. Envelopes only.
  { key: "imapflow-paged", label: `imapflow ${imapflowVersion}, same pages`, workloads: ["envelopes"] },
  { key: "imapflow-defaults", label: `imapflow ${imapflowVersion}, defaults` },
  { key: "imaplib", label: "python3 imaplib" },
].filter((client) => ONLY === undefined || ONLY.includes(client.key));
const WORKLOADS = [
  { key: "envelopes", label: `envelopes of ${COUNT} messages`, count: COUNT },
  {
    key: "downloads",
    label: `${downloadUids.length} full downloads (BODY.PEEK[])`,
    count: downloadUids.length,
  },
].filter((workload) => ONLY_WORKLOAD === undefined || workload.key === ONLY_WORKLOAD);

const seedStarted = performance.now();
const server = await startDovecot({
  mailbox: {
    folders: [{ path: ["Inbox"] }],
    messages: messages.map((raw) => ({ folder: ["Inbox"], raw })),
  },
});
const seedSeconds = (performance.now() - seedStarted) / 1000;
const results = new Map();
try {
  const user = server.user();
  // Dovecot indexes the Maildir on first access, and caches envelopes on first FETCH: warm up
  // both outside the rounds (one imapflow run of each workload).
  for (const workload of WORKLOADS) await runClient(server, user, "imapflow", workload.key);

  const pairs = [];
  for (const workload of WORKLOADS) for (const client of CLIENTS) pairs.push({ workload, client });
  for (const pair of pairs) results.set(`${pair.client.key}/${pair.workload.key}`, []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const workload of WORKLOADS) {
      for (let index = 0; index < CLIENTS.length; index++) {
        const client = CLIENTS[(round + index) % CLIENTS.length];
        if (client.workloads !== undefined && !client.workloads.includes(workload.key)) continue;
        let result;
        try {
          result = await runClient(server, user, client.key, workload.key);
        } catch (error) {
          result = { error: error instanceof Error ? error.message : String(error) };
        }
        results.get(`${client.key}/${workload.key}`).push(result);
        const status = result.error
          ? `FAILED: ${result.error}`
          : `${result.seconds.toFixed(3)} s, CPU ${result.cpuSeconds.toFixed(3)} s${result.wrong ? ` WRONG: ${result.wrong}` : ""}`;
        console.error(
          `round ${round + 1}/${ROUNDS} ${pad(workload.key, 9)} ${pad(client.key, 17)} ${status}`,
        );
      }
    }
  }
} finally {
  await server.stop();
}

function summarize(client, workload) {
  const all = results.get(`${client.key}/${workload.key}`);
  const ok = all.filter((result) => !result.error && !result.wrong);
  const bad = all.filter((result) => result.error || result.wrong);
  if (ok.length === 0) return { ok, bad, all };
  const seconds = median(ok.map((result) => result.seconds));
  return {
    ok,
    bad,
    all,
    seconds,
    min: Math.min(...ok.map((result) => result.seconds)),
    max: Math.max(...ok.map((result) => result.seconds)),
    cpuSeconds: median(ok.map((result) => result.cpuSeconds)),
    perSecond: workload.count / seconds,
  };
}

const dovecot = version("dovecot", ["--version"], (text) => text.split(" ")[0]);
const python = version(PYTHON, ["--version"], (text) => text.replace("Python ", ""));
console.log(
  `IMAP over implicit TLS: ${COUNT} messages (${(totalBytes / 1e6).toFixed(1)} MB, 2-50 KB each), Dovecot ${dovecot}, ` +
    `median of ${ROUNDS} alternating rounds`,
);
console.log(
  `machine: 2 cores, shared with other work; load average (1/5/15 min) ${loadAtStart} at start, ${load()} at end; ` +
    `node ${process.version}, python ${python}; seeding the Maildir took ${seedSeconds.toFixed(1)} s`,
);
const rows = new Map();
for (const workload of WORKLOADS) {
  const megabytes = workload.key === "envelopes" ? undefined : downloadBytes / 1e6;
  console.log(`\n== ${workload.label}${megabytes === undefined ? "" : `, ${megabytes.toFixed(1)} MB`}`);
  console.log(
    `${pad("client", 34)}${padLeft("msg/s", 8)}${padLeft("median s", 10)}${padLeft("min-max s", 13)}${padLeft("CPU s", 8)}  verified`,
  );
  for (const client of CLIENTS) {
    if (client.workloads !== undefined && !client.workloads.includes(workload.key)) continue;
    const row = summarize(client, workload);
    rows.set(`${client.key}/${workload.key}`, row);
    const verified = `${row.ok.length}/${row.all.length} runs ok${row.bad.length ? `; ${row.bad[0].error ?? row.bad[0].wrong}` : ""}`;
    if (row.seconds === undefined) {
      console.log(
        `${pad(client.label, 34)}${padLeft("-", 8)}${padLeft("-", 10)}${padLeft("-", 13)}${padLeft("-", 8)}  ${verified}`,
      );
      continue;
    }
    console.log(
      `${pad(client.label, 34)}${padLeft(Math.round(row.perSecond), 8)}${padLeft(row.seconds.toFixed(3), 10)}` +
        `${padLeft(`${row.min.toFixed(2)}-${row.max.toFixed(2)}`, 13)}${padLeft(row.cpuSeconds.toFixed(3), 8)}  ${verified}`,
    );
  }
}

const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
const percent = (value) =>
  value === undefined ? "-" : `${value >= 1 ? "+" : ""}${((value - 1) * 100).toFixed(1)}%`;
const times = (value) => (value === undefined ? "-" : `${value.toFixed(2)}x`);
console.log(`\n${pad("ratio", 60)}${padLeft("figure", 9)}${padLeft("goal", 9)}  met`);
for (const workload of WORKLOADS) {
  const ours = rows.get(`ours/${workload.key}`);
  const bare = rows.get(`imapflow/${workload.key}`);
  const py = rows.get(`imaplib/${workload.key}`);
  const defaults = rows.get(`imapflow-defaults/${workload.key}`);
  const paged = rows.get(`imapflow-paged/${workload.key}`);
  for (const [what, key] of [
    ["wall", "seconds"],
    ["CPU", "cpuSeconds"],
  ]) {
    const value = ratio(ours?.[key], bare?.[key]);
    const met = value === undefined ? "-" : value <= 1.05 ? "yes" : "NO";
    console.log(
      `${pad(`${workload.key}: @mailwire/imap / imapflow same options, ${what}`, 60)}${padLeft(percent(value), 9)}${padLeft("<= +5%", 9)}  ${met}`,
    );
  }
  for (const [what, key] of [
    ["wall", "seconds"],
    ["CPU", "cpuSeconds"],
  ]) {
    if (paged === undefined) continue;
    const value = ratio(ours?.[key], paged[key]);
    console.log(
      `${pad(`${workload.key}: @mailwire/imap / imapflow same pages, ${what}`, 60)}${padLeft(percent(value), 9)}${padLeft("(info)", 9)}`,
    );
  }
  for (const [what, key] of [
    ["wall", "seconds"],
    ["CPU", "cpuSeconds"],
  ]) {
    const value = ratio(ours?.[key], defaults?.[key]);
    console.log(
      `${pad(`${workload.key}: @mailwire/imap / imapflow defaults, ${what}`, 60)}${padLeft(percent(value), 9)}${padLeft("(info)", 9)}`,
    );
  }
  for (const [what, key] of [
    ["wall", "seconds"],
    ["CPU", "cpuSeconds"],
  ]) {
    const value = ratio(ours?.[key], py?.[key]);
    console.log(
      `${pad(`${workload.key}: @mailwire/imap / imaplib, ${what}`, 60)}${padLeft(times(value), 9)}${padLeft("(info)", 9)}`,
    );
  }
}
console.log(
  "\nCPU s: the client process's own CPU (user + system) during the timed part, median; Dovecot's is not in it. " +
    "Every client verifies the server certificate against the test CA. MB = 10^6 octets.",
);
