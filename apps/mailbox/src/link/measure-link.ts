import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { AbortError, ConnectionError, TimeoutError } from "@mailwire/core";
import { isSlowLink, SLOW_LINK_KBPS } from "./protocol-order.js";

// Measures the link to the server by timing a download, the way a user would judge it: bytes
// of body over the time between the first and the last body byte (so the round trip and the
// server's think time do not count). A body too small to time says nothing about throughput:
// then `kbps` is null and the link counts as fast, which is Outlook's default too.

export interface LinkMeasurement {
  /** kbit/s (1000 bits), or null when the probe was too small to tell. */
  readonly kbps: number | null;
  /** Time to the response headers: one round trip plus the server's think time. */
  readonly firstByteMs: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly slow: boolean;
  readonly url: string;
}

export interface MeasureLinkOptions {
  readonly url: string | URL;
  /** PEM of extra trusted CAs. */
  readonly ca?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** Stop reading after this many body bytes (default 256 KiB). */
  readonly maxBytes?: number | undefined;
  /** Bodies smaller than this give no throughput figure (default 8 KiB). */
  readonly minBytes?: number | undefined;
  readonly slowLinkKbps?: number | undefined;
}

export function measureLink(options: MeasureLinkOptions): Promise<LinkMeasurement> {
  const url = new URL(options.url);
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const minBytes = options.minBytes ?? 8 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const threshold = options.slowLinkKbps ?? SLOW_LINK_KBPS;
  if (options.signal?.aborted) return Promise.reject(new AbortError());
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs = 0;
    let firstBody = 0;
    let lastBody = 0;
    let bytes = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      req.destroy();
      if (error) return reject(error);
      // The first chunk's bytes arrived before the clock started; count from the second on.
      const window = lastBody - firstBody;
      const kbps = bytes >= minBytes && window > 0 ? Math.round(((bytes - firstChunk) * 8) / window) : null;
      resolve({
        kbps,
        firstByteMs: Math.round(firstByteMs),
        bytes,
        durationMs: Math.round(performance.now() - started),
        slow: isSlowLink(kbps, threshold),
        url: url.href,
      });
    };
    let firstChunk = 0;
    const onAbort = () => finish(new AbortError());
    const request = url.protocol === "http:" ? httpRequest : httpsRequest;
    const req = request(url, {
      method: "GET",
      headers: { "Cache-Control": "no-cache", "User-Agent": "mailwire-mailbox link probe" },
      ...(options.ca ? { ca: options.ca } : {}),
      agent: false,
    });
    const timer = setTimeout(
      () => finish(new TimeoutError(`link probe took over ${timeoutMs} ms`, { phase: "link", timeoutMs })),
      timeoutMs,
    );
    options.signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", (error) =>
      finish(new ConnectionError(`link probe to ${url.host} failed: ${error.message}`)),
    );
    req.on("response", (res) => {
      firstByteMs = performance.now() - started;
      res.on("data", (chunk: Buffer) => {
        const now = performance.now();
        if (bytes === 0) {
          firstBody = now;
          firstChunk = chunk.length;
        }
        lastBody = now;
        bytes += chunk.length;
        if (bytes >= maxBytes) finish();
      });
      res.on("end", () => finish());
      res.on("error", (error) =>
        finish(new ConnectionError(`link probe to ${url.host} broke: ${error.message}`)),
      );
    });
    req.end();
  });
}
