import { describe, expect, it } from "vitest";
import { priorityRace } from "../src/discovery/priority-race.js";

// The race discover() runs its candidates in: priority order, grace for better candidates,
// losers cancelled.

const after = <T>(ms: number, value: T, signal: AbortSignal) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => resolve(value), ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
const never = (signal: AbortSignal) =>
  new Promise<string>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));

describe("priorityRace", () => {
  it("a better candidate answering inside the grace window wins over an earlier worse one", async () => {
    const result = await priorityRace(
      [{ run: (signal) => after(60, "best", signal) }, { run: (signal) => after(10, "worse", signal) }],
      { graceMs: 500, candidateTimeoutMs: 5_000 },
    );
    expect(result).toEqual({ kind: "won", index: 0, value: "best" });
  });

  it("adaptive grace: a silent better candidate costs a share of the answer's own time, and is cancelled", async () => {
    let cancelled = false;
    const elapsed: number[] = [];
    const started = performance.now();
    const result = await priorityRace(
      [
        {
          run: (signal) => {
            signal.addEventListener("abort", () => {
              cancelled = true;
            });
            return never(signal);
          },
        },
        { run: (signal) => after(80, "answer", signal) },
      ],
      {
        graceMs: (answerMs) => {
          elapsed.push(answerMs);
          return Math.min(50, answerMs / 4);
        },
        candidateTimeoutMs: 5_000,
      },
    );
    const total = performance.now() - started;
    expect(result).toEqual({ kind: "won", index: 1, value: "answer" });
    expect(elapsed).toHaveLength(1);
    expect(elapsed[0]).toBeGreaterThanOrEqual(75);
    // 80 ms answer + 20 ms grace, with timer slack; far below any connect timeout.
    expect(total).toBeGreaterThanOrEqual(95);
    expect(total).toBeLessThan(400);
    expect(cancelled).toBe(true);
  });

  it("the best candidate wins outright once every better one failed; all failing reports every error", async () => {
    const won = await priorityRace(
      [{ run: async () => Promise.reject(new Error("down")) }, { run: (signal) => after(5, "ok", signal) }],
      { graceMs: 10_000, candidateTimeoutMs: 5_000 },
    );
    expect(won).toEqual({ kind: "won", index: 1, value: "ok" });
    const failed = await priorityRace(
      [
        { run: async () => Promise.reject(new Error("a")) },
        { run: async () => Promise.reject(new Error("b")) },
      ],
      { graceMs: 10, candidateTimeoutMs: 5_000 },
    );
    expect(failed.kind).toBe("failed");
    expect(failed.kind === "failed" && failed.errors.map((error) => (error as Error).message)).toEqual([
      "a",
      "b",
    ]);
  });
});

describe("priorityRace: grace only for better candidates that connected", () => {
  // A connect that completes after `connectMs` and an answer `answerMs` after the start.
  const live =
    (connectMs: number, answerMs: number, value: string) => (signal: AbortSignal, connected: () => void) => {
      const timer = setTimeout(connected, connectMs);
      signal.addEventListener("abort", () => clearTimeout(timer));
      return after(answerMs, value, signal);
    };

  it("a better candidate that connected but answers slowly, inside the grace, still wins", async () => {
    const result = await priorityRace(
      [
        { run: live(5, 150, "best"), reportsConnect: true },
        { run: live(5, 10, "worse"), reportsConnect: true },
      ],
      { graceMs: 60_000, candidateTimeoutMs: 60_000 },
    );
    expect(result).toEqual({ kind: "won", index: 0, value: "best" });
  });

  it("a better candidate stuck in its connect does not hold the answer for the grace window", async () => {
    let cancelled = false;
    let graceAsked = 0;
    // A grace of a minute: were the stuck candidate waited for, the test would time out.
    const result = await priorityRace(
      [
        {
          run: (signal) => {
            signal.addEventListener("abort", () => {
              cancelled = true;
            });
            return never(signal);
          },
          reportsConnect: true,
        },
        { run: live(5, 20, "answer"), reportsConnect: true },
      ],
      {
        graceMs: () => {
          graceAsked++;
          return 60_000;
        },
        candidateTimeoutMs: 120_000,
      },
    );
    expect(result).toEqual({ kind: "won", index: 1, value: "answer" });
    expect(cancelled).toBe(true);
    expect(graceAsked).toBe(1);
  });

  it("priority order holds when every candidate is live: the worse ones answer first and lose", async () => {
    const result = await priorityRace(
      [
        { run: live(5, 120, "first"), reportsConnect: true },
        { run: live(5, 60, "second"), reportsConnect: true },
        { run: live(5, 10, "third"), reportsConnect: true },
      ],
      { graceMs: 60_000, candidateTimeoutMs: 60_000 },
    );
    expect(result).toEqual({ kind: "won", index: 0, value: "first" });
  });

  it("a better candidate that connects only after the worse one answered gets no grace", async () => {
    // Connected at 40 ms, answering at 100 ms; the worse one answered at 10 ms.
    const result = await priorityRace(
      [
        { run: live(40, 100, "best"), reportsConnect: true },
        { run: live(5, 10, "worse"), reportsConnect: true },
      ],
      { graceMs: 60_000, candidateTimeoutMs: 60_000 },
    );
    // The rule looks at the moment the worse answer arrived: not connected then, no grace.
    expect(result).toEqual({ kind: "won", index: 1, value: "worse" });
  });

  it("a candidate that does not report its connect keeps the grace (an LDAP lookup)", async () => {
    const result = await priorityRace(
      [{ run: (signal) => after(100, "scp", signal) }, { run: live(5, 10, "pox"), reportsConnect: true }],
      { graceMs: 60_000, candidateTimeoutMs: 60_000 },
    );
    expect(result).toEqual({ kind: "won", index: 0, value: "scp" });
  });
});
