// The parts of an http(s) URL the node engine's sockets and proxy choice read.

/** The port an http(s) URL without one means (RFC 9110 §4.2.1, §4.2.2). */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "https:": 443 };

/** `[::1]` (URL.hostname of an IPv6 literal) as node:net and node:http want it. */
export function bareHost(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}
