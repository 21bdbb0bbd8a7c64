// Child process of the bench: one RETR of a large message streamed into a SHA-256 (never into
// memory), with the resident set sampled while it runs. Prints one JSON line.
// Input: a JSON object on stdin { host, port, ca, username, password, dist }.
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const { host, port, ca, username, password, dist } = JSON.parse(input);
const { connectPop3 } = await import(dist);

const client = await connectPop3({
  host,
  port,
  tls: "implicit",
  tlsOptions: { ca },
  auth: { username, password },
});
const { octets } = await client.stat();

// Baseline: the process with the library loaded and a logged-in session, after a full GC.
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 50));
globalThis.gc?.();
const baseline = process.memoryUsage.rss();
let peak = baseline;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
};
const timer = setInterval(sample, 5);

const hash = createHash("sha256");
let bytes = 0;
let chunks = 0;
const started = performance.now();
await pipeline(
  await client.retrieve(1),
  new Writable({
    highWaterMark: 64 * 1024,
    write(chunk, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      if (++chunks % 64 === 0) sample();
      callback();
    },
  }),
);
const seconds = (performance.now() - started) / 1000;
sample();
clearInterval(timer);
await client.quit();
process.stdout.write(
  `${JSON.stringify({ baseline, peak, bytes, octets, seconds, sha256: hash.digest("hex") })}\n`,
);
