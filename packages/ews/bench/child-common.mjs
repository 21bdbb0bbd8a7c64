// Shared by the bench's child processes: RSS sampling, CPU, and the result line on stdout.
export function startSampler() {
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
      // The kernel's high-water mark catches peaks between two samples (KiB on Linux).
      return Math.max(peak, process.resourceUsage().maxRSS * 1024);
    },
    stop() {
      clearInterval(timer);
    },
  };
}

export function cpuSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export function readConfig() {
  return JSON.parse(process.argv[2]);
}

export function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
