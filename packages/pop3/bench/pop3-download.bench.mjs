// POP3 download throughput against a real Dovecot (started here, on loopback), and the memory
// of one large RETR. Every client downloads the same 1,000 x 20,480-octet messages from the
// same server in the same run:
//   ours        @mailwire/pop3 (dist/), implicit TLS (pop3s), retrieveManyBuffers: RETR pipelined
//               (window 32), each body collected into a Buffer
//   ours-stream the same with retrieveMany, each body stream read with `for await`
//   ours-stls   ours on the cleartext port with STLS
//   node-pop3   node-pop3 over implicit TLS, one RETR at a time (it has no pipelining)
//   poplib      Python's poplib.POP3_SSL (Debian's python3), one RETR at a time
//   raw         node:tls + RETR pipelined in the same window + a scan for CRLF "." CRLF: the limit
// Goals (from the issue): ours >= 3x node-pop3, >= 2x poplib, >= 0.8x raw; peak RSS of a 200 MB
// RETR streamed to a hash < 64 MiB above the process baseline.
//
// Fairness: all clients use the same server, user, TLS version and CA; each timer covers the
// RETRs only (connect, TLS handshake and login are outside it, as they differ in mechanism);
// each body ends up in memory in the client's natural form (Buffer, string, Python list of
// lines; the raw reader keeps nothing). Every run is checked byte for byte (or by SHA-256 for
// poplib, by octet count for the raw reader): a run that downloaded the wrong bytes is reported
// as failed, not timed.
//
// Links: the table is run once per round-trip time in BENCH_RTT_MS (default "0,2"). RTT 0 is
// loopback, direct to Dovecot: a round trip costs microseconds, so pipelining (our advantage
// over node-pop3 and poplib, which send one RETR at a time) gains little and the table mostly
// compares CPU per message. For RTT > 0 every client (ours, node-pop3, poplib, raw) connects to
// bench/delay-relay.mjs instead, a TCP relay in its own process (so its timers do not share the
// clients' event loop) that delays each chunk by RTT/2 in each direction; TLS stays end to end
// and certificates are verified as in the direct case. That is where one round trip per message
// (no pipelining) against one per window shows, as it does on any real network link.
//
// Not a test: it prints a table and exits 0 whatever the figures. Rounds alternate between
// clients (the starting client rotates) so JIT warm-up and a loaded machine hit all of them
// alike; the table shows medians.
//
// Environment: BENCH_ROUNDS (default 5), BENCH_COUNT (1000), BENCH_SIZE (20480), BENCH_WINDOW
// (32), BENCH_RTT_MS (round trips to measure, comma-separated ms, default "0,2"; 0 = direct),
// BENCH_LARGE_MB (200; 0 skips the RSS run), BENCH_ONLY=ours|ours-stream|ours-stls|node-pop3|poplib|raw
// (only those clients, comma-separated, no RSS run: for `node --cpu-prof`), BENCH_DIST (path of the built entry).
import { spawn, spawnSync } from "node:child_process";
import { connect as netConnect } from "node:net";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { dovecotAvailability, startDovecot } from "@mailwire/dovecot-harness";
import Pop3Command from "node-pop3";
import { bulkMessage, largeMessage, sha256 } from "./messages.mjs";
import { rawDownload } from "./raw-pipelined-reader.mjs";

const DIST = process.env.BENCH_DIST ?? new URL("../dist/index.js", import.meta.url).href;
const { connectPop3 } = await import(DIST);

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const SIZE = Number(process.env.BENCH_SIZE ?? 20_480);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 32);
const LARGE_MB = Number(process.env.BENCH_LARGE_MB ?? 200);
const ONLY = process.env.BENCH_ONLY?.split(",").map((key) => key.trim());
const RTTS = (process.env.BENCH_RTT_MS ?? "0,2").split(",").map((value) => Number(value.trim()));
if (RTTS.some((rtt) => !Number.isFinite(rtt) || rtt < 0)) throw new Error("BENCH_RTT_MS: ms values >= 0");
const RUN_TIMEOUT_MS = 120_000;
const PYTHON = "/usr/bin/python3"; // Debian's, not whatever is first on PATH
const MIB = 1024 * 1024;

