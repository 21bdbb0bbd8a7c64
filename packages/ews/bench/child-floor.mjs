// The transport floor: the same requests as child-ours.mjs (FindItem pages with AllProperties,
// then GetItem batches), sent through @mailwire/ews's SoapClient over @mailwire/core's HTTP
// client, with every response body read and dropped unparsed (item ids for GetItem are picked
// out with a regular expression). Whatever ours uses above this is parsing and mapping.
import { listAndFetch, readConfig, report, startSampler } from "./child-common.mjs";

const config = readConfig();
const { createEwsClient, findItemBody, getItemBody } = await import(config.dist);
const sampler = startSampler();
const baselineRss = process.memoryUsage().rss;
const client = createEwsClient({
  url: config.url,
  credentials: { username: config.username, password: config.password },
  tls: { ca: config.caPem },
  ...(config.engine ? { engine: config.engine } : {}),
});
const drain = async (response) => {
  const chunks = [];
  for await (const chunk of response.body) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
};
try {
  const post = async (operation, body) =>
    drain(await client.soap.post(operation, body, { idempotent: true }));
  const { listSeconds, getSeconds, cpuSeconds, listed, fetched } = await listAndFetch(
    config,
    { findItemBody, getItemBody },
    post,
  );
  report({
    listSeconds,
    getSeconds,
    cpuSeconds,
    peakRss: sampler.peak(),
    heapPeak: sampler.heapPeak(),
    ...sampler.heapDetail(),
    baselineRss,
    listed,
    fetched,
  });
} finally {
  sampler.stop();
  await client.close();
}
