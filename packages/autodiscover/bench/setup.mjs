// The bench's local setup, shared by discover.bench.mjs and profile.mjs: exchange-sim in a
// child process (HTTPS + NTLMv2), a SYN black hole, a DNS server on 127.0.0.1 answering the SRV
// query, and the scenarios timed against them (see discover.bench.mjs for the candidates).
import { spawn } from "node:child_process";
import { Resolver } from "node:dns";
import { once } from "node:events";
import { connect as netConnect } from "node:net";
import { fileURLToPath } from "node:url";
import { buildPoxRequest, discover, PoxRequestHeaders, parsePoxResponse } from "@mailwire/autodiscover";
import { createHttpClient } from "@mailwire/core";
import { startLoopbackDns } from "./loopback-dns.mjs";

export const POX = "/autodiscover/autodiscover.xml";

/** `methods` for the scenarios: candidates 1-4 (POX on both hosts, the HTTP redirect, SRV). */
export const POX_HTTP_AND_SRV = { scp: false, soap: false, v2: false, autoconfig: false, ports: false };
/** `methods` for the direct baseline: the SRV candidate alone. */
export const ONLY_SRV = { ...POX_HTTP_AND_SRV, pox: false, httpRedirect: false };

/**
 * See test/helpers/syn-black-hole-child.mjs: a port where connect() never completes. The child
 * listens with backlog 1 and never accepts; our two connections fill its accept queue, and
 * every SYN after them is dropped. Checked before anything is timed: a fresh connect must
 * still be pending after 300 ms, or the numbers would be those of an accept-and-stay-silent
 * server (what backlog 0 gave: node reads 0 as the default, 511).
 */
export async function startBlackHole({ host = "127.0.0.1", port: wanted = 0 } = {}) {
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL("../test/helpers/syn-black-hole-child.mjs", import.meta.url)),
      host,
      String(wanted),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = await once(child.stdout, "data");
  const port = Number(String(line).trim());
  const fillers = [];
  for (let index = 0; index < 2; index++) {
    const socket = netConnect({ host, port }).on("error", () => undefined);
    fillers.push(socket);
    await once(socket, "connect");
  }
  const close = () => {
    for (const socket of fillers) socket.destroy();
    child.kill("SIGKILL");
  };
  const probe = netConnect({ host, port }).on("error", () => undefined);
  let connected = false;
  probe.once("connect", () => {
    connected = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  probe.destroy();
  if (connected) {
    close();
    throw new Error(`the black hole on ${host}:${port} does not hold: a connect to it completed`);
  }
  return { port, close };
}

// One TLS options object per CA list, reused by every client the factory makes: what a caller
// passing the same `http: { tls: { ca } }` to every discover() has (core builds one secure
// context per such object and reuses it). A fresh object per client would build a context
// per client, which no caller with fixed settings pays.
const sharedTls = new Map();
function tlsWith(tls, ca) {
  if (tls !== undefined) return { ...tls, ca };
  const key = ca.join("\n");
  let merged = sharedTls.get(key);
  if (merged === undefined) {
    merged = { ca };
    sharedTls.set(key, merged);
  }
  return merged;
}

/** Sends `https://host` / `http://host` to 127.0.0.1:<routes.get(origin)>, keeping any port the URL names. */
export function routedFactory(routes, ca) {
  return (options) => {
    const client = createHttpClient({ ...options, tls: tlsWith(options.tls, ca) });
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

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** exchange-sim in a child process (sim-child.mjs), on `host`:`port` (default 127.0.0.1, any port). */
export async function startSimChild({ host, port } = {}) {
  const args = host === undefined ? [] : [host, String(port ?? 0)];
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL("./sim-child.mjs", import.meta.url)), ...args],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  let text = "";
  child.stdout.setEncoding("utf8");
  for await (const chunk of child.stdout) {
    text += chunk;
    if (text.includes("\n")) break;
  }
  return { ...JSON.parse(text), close: async () => child.stdin.end() };
}

/**
 * Starts the sim, the black hole and the DNS server. `concurrent(firstAnswers, extra, onlySrv)`
 * times one discover() (ms) and checks its winner (counting, in `stats.inversions`, rounds where
 * a live candidate 1 lost to SRV after the grace) and that the black-holed candidates ended
 * cancelled; `sequential()` times exchangelib's order built from the same pieces.
 */
export async function startBenchSetup({ connectTimeoutMs = 3_000 } = {}) {
  const CONNECT_TIMEOUT_MS = connectTimeoutMs;
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

  const stats = { inversions: 0 };
  async function concurrent(firstAnswers, extra = {}, onlySrv = false) {
    const started = performance.now();
    const result = await discover(email, {
      credentials,
      createHttpClient: routedFactory(routes(firstAnswers), [sim.caPem]),
      dnsServers: [dns.server],
      methods: onlySrv ? ONLY_SRV : POX_HTTP_AND_SRV,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      ...extra,
    });
    const ms = performance.now() - started;
    const expected = firstAnswers
      ? `https://mailwire.test${POX}`
      : `https://ad.mailwire.test:${sim.port}${POX}`;
    const srvWon = result.source.url === `https://ad.mailwire.test:${sim.port}${POX}`;
    if (firstAnswers && srvWon) {
      // Candidate 1 was live but answered after the grace window the SRV answer opened: a
      // priority inversion the grace trades for speed. Counted and reported, not hidden.
      stats.inversions++;
    } else if (result.source.url !== expected) throw new Error(`unexpected winner ${result.source.url}`);
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

  /**
   * Both POX candidates live (the same server under both names, as is common): how far behind
   * the better one (the domain) lands when the other answers first - what the priority grace
   * is for. A long fixed grace lets every such round end with candidate 1's answer. Returns
   * the lag of candidate 1 behind candidate 2 in ms (0 when candidate 1 came first) and the
   * time of the first answer.
   */
  async function twoLive() {
    const live = new Map([
      ["https://mailwire.test", sim.port],
      ["https://autodiscover.mailwire.test", sim.port],
    ]);
    const result = await discover(email, {
      credentials,
      createHttpClient: routedFactory(live, [sim.caPem]),
      methods: {
        scp: false,
        soap: false,
        v2: false,
        httpRedirect: false,
        srv: false,
        autoconfig: false,
        ports: false,
      },
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      priorityGraceMs: 10_000,
    });
    if (result.source.url !== `https://mailwire.test${POX}`)
      throw new Error(`unexpected winner ${result.source.url}`);
    // Both attempts begin in the same tick, so their durations compare directly.
    const took = (host) => {
      const attempt = result.trace.find((entry) => entry.target === `https://${host}${POX}`);
      return attempt?.outcome === "settings" ? attempt.durationMs : undefined;
    };
    const first = took("mailwire.test") ?? 0;
    const second = took("autodiscover.mailwire.test");
    // Candidate 2 cancelled: candidate 1 answered first.
    if (second === undefined) return { lagMs: 0, firstAnswerMs: first };
    return { lagMs: Math.max(0, first - second), firstAnswerMs: Math.min(first, second) };
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
    if (winner !== `https://ad.mailwire.test:${sim.port}${POX}`)
      throw new Error(`sequential winner ${winner}`);
    return performance.now() - started;
  }

  return {
    sim,
    hole,
    dns,
    email,
    credentials,
    concurrent,
    /** `inversions`: rounds of "candidate 1 answers" that the SRV candidate won anyway. */
    stats,
    twoLive,
    sequential,
    close: async () => {
      hole.close();
      dns.close();
      await sim.close();
    },
  };
}
