import { describe, expect, it } from "vitest";
import {
  AbortError,
  deadline,
  ErrorCode,
  raceAbort,
  sleep,
  TimeoutError,
  throwIfAborted,
} from "../src/index.js";

describe("abort and deadlines", () => {
  it("rejects at once when the signal already fired", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(() => throwIfAborted(controller.signal)).toThrow(AbortError);
    await expect(sleep(10_000, controller.signal)).rejects.toBeInstanceOf(AbortError);
    await expect(raceAbort(new Promise(() => {}), controller.signal)).rejects.toMatchObject({
      code: ErrorCode.ABORTED,
    });
  });

  it("turns a passed deadline into a TimeoutError naming the phase", async () => {
    const d = deadline({ timeoutMs: 5, phase: "greeting" });
    const error = await raceAbort(new Promise(() => {}), d.signal).catch((e: unknown) => e);
    d.dispose();
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).details).toMatchObject({ phase: "greeting", timeoutMs: 5 });
    expect((error as TimeoutError).message).toContain("greeting");
  });

  it("follows the caller's signal and removes its listener on dispose", async () => {
    const controller = new AbortController();
    const d = deadline({ signal: controller.signal, timeoutMs: 60_000 });
    const pending = raceAbort(new Promise(() => {}), d.signal);
    controller.abort(new Error("user cancelled"));
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    d.dispose();
    // A disposed deadline no longer reacts to its source.
    const second = new AbortController();
    const d2 = deadline({ signal: second.signal });
    d2.dispose();
    second.abort();
    expect(d2.signal.aborted).toBe(false);
  });

  it("passes the value through when nothing aborts", async () => {
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve(42), controller.signal)).resolves.toBe(42);
    await expect(sleep(1, controller.signal)).resolves.toBeUndefined();
  });
});
