// Heap-focused micro-measure of findItems' page handling, without a network: the built client
// (BENCH_DIST or dist/) is given an HTTP client that answers every FindItem with a recorded
// 1,000-item response (written by `BENCH_RECORD=dir npm run bench`), in 16 KB chunks as a socket
// would deliver them. It lists PAGES pages (keeping each item's id, as the bench does) and
// prints the peaks of V8's young generation and committed heap and RSS during the first listing,
// and the median CPU per page over all rounds.
// Usage: node bench/parse-memory.mjs <dir with finditem.xml> [pages=10] [rounds=5]
// What it showed for decision 0002's third round: pages held as strings grew the young
// generation to 32 MiB, pages held as bytes leave it at 16 MiB.
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { getHeapSpaceStatistics } from "node:v8";

const [dir = ".", pagesArg = "10", roundsArg = "5"] = process.argv.slice(2);
const PAGES = Number(pagesArg);
const ROUNDS = Number(roundsArg);
const DIST = process.env.BENCH_DIST ?? new URL("../dist/index.js", import.meta.url).href;
const { createEwsClient } = await import(DIST);

// Every answer is the recorded page with its paging attributes set for the requested offset, so
// the walk goes on until maxItems ends it.
const recorded = readFileSync(`${dir}/finditem.xml`, "utf8");
const perPage = (recorded.match(/<t:ItemId /g) ?? []).length;
const CHUNK = 16 * 1024;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 0);
const http = {
  async request({ body }) {
    // BENCH_LATENCY_MS: a server that takes this long per page (what prefetch overlaps).
    if (LATENCY_MS > 0) await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
    const offset = Number(/Offset="(\d+)"/.exec(body)?.[1] ?? 0);
    const page = Buffer.from(
      recorded
        .replace(/IndexedPagingOffset="\d+"/, `IndexedPagingOffset="${offset + perPage}"`)
        .replace(/IncludesLastItemInRange="\w+"/, 'IncludesLastItemInRange="false"'),
    );
    const chunks = [];
    for (let at = 0; at < page.length; at += CHUNK) chunks.push(Buffer.from(page.subarray(at, at + CHUNK)));
    return { statusCode: 200, headers: {}, body: Readable.from(chunks) };
  },
  async close() {},
};

let newSpace = 0;
let heapTotal = 0;
let rss = 0;
const sample = () => {
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === "new_space" && space.space_size > newSpace) newSpace = space.space_size;
  }
  const usage = process.memoryUsage();
  if (usage.heapTotal > heapTotal) heapTotal = usage.heapTotal;
  if (usage.rss > rss) rss = usage.rss;
};
const timer = setInterval(sample, 2);
const client = createEwsClient({ url: "https://ews.invalid/EWS/Exchange.asmx", http });
const cpuPerPage = [];
const wallPerPage = [];
let first;
for (let round = 0; round < ROUNDS; round++) {
  const ids = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  for await (const item of client.findItems("inbox", {
    pageSize: 1000,
    maxItems: PAGES * perPage,
    shape: { baseShape: "AllProperties" },
    // BENCH_PREFETCH=0: one page at a time (the default requests the next page ahead).
    prefetch: process.env.BENCH_PREFETCH !== "0",
  })) {
    ids.push(item.itemId);
    if (ids.length % 200 === 0) sample();
  }
  const used = process.cpuUsage(cpu);
  cpuPerPage.push((used.user + used.system) / 1000 / PAGES);
  wallPerPage.push((performance.now() - started) / PAGES);
  if (ids.length !== PAGES * perPage) throw new Error(`listed ${ids.length}`);
  // Memory figures are the first round's (a fresh process doing the bench's listing once); the
  // later rounds only time the work, their survivors would grow the young generation further.
  if (round === 0) {
    sample();
    first = { newSpace, heapTotal, rss };
  }
}
clearInterval(timer);
sample();
await client.close();
const MIB = 2 ** 20;
const sorted = [...cpuPerPage].sort((a, b) => a - b);
console.log(
  JSON.stringify({
    dist: DIST,
    pages: PAGES,
    itemsPerPage: perPage,
    newSpacePeakMiB: first.newSpace / MIB,
    heapTotalPeakMiB: +(first.heapTotal / MIB).toFixed(1),
    rssPeakMiB: +(first.rss / MIB).toFixed(1),
    cpuMsPerPageMedian: +sorted[sorted.length >> 1].toFixed(1),
    // The first round is what a fresh process (the bench's child) pays: the code is still cold.
    cpuMsPerPageByRound: cpuPerPage.map((ms) => +ms.toFixed(1)),
    wallMsPerPageByRound: wallPerPage.map((ms) => +ms.toFixed(1)),
  }),
);
