// The transport floor: the same requests as child-ours.mjs (FindItem pages with AllProperties,
// then GetItem batches), sent through @mailwire/ews's SoapClient over @mailwire/core's HTTP
// client, with every response body read and dropped unparsed (item ids for GetItem are picked
// out with a regular expression). Whatever ours uses above this is parsing and mapping.
import { cpuSince, readConfig, report, startSampler } from "./child-common.mjs";

const config = readConfig();
const { createEwsClient, findItemBody, getItemBody } = await import(config.dist);
const sampler = startSampler();
const baselineRss = process.memoryUsage().rss;
const client = createEwsClient({
  url: config.url,
  credentials: { username: config.username, password: config.password },
  tls: { ca: config.caPem },
});
const drain = async (response) => {
  const chunks = [];
  for await (const chunk of response.body) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
};
try {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const ids = [];
  for (let offset = 0; ; offset += config.pageSize) {
    const body = findItemBody(
      "inbox",
      { shape: { baseShape: "AllProperties" } },
      { offset, pageSize: config.pageSize },
    );
    const text = await drain(await client.soap.post("FindItem", body, { idempotent: true }));
    const before = ids.length;
    for (const match of text.matchAll(/<t:ItemId Id="([^"]+)"/g)) ids.push(match[1]);
    if (ids.length === before || text.includes('IncludesLastItemInRange="true"')) break;
  }
  const listed = performance.now();
  const wanted = ids.slice(0, config.fetch);
  let fetched = 0;
  for (let at = 0; at < wanted.length; at += config.batch) {
    const batch = wanted.slice(at, at + config.batch).map((id) => ({ id }));
    const text = await drain(
      await client.soap.post("GetItem", getItemBody(batch, { baseShape: "AllProperties" }), {
        idempotent: true,
      }),
    );
    fetched += (text.match(/ResponseClass="Success"/g) ?? []).length;
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
    listed: ids.length,
    fetched,
  });
} finally {
  sampler.stop();
  await client.close();
}
