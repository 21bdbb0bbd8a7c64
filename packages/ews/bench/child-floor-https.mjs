// The transport floor on Node's own HTTP stack: the same envelopes as child-floor.mjs (built
// with @mailwire/ews's buildEnvelope, so the same modules are loaded, @mailwire/core and undici
// included), sent with node:https over one keep-alive connection and read unparsed. Set beside
// child-floor.mjs it separates what undici's request path adds at the peak (its llhttp
// WebAssembly parser, tiered up by TurboFan while responses stream) from everything else.
import { Agent, request } from "node:https";
import { listAndFetch, readConfig, report, startSampler } from "./child-common.mjs";

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
    baselineRss,
    listed,
    fetched,
  });
} finally {
  sampler.stop();
  agent.destroy();
}
