// @mailwire/mapi-http round trips, one run: "open the Inbox and list 100 messages" after logon,
// against tooling/exchange-sim (HTTPS with its test CA, NTLMv2 with channel binding) on the
// shared fixture store (127 messages in the Inbox).
//
// Each round: createMapiHttpSession (Connect + RopLogon, not timed, not counted), then the
// operation — session.listMessages(inbox, { pageSize: 100 }) until the 100th summary has
// arrived. Counted three ways for that operation only:
//   sim Execute   the sim's own counter of Execute requests it ran through its ROP engine
//                 (EmsmdbEndpoint.stats.executes, read through POST /mailwire/mapi/control
//                 on a separate HTTP client, before and after)
//   sim HTTP      every HTTP request the sim received meanwhile (SimStats.requests), so an
//                 NTLM re-handshake or a stray request would show, minus the control reads
//   client HTTP   MapiHttpMailboxTransport.stats.requests
// Goal (from the issue): one Execute. The 100 subjects are checked against the store's Inbox
// order (fixture subjects): a round that listed the wrong messages is reported, not timed.
//
// Not a test: prints a table and exits 0 whatever the figures. Median of BENCH_ROUNDS
// (default 7) rounds, each on a new session (a first QueryRows, as after a real logon).
//
// Environment: BENCH_ROUNDS (default 7), BENCH_DIST (path of the built entry).
import { loadavg } from "node:os";
import { createHttpClient } from "@mailwire/core";
import { startSim } from "@mailwire/exchange-sim";

const DIST = process.env.BENCH_DIST ?? new URL("../dist/index.js", import.meta.url).href;
const { createMapiHttpSession } = await import(DIST);

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const LIST = 100;

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
const loadAtStart = load();
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const pad = (text, width) => String(text).padEnd(width);
const lpad = (text, width) => String(text).padStart(width);

const sim = await startSim();
const credentials = {
  username: sim.credentials.username,
  password: sim.credentials.password,
  domain: sim.credentials.domain,
};
const http = createHttpClient({ credentials, tls: { ca: sim.caPem } });
const controlHttp = createHttpClient({ credentials, tls: { ca: sim.caPem } });
const userDn = `/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${sim.credentials.username}`;
const url = `${sim.origin}/mapi/emsmdb/?MailboxId=${encodeURIComponent(sim.credentials.email)}`;
const expected = sim.store
  .messages(sim.store.specialFolder("inbox").id)
  .map((m) => m.fixture.subject)
  .slice(0, LIST);

async function simExecutes() {
  const response = await controlHttp.request({
    method: "POST",
    url: `${sim.origin}/mailwire/mapi/control`,
    headers: { "content-type": "application/json" },
    body: "{}",
    expectStatus: 200,
  });
  return (await response.body.json()).executes;
}

const samples = { ms: [], executes: [], simHttp: [], clientHttp: [] };
let verified = 0;
const failures = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const { session, transport } = await createMapiHttpSession({ url, userDn, http });
    try {
      const inbox = session.mailbox.folders.inbox;
      const executesBefore = await simExecutes();
      const simRequestsBefore = sim.stats.requests;
      const clientBefore = transport.stats.requests;
      const subjects = [];
      const started = performance.now();
      for await (const message of session.listMessages(inbox, { pageSize: LIST })) {
        subjects.push(message.subject);
        if (subjects.length === LIST) break;
      }
      const ms = performance.now() - started;
      const clientHttp = transport.stats.requests - clientBefore;
      const simHttp = sim.stats.requests - simRequestsBefore;
      const executes = (await simExecutes()) - executesBefore;
      if (subjects.length !== LIST || subjects.some((subject, i) => subject !== expected[i])) {
        failures.push(`round ${round + 1}: ${subjects.length} messages or a subject out of place`);
        continue;
      }
      verified++;
      samples.ms.push(ms);
      samples.executes.push(executes);
      samples.simHttp.push(simHttp);
      samples.clientHttp.push(clientHttp);
    } finally {
      await session.close();
    }
  }
} finally {
  await http.close();
  await controlHttp.close();
  await sim.close();
}

const range = (values) => (values.length ? `${Math.min(...values)}-${Math.max(...values)}` : "-");
console.log(
  `@mailwire/mapi-http round trips against exchange-sim; machine: 2 cores, shared with other work; node ${process.version}`,
);
console.log(`load average (1/5/15 min) at start: ${loadAtStart}`);
console.log(
  `\n== "open Inbox and list ${LIST} messages" after Connect + RopLogon (HTTPS, NTLMv2), ${ROUNDS} rounds, each on a new session`,
);
console.log(
  `${pad("operation", 38)}${lpad("sim Execute", 12)}${lpad("sim HTTP", 10)}${lpad("client HTTP", 13)}${lpad("median ms", 11)}${lpad("min-max ms", 14)}  verified`,
);
const ms = samples.ms;
console.log(
  `${pad(`listMessages(inbox, pageSize ${LIST})`, 38)}${lpad(range(samples.executes), 12)}${lpad(range(samples.simHttp), 10)}${lpad(range(samples.clientHttp), 13)}${lpad(ms.length ? median(ms).toFixed(1) : "-", 11)}${lpad(ms.length ? `${Math.min(...ms).toFixed(1)}-${Math.max(...ms).toFixed(1)}` : "-", 14)}  ${verified}/${ROUNDS} rounds the fixture's first ${LIST} Inbox subjects, in order${failures.length ? `; ${failures[0]}` : ""}`,
);
const maxExecutes = samples.executes.length ? Math.max(...samples.executes) : Number.NaN;
console.log(`\n${pad("goal", 46)}${lpad("figure", 8)}${lpad("goal", 8)}  met`);
console.log(
  `${pad("Execute requests for the operation (max)", 46)}${lpad(maxExecutes, 8)}${lpad("1", 8)}  ${maxExecutes === 1 && verified === ROUNDS ? "yes" : "NO"}`,
);
console.log(
  "sim HTTP: requests the sim received during the operation (the control reads are before/after it); time: loopback, includes the sim's work.",
);
console.log(`load average (1/5/15 min) at end: ${load()}`);
