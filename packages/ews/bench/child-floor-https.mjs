// The transport floor on Node's own HTTP stack: the same envelopes as child-floor.mjs (built
// with @mailwire/ews's buildEnvelope, so the same modules are loaded, @mailwire/core and undici
// included), sent with node:https over one keep-alive connection and read unparsed. Set beside
// child-floor.mjs it separates what undici's request path adds at the peak (its llhttp
// WebAssembly parser, tiered up by TurboFan while responses stream) from everything else.
import { Agent, request } from "node:https";
import { cpuSince, readConfig, report, startSampler } from "./child-common.mjs";

const config = readConfig();
const { buildEnvelope, findItemBody, getItemBody } = await import(config.dist);
const sampler = startSampler();
const baselineRss = process.memoryUsage().rss;
const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: config.caPem });
const url = new URL(config.url);
const authorization = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString("base64")}`;
// What the SoapClient sends first (Exchange2013_SP1 unless told otherwise).
const envelope = (body) => buildEnvelope(body, { version: "Exchange2013_SP1" });

function post(operation, body) {
  const payload = Buffer.from(envelope(body));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "text/xml; charset=utf-8",
          accept: "text/xml",
          soapaction: `"http://schemas.microsoft.com/exchange/services/2006/messages/${operation}"`,
          authorization,
          "content-length": payload.length,
        },
      },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.once("error", reject);
        response.once("end", () => {
          if (response.statusCode !== 200) reject(new Error(`${operation}: HTTP ${response.statusCode}`));
          else resolve(Buffer.concat(chunks).toString("utf8"));
        });
      },
    );
    outgoing.once("error", reject);
    outgoing.end(payload);
  });
}

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
    const text = await post("FindItem", body);
    const before = ids.length;
    for (const match of text.matchAll(/<t:ItemId Id="([^"]+)"/g)) ids.push(match[1]);
    if (ids.length === before || text.includes('IncludesLastItemInRange="true"')) break;
  }
  const listed = performance.now();
  const wanted = ids.slice(0, config.fetch);
  let fetched = 0;
  for (let at = 0; at < wanted.length; at += config.batch) {
    const batch = wanted.slice(at, at + config.batch).map((id) => ({ id }));
    const text = await post("GetItem", getItemBody(batch, { baseShape: "AllProperties" }));
    fetched += (text.match(/ResponseClass="Success"/g) ?? []).length;
  }
  const done = performance.now();
  report({
    listSeconds: (listed - started) / 1000,
    getSeconds: (done - listed) / 1000,
    cpuSeconds: cpuSince(cpu),
    peakRss: sampler.peak(),
    heapPeak: sampler.heapPeak(),
    baselineRss,
    listed: ids.length,
    fetched,
  });
} finally {
  sampler.stop();
  agent.destroy();
}
