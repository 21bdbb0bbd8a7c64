// Shared by the bench's child processes: RSS sampling, CPU, and the result line on stdout. CommonJS
// for child-ewsjs.cjs; child-common.mjs (the other children) imports its helpers from here and
// adds a sampler that also tracks the committed heap and the young generation.
const { readFileSync } = require("node:fs");

/** VmHWM from /proc/self/status (Linux; bytes), or 0 where there is none. */
function ownHighWaterMark() {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function startSampler() {
  let peak = process.memoryUsage().rss;
  let heapPeak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage();
    if (rss > peak) peak = rss;
    if (heapUsed > heapPeak) heapPeak = heapUsed;
  }, 5);
  return {
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

function cpuSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function readConfig() {
  return JSON.parse(process.argv[2]);
}

function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
module.exports = { startSampler, cpuSince, readConfig, report, ownHighWaterMark };