const availability = await dovecotAvailability();
if (!availability.available) {
  console.log(`pop3 bench skipped: Dovecot is not installed (${availability.reason ?? ""})`);
  process.exit(0);
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
const loadAtStart = load();

// --- the mailbox ---------------------------------------------------------------------------

const numbers = Array.from({ length: COUNT }, (_, index) => index + 1);
const expected = numbers.map((n) => bulkMessage(n, SIZE));
const expectedText = expected.map((raw) => raw.toString("latin1"));
const expectedDigest = sha256(...expected);
const expectedBytes = COUNT * SIZE;

function inbox(messages) {
  return {
    folders: [{ path: ["Inbox"] }],
    messages: messages.map((raw) => ({ folder: ["Inbox"], raw })),
  };
}

// --- the clients ---------------------------------------------------------------------------
// Each takes the endpoint to connect to: Dovecot itself or the delay relay in front of it.

async function toBuffer(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

function checkBuffers(bodies) {
  if (bodies.length !== COUNT) return `${bodies.length} messages, expected ${COUNT}`;
  for (let index = 0; index < COUNT; index++) {
    if (!expected[index].equals(bodies[index])) return `message ${index + 1} differs`;
  }
  return undefined;
}

/**
 * node-pop3 strips CRLF "." CRLF as one unit when it ends a socket chunk, which takes the final
 * CRLF of the message with it; when the terminator arrives split, the CRLF stays. Depending on
 * packet boundaries a body therefore ends with or without its last CRLF: both are accepted
 * (and counted), every other difference fails the run.
 */
function checkStrings(bodies) {
  if (bodies.length !== COUNT) return { wrong: `${bodies.length} messages, expected ${COUNT}` };
  let withoutFinalCrlf = 0;
  for (let index = 0; index < COUNT; index++) {
    const body = bodies[index];
    if (body === expectedText[index]) continue;
    if (`${body}\r\n` === expectedText[index]) withoutFinalCrlf++;
    else {
      const ends = JSON.stringify([body.slice(0, 24), body.slice(-8)]);
      return { wrong: `message ${index + 1}: ${body.length} chars, expected ${SIZE}, begins/ends ${ends}` };
    }
  }
  return { withoutFinalCrlf };
}

function ours(endpoint, user, mode, read = "buffers") {
  return async () => {
    const client = await connectPop3({
      host: endpoint.host,
      port: mode === "implicit" ? endpoint.ports.pop3s : endpoint.ports.pop3,
      tls: mode,
      tlsOptions: { ca: endpoint.caPem },
      auth: { username: user.username, password: user.password },
      pipelineWindow: WINDOW,
    });
    try {
      const bodies = [];
      const cpu = process.cpuUsage();
      const started = performance.now();
      if (read === "buffers") {
        for await (const message of client.retrieveManyBuffers(numbers)) bodies.push(message.body);
      } else {
        for await (const message of client.retrieveMany(numbers)) bodies.push(await toBuffer(message.body));
      }
      const seconds = (performance.now() - started) / 1000;
      const cpuSeconds = cpuSince(cpu);
      return {
        seconds,
        cpuSeconds,
        messages: bodies.length,
        bytes: sum(bodies),
        wrong: checkBuffers(bodies),
      };
    } finally {
      await client.close();
    }
  };
}

function nodePop3(endpoint, user) {
  return async () => {
    // node-pop3 hands tlsOptions to tls.connect, so it verifies against our CA like everyone else.
    // It sends its servername (default: the host) as SNI, and an IP address there is a Node
    // deprecation warning; the certificate also names localhost, so that is what it checks.
    const client = new Pop3Command({
      host: endpoint.host,
      port: endpoint.ports.pop3s,
      tls: true,
      tlsOptions: { ca: endpoint.caPem },
      servername: "localhost",
      user: user.username,
      password: user.password,
    });
    try {
      await client.STAT(); // connects and logs in (USER/PASS)
      const bodies = [];
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (const n of numbers) bodies.push(await client.RETR(n));
      const seconds = (performance.now() - started) / 1000;
      const cpuSeconds = cpuSince(cpu);
      const { wrong, withoutFinalCrlf } = checkStrings(bodies);
      return {
        seconds,
        cpuSeconds,
        messages: bodies.length,
        bytes: bodies.reduce((total, body) => total + Buffer.byteLength(body, "latin1"), 0),
        wrong,
        note: withoutFinalCrlf ? `final CRLF dropped in ${withoutFinalCrlf}/${COUNT}` : undefined,
      };
    } finally {
      await client.QUIT().catch(() => {});
    }
  };
}

function poplib(endpoint, user) {
  return async () => {
    const script = fileURLToPath(new URL("./poplib_download.py", import.meta.url));
    const child = spawn(
      PYTHON,
      [script, endpoint.host, String(endpoint.ports.pop3s), user.username, String(COUNT)],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    child.stdin.end(JSON.stringify({ password: user.password, ca: endpoint.caPem }));
    const [stdout, stderr, code] = await childOutput(child);
    if (code !== 0) throw new Error(`poplib exited ${code}: ${stderr.trim().split("\n").at(-1)}`);
    const result = JSON.parse(stdout);
    let wrong;
    if (result.messages !== COUNT || result.bytes !== expectedBytes) {
      wrong = `${result.messages} messages / ${result.bytes} octets`;
    } else if (result.sha256 !== expectedDigest) wrong = "SHA-256 of the bodies differs";
    return {
      seconds: result.seconds,
      cpuSeconds: result.cpu_seconds,
      messages: result.messages,
      bytes: result.bytes,
      wrong,
    };
  };
}

function raw(endpoint, user) {
  return async () => {
    const result = await rawDownload({
      host: endpoint.host,
      port: endpoint.ports.pop3s,
      ca: endpoint.caPem,
      username: user.username,
      password: user.password,
      count: COUNT,
      window: WINDOW,
    });
    const wrong =
      result.messages === COUNT && result.bytes === expectedBytes
        ? undefined
        : `${result.messages} messages / ${result.bytes} octets`;
    return { ...result, wrong };
  };
}

// --- helpers -------------------------------------------------------------------------------

/** CPU seconds (user + system) of this process since `start`. */
function cpuSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function sum(buffers) {
  return buffers.reduce((total, buffer) => total + buffer.length, 0);
}

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

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const pad = (text, width) => String(text).padEnd(width);
const padLeft = (text, width) => String(text).padStart(width);

function dovecotVersion() {
  const result = spawnSync("dovecot", ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim().split(" ")[0] : "?";
}

// --- the delayed link ----------------------------------------------------------------------

/**
 * Starts bench/delay-relay.mjs in front of both POP3 ports, adding `rtt` ms of round trip.
 * Resolves with the endpoint the clients use instead of Dovecot's and a stop().
 */
async function startRelay(server, rtt) {
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL("./delay-relay.mjs", import.meta.url)),
      String(rtt / 2),
      server.host,
      String(server.ports.pop3s),
      String(server.ports.pop3),
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end();
    child.kill("SIGTERM");
    await exited;
  };
  try {
    const line = await withTimeout(
      new Promise((resolve, reject) => {
        let text = "";
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (chunk) => {
          text += chunk;
          if (text.includes("\n")) resolve(text.split("\n")[0]);
        });
        child.once("error", reject);
        child.once("exit", (code) => reject(new Error(`relay exited ${code}`)));
      }),
      10_000,
      "relay start",
    );
    const { ports } = JSON.parse(line);
    return {
      link: {
        host: "127.0.0.1",
        ports: { pop3s: ports[server.ports.pop3s], pop3: ports[server.ports.pop3] },
        caPem: server.caPem,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The round trip the clients actually get: median over 20 CAPA commands on the cleartext port
 * (allowed before login, answered at once). It includes the relay's timer granularity (about
 * 1 ms: Node timers have millisecond resolution), which is why it exceeds the nominal RTT.
 */
async function measureRtt(endpoint) {
  const socket = netConnect({ host: endpoint.host, port: endpoint.ports.pop3, noDelay: true });
  let buffered = "";
  let waiting;
  const check = () => {
    if (waiting?.complete(buffered)) {
      const { resolve } = waiting;
      waiting = undefined;
      buffered = "";
      resolve();
    }
  };
  socket.on("data", (chunk) => {
    buffered += chunk.toString("latin1");
    check();
  });
  const until = (complete, what) =>
    withTimeout(
      new Promise((resolve) => {
        waiting = { complete, resolve };
        check();
      }),
      10_000,
      what,
    );
  try {
    await until((text) => text.includes("\n"), "greeting");
    const times = [];
    for (let index = 0; index < 20; index++) {
      const started = performance.now();
      socket.write("CAPA\r\n");
      await until((text) => text.endsWith("\r\n.\r\n"), "CAPA");
      times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    socket.destroy();
  }
}

// --- throughput rounds ---------------------------------------------------------------------

/** One table: every client over the link with round trip `rtt` (0: direct to Dovecot). */
async function throughput(server, rtt) {
  const relay = rtt > 0 ? await startRelay(server, rtt) : undefined;
  // What the clients connect to: Dovecot itself, or the relay in front of it (same certificate).
  const direct = { host: server.host, ports: server.ports, caPem: server.caPem };
  const link = relay?.link ?? direct;
  try {
    const measuredRttMs = await measureRtt(link);
    const user = server.user();
    const clients = [
      {
        key: "ours",
        label: `@mailwire/pop3 pop3s, retrieveManyBuffers`,
        run: ours(link, user, "implicit"),
      },
      {
        key: "ours-stream",
        label: "  same, retrieveMany + for-await per body",
        run: ours(link, user, "implicit", "stream"),
      },
      {
        key: "ours-stls",
        label: "  same, port 110 + STLS",
        run: ours(link, user, "starttls"),
      },
      { key: "node-pop3", label: "node-pop3 0.11, pop3s, no pipelining", run: nodePop3(link, user) },
      { key: "poplib", label: "python3 poplib.POP3_SSL, no pipelining", run: poplib(link, user) },
      { key: "raw", label: `raw node:tls reader, window ${WINDOW}`, run: raw(link, user) },
    ].filter((client) => ONLY === undefined || ONLY.includes(client.key));
    for (const client of clients) client.results = [];

    // Dovecot indexes the 1,000 Maildir files on first access: do that outside the rounds.
    const warm = clients.find((client) => client.key === "raw") ?? clients[0];
    await withTimeout(warm.run(), RUN_TIMEOUT_MS, "warm-up");

    for (let round = 0; round < ROUNDS; round++) {
      for (let step = 0; step < clients.length; step++) {
        const client = clients[(round + step) % clients.length];
        globalThis.gc?.();
        let result;
        try {
          result = await withTimeout(client.run(), RUN_TIMEOUT_MS, client.key);
        } catch (error) {
          result = { error: error instanceof Error ? error.message : String(error) };
        }
        client.results.push(result);
        const status = result.error
          ? `FAILED: ${result.error}`
          : `${result.seconds.toFixed(3)} s${result.wrong ? ` NOT BYTE-EXACT: ${result.wrong}` : ""}`;
        console.error(`RTT ${rtt} ms round ${round + 1}/${ROUNDS} ${pad(client.key, 10)} ${status}`);
      }
    }
    return { clients, measuredRttMs };
  } finally {
    await relay?.stop();
  }
}

/** Every table, one per round-trip time, all against the same Dovecot. */
async function throughputTables() {
  const server = await startDovecot({ mailbox: inbox(expected) });
  try {
    const tables = [];
    for (const rtt of RTTS) tables.push({ rtt, ...(await throughput(server, rtt)) });
    return tables;
  } finally {
    await server.stop();
  }
}

// --- the large RETR in a child -------------------------------------------------------------

async function largeRetrieve() {
  const message = largeMessage(LARGE_MB * 1_000_000);
  const digest = sha256(message);
  const size = message.length;
  const server = await startDovecot({ mailbox: inbox([message]) });
  try {
    const user = server.user();
    const child = spawn(
      process.execPath,
      ["--expose-gc", fileURLToPath(new URL("./retr-rss-child.mjs", import.meta.url))],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    child.stdin.end(
      JSON.stringify({
        host: server.host,
        port: server.ports.pop3s,
        ca: server.caPem,
        username: user.username,
        password: user.password,
        dist: DIST,
      }),
    );
    const [stdout, stderr, code] = await withTimeout(childOutput(child), 300_000, "large RETR");
    if (code !== 0) throw new Error(`RSS child exited ${code}: ${stderr.trim().split("\n").at(-1)}`);
    const result = JSON.parse(stdout);
    let error;
    if (result.bytes !== size) error = `${result.bytes} octets, expected ${size}`;
    else if (result.sha256 !== digest) error = "SHA-256 differs";
    return { ...result, size, error };
  } finally {
    await server.stop();
  }
}

// --- report --------------------------------------------------------------------------------

function summarize(client) {
  const timed = client.results.filter((result) => !result.error);
  const failed = client.results.filter((result) => result.error);
  const wrong = timed.filter((result) => result.wrong);
  const row = { client, timed, failed, wrong, seconds: undefined };
  if (timed.length === 0) return row;
  const seconds = median(timed.map((result) => result.seconds));
  return {
    ...row,
    seconds,
    min: Math.min(...timed.map((result) => result.seconds)),
    max: Math.max(...timed.map((result) => result.seconds)),
    cpuSeconds: median(timed.map((result) => result.cpuSeconds ?? Number.NaN)),
    messagesPerSecond: COUNT / seconds,
    megabytesPerSecond: expectedBytes / seconds / 1e6,
  };
}

function verdict(row) {
  const runs = row.client.results.length;
  const parts = [];
  const exact = row.timed.length - row.wrong.length;
  if (exact > 0) {
    const note = row.client.results.find((result) => result.note)?.note;
    parts.push(`${exact}/${runs} runs byte-exact${note ? ` (${note})` : ""}`);
  }
  if (row.wrong.length > 0)
    parts.push(`${row.wrong.length}/${runs} runs NOT byte-exact: ${row.wrong[0].wrong}`);
  if (row.failed.length > 0) parts.push(`${row.failed.length}/${runs} runs FAILED: ${row.failed[0].error}`);
  return parts.join("; ");
}

function linkLabel(rtt) {
  return rtt === 0
    ? "direct on loopback (RTT ~0)"
    : `through the delay relay, RTT ${rtt} ms (${rtt / 2} ms each way)`;
}

function report(tables, large) {
  const lines = [];
  lines.push(
    `POP3 download: ${COUNT.toLocaleString("en")} x ${SIZE.toLocaleString("en")}-octet messages ` +
      `(${(expectedBytes / 1e6).toFixed(1)} MB) from Dovecot ${dovecotVersion()}, ` +
      `median of ${ROUNDS} alternating rounds; time = the RETRs only`,
  );
  lines.push(
    `machine: 2 cores, shared with other work; load average (1/5/15 min) ${loadAtStart} at start, ` +
      `${load()} at end; node ${process.version}`,
  );
  for (const { rtt, clients, measuredRttMs } of tables) {
    lines.push("");
    lines.push(`== ${linkLabel(rtt)}; measured round trip (CAPA, median) ${measuredRttMs.toFixed(2)} ms`);
    table(lines, clients);
  }
  if (large) {
    lines.push("");
    const label = `peak RSS, ${(large.size / 1e6).toFixed(0)} MB RETR to a hash`;
    if (large.error)
      lines.push(`${pad(label, 42)}${padLeft("FAILED", 10)}${padLeft("< 64 MiB", 10)}  ${large.error}`);
    else {
      const growth = (large.peak - large.baseline) / MIB;
      lines.push(
        `${pad(label, 42)}${padLeft(`+${growth.toFixed(1)} MiB`, 10)}${padLeft("< 64 MiB", 10)}  ` +
          `${growth < 64 ? "yes" : "NO"} (baseline ${(large.baseline / MIB).toFixed(0)} MiB, ` +
          `${(large.bytes / large.seconds / 1e6).toFixed(0)} MB/s, SHA-256 of the unstuffed body ok)`,
      );
    }
  }
  lines.push("");
  lines.push(
    "CPU s: the client's own CPU time (user + system) during the timed part, median; the server's is not in it. " +
      "Every client verifies the server certificate against the test CA (no rejectUnauthorized: false). " +
      "MB = 10^6 octets, MiB = 2^20.",
  );
  return lines.join("\n");
}

function table(lines, clients) {
  const rows = clients.map(summarize);
  const byKey = Object.fromEntries(rows.map((row) => [row.client.key, row]));
  lines.push(
    `${pad("client", 42)}${padLeft("msg/s", 8)}${padLeft("MB/s", 8)}${padLeft("median s", 10)}` +
      `${padLeft("min-max s", 13)}${padLeft("CPU s", 7)}  verified`,
  );
  for (const row of rows) {
    const figures =
      row.seconds === undefined
        ? `${padLeft("-", 8)}${padLeft("-", 8)}${padLeft("-", 10)}${padLeft("-", 13)}${padLeft("-", 7)}`
        : `${padLeft(Math.round(row.messagesPerSecond), 8)}${padLeft(row.megabytesPerSecond.toFixed(1), 8)}` +
          `${padLeft(row.seconds.toFixed(3), 10)}${padLeft(`${row.min.toFixed(2)}-${row.max.toFixed(2)}`, 13)}` +
          `${padLeft(row.cpuSeconds.toFixed(2), 7)}`;
    lines.push(`${pad(row.client.label, 42)}${figures}  ${verdict(row)}`);
  }
  lines.push("");
  lines.push(`${pad("goal", 42)}${padLeft("figure", 10)}${padLeft("goal", 10)}  met`);
  const ratio = (peer, goal) => {
    const ours = byKey.ours;
    const other = byKey[peer];
    const label = `@mailwire/pop3 (pop3s) vs ${peer}`;
    if (ours?.seconds === undefined || other?.seconds === undefined) {
      lines.push(`${pad(label, 42)}${padLeft("n/a", 10)}${padLeft(`>= ${goal}x`, 10)}  not measured`);
      return;
    }
    const value = other.seconds / ours.seconds;
    let met = value >= goal ? "yes" : "NO";
    if (ours.wrong.length > 0) met = "NO (our download was not byte-exact)";
    else if (other.wrong.length > 0) met += ` (the ${peer} download was not byte-exact)`;
    lines.push(
      `${pad(label, 42)}${padLeft(`${value.toFixed(2)}x`, 10)}${padLeft(`>= ${goal}x`, 10)}  ${met}`,
    );
  };
  ratio("node-pop3", 3);
  ratio("poplib", 2);
  ratio("raw", 0.8);
}

const tables = await throughputTables();
let large;
if (ONLY === undefined && LARGE_MB > 0) {
  try {
    large = await largeRetrieve();
  } catch (error) {
    large = { error: error instanceof Error ? error.message : String(error), size: LARGE_MB * 1e6 };
  }
}
console.log(report(tables, large));
