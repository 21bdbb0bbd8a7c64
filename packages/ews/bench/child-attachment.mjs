// Downloads one attachment with @mailwire/ews's downloadAttachment into a SHA-256 (nothing
// kept), sampling RSS. Prints one JSON line.
import { createHash } from "node:crypto";
import { cpuSince, readConfig, report, startSampler } from "./child-common.mjs";

const config = readConfig();
const { createEwsClient } = await import(config.dist);
const client = createEwsClient({
  url: config.url,
  credentials: { username: config.username, password: config.password },
  tls: { ca: config.caPem },
  ...(config.engine ? { engine: config.engine } : {}),
});
// Baseline: after the first request (module loaded, TLS and auth done), before the download.
await client.getFolder("inbox");
globalThis.gc?.();
const baselineRss = process.memoryUsage().rss;
const sampler = startSampler();
try {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { info, content } = await client.downloadAttachment(config.attachmentId);
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of content) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  const seconds = (performance.now() - started) / 1000;
  report({
    seconds,
    cpuSeconds: cpuSince(cpu),
    bytes,
    size: info.size,
    sha256: hash.digest("hex"),
    baselineRss,
    peakSampled: sampler.peak(),
  });
} finally {
  sampler.stop();
  await client.close();
}
