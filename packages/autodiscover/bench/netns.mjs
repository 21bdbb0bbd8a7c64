// exchangelib next to discover() on the same black-holed setup (BENCH_EXCHANGELIB=1).
//
// exchangelib cannot be routed like our client: it resolves every host with dnspython against
// the system's resolv.conf, checks each candidate host has an A record before trying it, and
// connects to ports 443 and 80. So the bench re-runs itself in a Linux network namespace of its
// own (`ip netns add`; needs root and iproute2), where it may bind :443 and :80 and where
// `ip netns exec` bind-mounts /etc/netns/<name>/resolv.conf and hosts over /etc's, pointing the
// resolver at a DNS server of ours on 127.0.0.1:53. Nothing outside the namespace changes
// (the two files live in /etc/netns/<name>/ and are removed with it).
//
// Inside: exchange-sim on 127.0.0.1:443; SYN black holes on 127.0.0.2:443 and 127.0.0.2:80;
// DNS: mailwire.test and autodiscover.mailwire.test A 127.0.0.2 (black-holed), SRV
// _autodiscover._tcp.mailwire.test -> localhost:443, localhost A 127.0.0.1. The SRV target is
// "localhost" because the sim's certificate names only localhost and loopback addresses, and
// exchangelib verifies names (our discover() asks confirmRedirect for it: outside the domain).
// Both clients trust the sim's CA (REQUESTS_CA_BUNDLE / tls.ca) and send NTLM.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { discover } from "@mailwire/autodiscover";
import { POX_HTTP_AND_SRV, startBlackHole, startSimChild } from "./setup.mjs";

const PYTHON = "/usr/bin/python3";
export const NETNS_ENV = "MAILWIRE_BENCH_NETNS";

/** Why exchangelib cannot be measured here, or undefined when it can. */
export function exchangelibUnavailable() {
  if (process.platform !== "linux") return "network namespaces need Linux";
  if (process.getuid?.() !== 0) return "creating a network namespace needs root";
  if (spawnSync("ip", ["-V"]).status !== 0) return "iproute2 (`ip`) is not installed";
  const probe = spawnSync(PYTHON, ["-c", "import exchangelib; print(exchangelib.__version__)"], {
    encoding: "utf8",
  });
  if (probe.status !== 0) return `${PYTHON} cannot import exchangelib (apt-get install python3-exchangelib)`;
  return undefined;
}

const run = (args) => {
  const result = spawnSync("ip", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr.trim()}`);
};

/** Runs `argv` (node and the bench script) inside a fresh namespace; returns its exit code. */
export async function rerunInNetns(argv, env) {
  const name = `mailwire-ad-${process.pid}`;
  const etc = `/etc/netns/${name}`;
  run(["netns", "add", name]);
  try {
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, "resolv.conf"), "nameserver 127.0.0.1\noptions timeout:3 attempts:1\n");
    writeFileSync(join(etc, "hosts"), "127.0.0.1 localhost\n");
    run(["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
    const child = spawn("ip", ["netns", "exec", name, ...argv], {
      stdio: "inherit",
      env: { ...env, [NETNS_ENV]: name },
    });
    const [code] = await once(child, "exit");
    return code ?? 1;
  } finally {
    spawnSync("ip", ["netns", "del", name]);
    rmSync(etc, { recursive: true, force: true });
  }
}

/** Inside the namespace: the sim on :443, the holes, the DNS server on :53. */
export async function startNetnsSetup({ connectTimeoutMs }) {
  const sim = await startSimChild({ host: "127.0.0.1", port: 443 });
  const holes = [
    await startBlackHole({ host: "127.0.0.2", port: 443 }),
    await startBlackHole({ host: "127.0.0.2", port: 80 }),
  ];
  const records = [
    ["mailwire.test A", ["127.0.0.2"]],
    ["autodiscover.mailwire.test A", ["127.0.0.2"]],
    ["localhost A", ["127.0.0.1"]],
    ["_autodiscover._tcp.mailwire.test SRV", [{ target: "localhost", port: 443, priority: 0, weight: 0 }]],
  ];
  const dns = spawn(
    process.execPath,
    [fileURLToPath(new URL("./dns-child.mjs", import.meta.url)), "127.0.0.1", "53", JSON.stringify(records)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  await once(dns.stdout, "data");
  const caFile = join(tmpdir(), `mailwire-ad-bench-ca-${process.pid}.pem`);
  writeFileSync(caFile, sim.caPem);
  const email = sim.credentials.email;
  const credentials = {
    username: sim.credentials.username,
    password: sim.credentials.password,
    domain: sim.credentials.domain,
  };
  const winner = "https://localhost/autodiscover/autodiscover.xml";

  /** Our discover() with the system resolver and real ports: no routing, no dnsServers. */
  async function ours(extra = {}) {
    const started = performance.now();
    const result = await discover(email, {
      credentials,
      http: { tls: { ca: sim.caPem } },
      confirmRedirect: (url) => url.hostname === "localhost",
      methods: POX_HTTP_AND_SRV,
      connectTimeoutMs,
      ...extra,
    });
    const ms = performance.now() - started;
    if (result.source.url !== winner) throw new Error(`netns: unexpected winner ${result.source.url}`);
    for (const attempt of result.trace) {
      if (
        /^https?:\/\/(autodiscover\.)?mailwire\.test\//.test(attempt.target) &&
        attempt.outcome !== "cancelled"
      )
        throw new Error(`netns: black-holed ${attempt.target} ended "${attempt.outcome}", not cancelled`);
    }
    return ms;
  }

  /** exchangelib 4.9 (Debian's python3-exchangelib): `rounds` discoveries in one interpreter. */
  async function exchangelib(rounds) {
    const user = credentials.domain ? `${credentials.domain}\\${credentials.username}` : credentials.username;
    const config = {
      email,
      username: user,
      password: credentials.password,
      rounds,
      timeout_s: connectTimeoutMs / 1000,
    };
    const child = spawn(
      PYTHON,
      [fileURLToPath(new URL("./exchangelib-autodiscover.py", import.meta.url)), JSON.stringify(config)],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, REQUESTS_CA_BUNDLE: caFile } },
    );
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    const [code] = await once(child, "exit");
    if (code !== 0)
      throw new Error(`exchangelib run failed (${code}): ${err.trim().split("\n").slice(-3).join(" | ")}`);
    return JSON.parse(out.trim().split("\n").at(-1));
  }

  return {
    ours,
    exchangelib,
    close: async () => {
      for (const hole of holes) hole.close();
      dns.stdin.end();
      rmSync(caFile, { force: true });
      await sim.close();
    },
  };
}
