// A TCP relay that delays every chunk by a fixed one-way latency, in both directions, so that
// the bench can measure the clients over a link with a round trip (BENCH_RTT_MS) instead of
// loopback's microseconds. It runs in its own process (bench/pop3-download.bench.mjs starts it)
// so that its timers do not share the event loop of the clients being measured.
//
// Bytes are relayed as they are: TLS stays end to end between the client and Dovecot, the
// relay sees only records. Order is kept (one FIFO per direction, written in arrival order)
// and buffers are bounded: past MAX_QUEUED_BYTES waiting in one direction the source socket
// is paused, and a destination that stops draining stops the flush (TCP backpressure then
// reaches the sender, as on a real link).
//
// Usage: node delay-relay.mjs ONE_WAY_MS TARGET_HOST TARGET_PORT [TARGET_PORT ...]
// Prints one JSON line {"ports": {"<target port>": <listening port>}} once listening on
// 127.0.0.1, then relays until SIGTERM or until its stdin closes (the bench exited).
import { createServer, connect as netConnect } from "node:net";
import { performance } from "node:perf_hooks";

/**
 * At most this many bytes wait in one direction before the source is paused. One megabyte
 * holds about 50 ms of a 20 MB/s download: far above the bandwidth-delay product of the
 * latencies this relay is for (a few ms), so the bound never limits throughput, only memory.
 */
const MAX_QUEUED_BYTES = 1024 * 1024;

const [oneWayText, targetHost, ...targetPorts] = process.argv.slice(2);
const oneWayMs = Number(oneWayText);
if (!Number.isFinite(oneWayMs) || oneWayMs < 0 || !targetHost || targetPorts.length === 0) {
  console.error("usage: node delay-relay.mjs ONE_WAY_MS TARGET_HOST TARGET_PORT [TARGET_PORT ...]");
  process.exit(2);
}

/** Relays `from` to `to`, each chunk written `oneWayMs` after it was received. */
function delayedPipe(from, to) {
  const queue = []; // { due, chunk } with chunk null for the end of the stream
  let head = 0;
  let queued = 0;
  let timer;
  let blocked = false;

  const schedule = () => {
    if (timer || blocked || head >= queue.length) return;
    timer = setTimeout(flush, Math.max(0, queue[head].due - performance.now()));
  };

  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (head < queue.length && queue[head].due <= now) {
      const { chunk } = queue[head];
      queue[head++] = undefined;
      if (chunk === null) {
        to.end();
        continue;
      }
      queued -= chunk.length;
      if (!to.write(chunk)) {
        blocked = true;
        to.once("drain", () => {
          blocked = false;
          flush();
        });
        break;
      }
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    }
    if (queued < MAX_QUEUED_BYTES / 2 && from.isPaused()) from.resume();
    schedule();
  };

  from.on("data", (chunk) => {
    queue.push({ due: performance.now() + oneWayMs, chunk });
    queued += chunk.length;
    if (queued > MAX_QUEUED_BYTES) from.pause();
    schedule();
  });
  let ended = false;
  from.on("end", () => {
    ended = true;
    queue.push({ due: performance.now() + oneWayMs, chunk: null });
    schedule();
  });
  // Closed without FIN (reset, destroy): the other side goes too, as it would on a real link.
  from.on("close", () => {
    if (!ended) to.destroy();
  });
}

function relay(targetPort) {
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const upstream = netConnect({ host: targetHost, port: targetPort, allowHalfOpen: true, noDelay: true });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", closeBoth);
    upstream.on("error", closeBoth);
    delayedPipe(client, upstream);
    delayedPipe(upstream, client);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve([targetPort, server.address().port]));
  });
}

const ports = Object.fromEntries(await Promise.all(targetPorts.map((port) => relay(Number(port)))));
process.stdout.write(`${JSON.stringify({ ports })}\n`);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
