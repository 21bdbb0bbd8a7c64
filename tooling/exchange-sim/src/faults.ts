// Fault injection for tests: each rule applies to the next `count` requests whose path starts
// with `path` (every path when omitted), then disappears.

export type Fault =
  | { kind: "throttle"; retryAfterSeconds: number }
  | { kind: "drop" }
  | { kind: "delay"; ms: number };

interface Rule {
  fault: Fault;
  remaining: number;
  path: string | undefined;
}

export interface FaultOptions {
  /** How many requests the fault applies to (default 1). */
  count?: number;
  /** Only requests whose path starts with this (case-insensitive). */
  path?: string;
}

export class Faults {
  readonly #rules: Rule[] = [];

  /** Answer 503 Service Unavailable with Retry-After (RFC 9110 10.2.3), as Exchange does when throttling. */
  throttle(options: FaultOptions & { retryAfterSeconds?: number } = {}): void {
    this.#add({ kind: "throttle", retryAfterSeconds: options.retryAfterSeconds ?? 1 }, options);
  }

  /** Destroy the connection without a response. */
  drop(options: FaultOptions = {}): void {
    this.#add({ kind: "drop" }, options);
  }

  /** Wait before handling the request. */
  delay(ms: number, options: FaultOptions = {}): void {
    this.#add({ kind: "delay", ms }, options);
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** The fault for this request, consuming one use of the first matching rule. */
  take(path: string): Fault | undefined {
    const lower = path.toLowerCase();
    const index = this.#rules.findIndex((r) => r.path === undefined || lower.startsWith(r.path));
    const rule = this.#rules[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.#rules.splice(index, 1);
    return rule.fault;
  }

  #add(fault: Fault, options: FaultOptions): void {
    this.#rules.push({ fault, remaining: options.count ?? 1, path: options.path?.toLowerCase() });
  }
}
