// One bench round for @mailwire/ews (built dist): list every item of the Inbox with FindItem
// paging, then GetItem the first FETCH of them in batches. Prints one JSON line.
import { cpuSince, readConfig, report, startSampler } from "./child-common.mjs";

const config = readConfig();
const { createEwsClient } = await import(config.dist);
const sampler = startSampler();
const baselineRss = process.memoryUsage().rss;
const client = createEwsClient({
  url: config.url,
  credentials: { username: config.username, password: config.password },
  tls: { ca: config.caPem },
  ...(config.engine ? { engine: config.engine } : {}),
});
try {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const ids = [];
  for await (const item of client.findItems("inbox", {
    pageSize: config.pageSize,
    shape: { baseShape: "AllProperties" },
  })) {
    ids.push(item.itemId);
  }
  const listed = performance.now();
  const fetched = [];
  let failed = 0;
  const wanted = ids.slice(0, config.fetch);
  for (let at = 0; at < wanted.length; at += config.batch) {
    const results = await client.getItems(wanted.slice(at, at + config.batch), {
      shape: { baseShape: "AllProperties" },
    });
    for (const result of results) {
      if (result.ok) fetched.push([result.value.itemId.id, result.value.subject]);
      else failed++;
    }
  }
  const done = performance.now();
  report({
    listSeconds: (listed - started) / 1000,
    getSeconds: (done - listed) / 1000,
    cpuSeconds: cpuSince(cpu),
    peakRss: sampler.peak(),
    heapPeak: sampler.heapPeak(),
    ...sampler.heapDetail(),
    baselineRss,
    listedIds: ids.map((id) => id.id),
    fetched,
    failed,
  });
} finally {
  sampler.stop();
  await client.close();
}
