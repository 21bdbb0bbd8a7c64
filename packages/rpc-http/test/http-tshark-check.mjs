// Captures one MapiSession over RPC over HTTP v2 against exchange-sim (RPC-level NTLM at packet
// integrity, so the EMSMDB payloads stay readable) and asks Debian's tshark whether every frame
// decodes without malformed-packet or error-level expert warnings. Both hops are captured: the
// client's TLS channels to the sim's RPC proxy (decrypted with Node's --tls-keylog) and the
// proxy's plain ncacn_ip_tcp connection to the sim's DCE/RPC server.
//
// Not part of `npm test` (it needs tshark/dumpcap and capture rights on the loopback device):
//   apt-get install -y tshark && npm run build -w @mailwire/rpc-http && node test/http-tshark-check.mjs
// Exits 1 when tshark reports a malformed packet or an error, 0 otherwise.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const dir = process.env.CAPTURE_DIR ?? mkdtempSync(join(tmpdir(), "rpch-capture-"));
const keylog = join(dir, "tls-keys.log");
if (!process.execArgv.some((arg) => arg.startsWith("--tls-keylog"))) {
  // Node writes the TLS secrets of every connection in this process for tshark to decrypt.
  const child = spawnSync(process.execPath, [`--tls-keylog=${keylog}`, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, CAPTURE_DIR: dir },
  });
  process.exit(child.status ?? 1);
}

const { startSim } = await import("@mailwire/exchange-sim");
const { connectRpcOverHttp, createRpcSessionOver, RpcServerPort } = await import(
  new URL("../dist/index.js", import.meta.url).href
);

const sim = await startSim();
sim.rpcProxy.configure({ backend: { host: "127.0.0.1", port: sim.rpc.port } });
// Integrity (signed, not sealed) so the dissectors see the stubs; the sim insists on privacy by default.
sim.rpc.requirePrivacy = false;
// PINGS=1: keep-alive pings both ways during the session, so the capture has them too.
const pings = process.env.PINGS === "1";
if (pings) sim.rpcProxy.configure({ pingIntervalMs: 50 });
const capture = join(dir, "rpch.pcapng");
const dumpcap = spawn(
  "dumpcap",
  ["-q", "-i", "lo", "-f", `tcp port ${sim.port} or tcp port ${sim.rpc.port}`, "-w", capture],
  {
    stdio: ["ignore", "ignore", "pipe"],
  },
);
let dumpcapErrors = "";
dumpcap.stderr.on("data", (chunk) => {
  dumpcapErrors += chunk;
});
for (let waited = 0; waited < 50 && !existsSync(capture); waited++) await sleep(100);
await sleep(500);

const credentials = {
  username: sim.credentials.username,
  password: sim.credentials.password,
  domain: sim.credentials.domain,
};
const NSPI_UUID = "f5cc5a18-4264-101a-8c59-08002b2f8426";
const { session } = await createRpcSessionOver(
  (request, options) =>
    connectRpcOverHttp({
      proxyUrl: sim.origin,
      server: "exch01.mailwire.test",
      port: request.interface.uuid === NSPI_UUID ? RpcServerPort.NSPI : RpcServerPort.EMSMDB,
      credentials,
      tls: { ca: sim.caPem },
      proxy: false,
      signal: options.signal,
      ...(pings ? { keepAliveMs: 100 } : {}),
    }),
  {
    credentials,
    authLevel: "integrity",
    allowCompressedResponses: process.env.COMPRESS === "1",
    userDn: `/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${sim.credentials.username}`,
  },
);
const folders = await session.listFolders();
if (pings) await sleep(400);
let messages = 0;
for await (const _message of session.listMessages(session.mailbox.folders.inbox, { pageSize: 100 }))
  messages++;
await session.close();
await sleep(500);
dumpcap.kill("SIGINT");
await new Promise((resolve) => dumpcap.once("exit", resolve));
await sim.close();
console.log(`session: ${folders.length} folders, ${messages} Inbox messages; capture ${capture}`);

const decode = (...extra) =>
  spawnSync(
    "tshark",
    [
      "-r",
      capture,
      "-o",
      `tls.keylog_file:${keylog}`,
      "-d",
      `tcp.port==${sim.port},tls`,
      "-d",
      `tcp.port==${sim.rpc.port},dcerpc`,
      ...extra,
    ],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
const count = (filter) =>
  decode("-Y", filter)
    .stdout.split("\n")
    .filter((line) => line.trim() !== "").length;
const figures = {
  frames: count("frame"),
  tls: count("tls"),
  http: count("http.request"),
  dcerpc: count("dcerpc"),
  rts: count("dcerpc.pkt_type == 20"),
  emsmdb: count("mapi"),
  // Wireshark 4.0's RTS dissector throws on every RTS PDU without commands, the spec's own
  // Ping (2.2.4.49) and Echo included: a 20-byte Ping alone in a frame is "malformed" there too.
  // Those frames are counted apart; any other malformed frame or error fails the check.
  zeroCommandRts: count("_ws.malformed && dcerpc.cn_rts_commands_nb == 0"),
  malformed: count("_ws.malformed && !(dcerpc.cn_rts_commands_nb == 0)"),
  expertErrors: count("_ws.expert.severity == error && !(dcerpc.cn_rts_commands_nb == 0)"),
};
console.log(figures);
if (figures.malformed > 0 || figures.expertErrors > 0) {
  console.log(decode("-Y", "_ws.malformed || _ws.expert.severity == error").stdout.slice(0, 4000));
}
if (dumpcapErrors.trim()) console.log(`dumpcap: ${dumpcapErrors.trim().slice(0, 500)}`);
process.exit(figures.malformed > 0 || figures.expertErrors > 0 || figures.dcerpc === 0 ? 1 : 0);
