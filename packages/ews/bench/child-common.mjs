// Shared by the bench's child processes: RSS sampling, CPU, and the result line on stdout.
import { getHeapSpaceStatistics } from "node:v8";
import common from "./child-common.cjs";

const { ownHighWaterMark } = common;
export const { cpuSince, readConfig, report } = common;

export function startSampler() {
  let peak = process.memoryUsage().rss;
  let heapPeak = process.memoryUsage().heapUsed;
  // Committed V8 heap and its young generation: the part of RSS that a high allocation rate
  // with survivors grows (V8 doubles the semi-spaces when enough survives scavenges).
  let heapTotalPeak = 0;
  let newSpacePeak = 0;
  let samples = 0;
  const timer = setInterval(() => {
    const { rss, heapUsed, heapTotal } = process.memoryUsage();
    if (rss > peak) peak = rss;
    if (heapUsed > heapPeak) heapPeak = heapUsed;
    if (heapTotal > heapTotalPeak) heapTotalPeak = heapTotal;
    if (samples++ % 4 === 0) {
      for (const space of getHeapSpaceStatistics()) {
        if (space.space_name === "new_space" && space.space_size > newSpacePeak)
          newSpacePeak = space.space_size;
      }
    }
  }, 5);
  return {
    heapDetail() {
      return { heapTotalPeak, newSpacePeak };
    },
    heapPeak() {
      return heapPeak;
    },
    peak() {
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
      // The kernel's high-water mark for this process's own memory catches peaks between two
      // samples. Not getrusage's maxRSS: Linux carries that across fork and execve, so a child
      // of the bench (which holds the sim, its 10,000 messages and the 100 MB attachment)
      // reported the bench's own size whenever it was larger than the child's real peak.
      return Math.max(peak, ownHighWaterMark());
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/**
 * The floors' requests (FindItem pages with AllProperties, then GetItem batches) through `post`,
 * which sends one operation and resolves to the reply as text, read unparsed: item ids for
 * GetItem are picked out with a regular expression.
 */
export async function listAndFetch(config, { findItemBody, getItemBody }, post) {
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
  return {
    listSeconds: (listed - started) / 1000,
    getSeconds: (done - listed) / 1000,
    cpuSeconds: cpuSince(cpu),
    listed: ids.length,
    fetched,
  };
}
